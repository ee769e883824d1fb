"""The live preview's site, once an edit has settled, is the site a build makes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bench.synthetic import write_kb
from tests.conftest import run_cli
from tests.engines.mkdocs.test_quick_browser import log_has, serve_logged
from tests.engines.mkdocs.test_watching import fetch, serve, wait_for


def url(source: str) -> str:
    return source.removesuffix(".md") + "/"


def unmentioned(kb, paths: list[str]) -> str:
    """A runbook no other document names, so deleting it breaks no link."""
    texts = [(kb.root / p).read_text(encoding="utf-8") for p in kb.paths]
    return next(p for p in paths if sum(Path(p).stem in t for t in texts) == 1)


# what a preview leaves out or adds by design: MkDocs' server names its own address as the
# site's, and the offline service worker (which would hide edits) is not registered
BY_DESIGN = re.compile(
    rb'\n *\n *<link rel="canonical" href="http://127\.0\.0\.1:\d+/[^"]*">'
    rb'|\n *<script src="[./]*assets/opskb/offline\.js"></script>\n *'
)


def pages(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): BY_DESIGN.sub(b"", p.read_bytes())
        for p in site.rglob("*.html")
    }


def test_the_preview_after_edits_holds_the_pages_a_build_of_the_same_sources_writes(
    tmp_path,
) -> None:
    """Its rebuilds reuse the pages an edit leaves alone, moving them (and their folders)
    out of the last site: the pages are the same bytes as a build's, a page deleted meanwhile
    is gone, and nothing is left behind (offline copies are for the built site only)."""
    kb = write_kb(tmp_path / "kb", documents=40, seed=5, related=True)
    edited = kb.published_runbooks[0]
    deleted = unmentioned(kb, kb.published_runbooks[1:])
    scratch = tmp_path / "scratch"  # where the server keeps its site while it runs
    scratch.mkdir()
    process, base = serve(kb.root, scratch)
    try:
        edited_url = base + url(edited)
        assert wait_for(edited_url, "</html>", process)
        with (kb.root / edited).open("a", encoding="utf-8") as handle:
            handle.write("\nA line written while the preview runs.\n")
        (kb.root / deleted).unlink()
        assert wait_for(edited_url, "A line written while the preview runs.", process)
        assert fetch(base + url(deleted)) == ""  # not found
        (served,) = [p for p in scratch.glob("mkdocs_*") if not p.name.endswith("-previous")]
        preview = pages(served)
    finally:
        process.terminate()
        process.wait(timeout=20)
    built = built_pages(kb, tmp_path / "built")
    assert len(built) > 40
    assert sorted(preview) == sorted(built)
    assert [name for name in built if preview[name] != built[name]] == []


def built_pages(kb, site: Path) -> dict[str, bytes]:
    """The pages a build from scratch of the same sources writes (offline copies aside)."""
    shutil.rmtree(kb.root / ".opskb-cache", ignore_errors=True)
    result = run_cli("build", "--kb", kb.root, "-q", "-d", site)
    assert result.exit_code == 0, result.output
    return {name: html for name, html in pages(site).items() if not name.startswith("offline/")}


def test_after_a_page_shown_first_the_preview_settles_on_the_pages_a_build_writes(
    tmp_path,
) -> None:
    """An edit of one runbook's text is shown first (quick.py); once the whole rebuild that
    follows is done, every page is a build's, the look-alikes of every page included."""
    kb = write_kb(tmp_path / "kb", documents=40, seed=5, related=True)
    edited = kb.published_runbooks[2]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    log = tmp_path / "serve.log"
    process, base = serve_logged(kb.root, scratch, log)
    try:
        assert wait_for(base + url(edited), "</html>", process)
        assert log_has(log, "Serving on")
        source = kb.root / edited
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("\n## ", "\nA paragraph written now.\n\n## ", 1), "utf-8")
        assert log_has(log, f"shown first: {edited}", "Building documentation", "Reloading")
        (served,) = [p for p in scratch.glob("mkdocs_*") if not p.name.endswith("-previous")]
        preview = pages(served)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert b"A paragraph written now." in preview[url(edited) + "index.html"]
    built = built_pages(kb, tmp_path / "built")
    assert sorted(preview) == sorted(built)
    assert [name for name in built if preview[name] != built[name]] == []
