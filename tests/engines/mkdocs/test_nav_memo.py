"""The theme's navigation, kept for the pages that print it alike: the same site, faster."""

from __future__ import annotations

import shutil
from pathlib import Path

from markupsafe import Markup
from opskb.engines.mkdocs.nav_memo import END, START, NavMemo

from tests.conftest import MKDOCS_YML, copy_sample, page, run_cli


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _built(root: Path, site: Path) -> Path:
    result = run_cli("build", "--kb", root, "--strict", "-q", "-d", site)
    assert result.exit_code == 0, result.output
    return site


def test_the_sample_is_byte_identical_with_the_kept_navigation_and_without(
    tmp_path: Path, monkeypatch
) -> None:
    root = copy_sample(tmp_path / "kb")
    printed = []
    context = NavMemo.context

    def counted(self, *args, **kwargs):
        found = context(self, *args, **kwargs)
        printed.append(isinstance(found.get("opskb_nav"), Markup))
        return found

    monkeypatch.setattr(NavMemo, "context", counted)
    kept = _files(_built(root, tmp_path / "kept"))
    # pages outside the navigation (runbooks, incidents) beside one rendered before
    assert sum(printed) > len(printed) // 4, printed
    monkeypatch.setattr(NavMemo, "context", lambda self, context, *args, **kwargs: context)
    shutil.rmtree(root / ".opskb-cache", ignore_errors=True)  # every page rendered anew
    rendered = _files(_built(root, tmp_path / "rendered"))
    assert kept.keys() == rendered.keys()
    differ = sorted(name for name in kept if kept[name] != rendered[name])
    assert differ == []
    runbook = kept["runbooks/vpn/reset-token/index.html"].decode()
    assert runbook.count('class="md-nav md-nav--primary"') == 1
    assert START not in runbook and END not in runbook
    assert 'href="../../../systems/' in runbook  # links relative to this page


def test_a_knowledge_base_s_own_navigation_partial_is_rendered_for_every_page(make_kb) -> None:
    config = MKDOCS_YML.replace("  name: material\n", "  name: material\n  custom_dir: theme\n")
    root = make_kb(
        {
            "theme/partials/nav.html": "<nav>own navigation of {{ page.url }}</nav>\n",
            "runbooks/vpn/check-client.md": "---\ntitle: Check the client\ntier: L1\n"
            "system: vpn\ntype: runbook\nowner: Service Desk\nlast_reviewed: 2026-05-01\n"
            "escalate_when: [it fails]\n---\n## Steps\n\n1. Check it.\n",
        },
        config=config,
    )
    site = _built(root, root / "site")
    for url in ("runbooks/vpn/reset-token/", "runbooks/vpn/check-client/"):
        assert f"<nav>own navigation of {url}</nav>" in page(site, url)


def test_a_navigation_printed_twice_or_not_at_all_is_not_kept() -> None:
    memo = NavMemo()

    class _File:
        src_uri = "runbooks/a.md"

    class _Page:
        file = _File()

    memo._asked["runbooks/a.md"] = ("../",)
    twice = f"{START}<nav>a</nav>{END}{START}<nav>a</nav>{END}"
    assert memo.keep(twice, _Page()) == "<nav>a</nav><nav>a</nav>"
    assert memo.kept == {}
    memo._asked["runbooks/a.md"] = ("../",)
    assert memo.keep(f"x{START}<nav>b</nav>{END}y", _Page()) == "x<nav>b</nav>y"
    assert memo.kept == {("../",): "<nav>b</nav>"}
