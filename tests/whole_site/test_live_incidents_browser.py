"""Live incidents in headless Chromium at 1400×900, on a copy of the sample knowledge base.

Every system of the copy has a live incident (one is added where the sample has none) and
every L1 runbook is overdue for review, the worst first screen: each L1 runbook shows its
systems' live incidents in the first screen, its escalation card still there too, and the
home page opens with them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from opskb.model import Tier

from tests.browser import inside, serve_folder
from tests.conftest import copy_sample, run_cli

VIEWPORT = {"width": 1400, "height": 900}


def _added_incident(system_id: str) -> str:
    return f"""\
---
title: "Live test incident on {system_id}"
date: 2026-11-20
severity: SEV2
systems: [{system_id}]
status: open
detected_at: 2026-11-20T06:40:00Z
owner: Service Desk
workaround: "Tell callers on {system_id} that engineers are on it."
---
Under investigation.
"""


def _live(doc) -> bool:
    return doc.incident is not None and doc.incident.status.text != "resolved"


def _in_view(box: dict | None) -> bool:
    return inside(box, VIEWPORT)


@pytest.fixture(scope="module")
def live_sample(tmp_path_factory: pytest.TempPathFactory):
    """(base URL, catalog) of the sample with a live incident on every system, served."""
    from opskb.pipeline import load_kb

    kb = copy_sample(tmp_path_factory.mktemp("live-sample") / "kb")
    catalog = load_kb(kb).catalog
    covered = {s for d in catalog.documents if _live(d) for s in d.systems}
    missing = sorted(set(catalog.systems) - covered)
    assert missing, "the sample has systems without a live incident to add one to"
    for system_id in missing:
        path = kb / "content" / "incidents" / f"2026-11-20-live-{system_id}.md"
        path.write_text(_added_incident(system_id), encoding="utf-8")
    for doc in catalog.runbooks:
        if doc.tier is Tier.L1:
            path = kb / doc.path
            text = path.read_text(encoding="utf-8")
            aged = re.sub(r"(?m)^last_reviewed: .*$", "last_reviewed: 2025-01-06", text, count=1)
            assert aged != text, doc.path
            path.write_text(aged, encoding="utf-8")
    result = run_cli("build", "--kb", kb, "--strict", "-q")
    assert result.exit_code == 0, result.output
    base, server = serve_folder(Path(kb / "site"))
    yield base, load_kb(kb).catalog
    server.shutdown()


@pytest.fixture
def browser_page(chromium, live_sample):
    base, _catalog = live_sample
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    yield page
    context.close()


def test_every_l1_runbook_shows_its_systems_live_incidents_in_the_first_screen(
    live_sample, browser_page
) -> None:
    base, catalog = live_sample
    live = [d for d in catalog.documents if _live(d)]
    l1 = [d for d in catalog.runbooks if d.tier is Tier.L1]
    assert len(l1) >= 5
    for doc in l1:
        browser_page.goto(base + doc.url)
        assert browser_page.locator(".admonition-title", has_text="Review overdue").count() == 1
        for system_id in doc.systems:
            incidents = [inc for inc in live if system_id in inc.systems]
            assert incidents, (doc.url, system_id)
            for inc in incidents:
                link = browser_page.locator(".opskb-live a.opskb-live-title", has_text=inc.title)
                assert link.count() == 1, (doc.url, inc.title)
                assert link.is_visible() and _in_view(link.bounding_box()), (doc.url, inc.title)
                assert link.evaluate("a => a.href") == base + inc.url, doc.url
        # the bar leaves the escalation card's first condition and contact in the first screen
        _target, steps = catalog.escalation_target(doc)
        assert _in_view(browser_page.locator("#escalate li").first.bounding_box()), doc.url
        contact = browser_page.locator("#escalate .opskb-contact").first
        assert contact.inner_text().split() == steps[0][1].contact.split(), doc.url
        assert _in_view(contact.bounding_box()), doc.url


def test_home_page_opens_with_live_incidents_and_no_resolved_one(live_sample, browser_page) -> None:
    base, catalog = live_sample
    browser_page.goto(base)
    first_section = browser_page.locator("article h2").first
    assert first_section.inner_text().strip().startswith("Happening now")
    bar = browser_page.locator("article .opskb-live").first
    assert _in_view(first_section.bounding_box())
    top = bar.bounding_box()
    assert top and top["y"] < VIEWPORT["height"], "the bar starts in the first screen"
    intro = browser_page.locator("#opskb-home-q").bounding_box()
    assert intro and top["y"] < intro["y"], "before the search box"
    shown = bar.locator("a.opskb-live-title").all_inner_texts()
    live = sorted(d.title for d in catalog.documents if _live(d))
    assert sorted(t.strip() for t in shown) == live
    resolved = [d.title for d in catalog.documents if d.incident and not _live(d)]
    assert resolved and not any(title in bar.inner_text() for title in resolved)
