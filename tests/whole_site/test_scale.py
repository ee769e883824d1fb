"""Size: what keeps builds linear in the number of documents."""

from __future__ import annotations

import json
import re

from bench.synthetic import write_kb
from tests.conftest import page

SYSTEM = """\
---
title: Warehouse system {n:02d}
owner: Logistics
escalation:
  L1: {{team: Service Desk, contact: "ext. 4000", hours: "24x7", response: 15m}}
---
System {n}.
"""

RUNBOOK = """\
---
title: Restart scanner {n:02d}
tier: L1
systems: [wh{n:02d}]
symptoms: ["scanner {n} frozen"]
escalate_when: ["it freezes again"]
---
1. Restart it.
"""


def _nav_text(html: str) -> str:
    """The text of the primary navigation (the sidebar Material prints on every page)."""
    nav = html.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    return re.sub(r"<[^>]+>", " ", nav)


def _article_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split('<article class="md-content__inner', 1)[1])


def test_a_few_systems_are_listed_in_the_navigation(make_kb, build) -> None:
    files = {f"content/systems/wh{n:02d}.md": SYSTEM.format(n=n) for n in range(3)}
    files |= {f"runbooks/wh{n:02d}/restart.md": RUNBOOK.format(n=n) for n in range(3)}
    site = build(make_kb(files))
    nav = _nav_text(page(site, ""))
    assert "All systems" in nav and "Warehouse system 02" in nav


def test_many_systems_leave_the_navigation_short(make_kb, build) -> None:
    files = {f"content/systems/wh{n:02d}.md": SYSTEM.format(n=n) for n in range(21)}
    files |= {f"runbooks/wh{n:02d}/restart.md": RUNBOOK.format(n=n) for n in range(21)}
    site = build(make_kb(files))
    home = page(site, "")
    nav = _nav_text(page(site, "runbooks/wh07/restart/"))
    assert "All systems" in nav and "Warehouse system" not in nav
    assert "Warehouse system 20" in _article_text(page(site, "systems/"))
    assert "Warehouse system 20" in _article_text(home)


def test_related_documents_can_be_turned_off(tmp_path, build) -> None:
    on = write_kb(tmp_path / "on", documents=30, seed=2)
    off = write_kb(tmp_path / "off", documents=30, seed=2, related=False)
    url = on.published_runbooks[0].removesuffix(".md") + "/"
    assert "Related" in _article_text(page(build(on.root), url))
    assert "Related" not in _article_text(page(build(off.root), url))


def test_the_themes_own_search_index_parses_no_page(tmp_path, build) -> None:
    """Search runs on Pagefind; the theme's lunr index would hold every page's text."""
    kb = write_kb(tmp_path / "kb", documents=30, seed=4, related=False)
    site = build(kb.root)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []
    assert "Escalate" in page(site, "playbooks/l1/")
    assert (site / "pagefind" / "pagefind.js").is_file()
