"""A live preview shows an edited page first: the page a whole rebuild then writes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from opskb.engines.mkdocs.quick import FollowUp

from bench.synthetic import write_kb


class Server:
    """What the plugin uses of MkDocs' live-reload server, with builds counted."""

    def __init__(self, rebuild) -> None:
        self.builds = 0
        self.watched: list[str] = []
        self.app = lambda environ, start_response: [b""]

        def builder() -> None:
            self.builds += 1
            rebuild()

        self.builder = builder

    def watch(self, path: str) -> None:
        self.watched.append(path)

    def get_app(self):
        return self.app

    def set_app(self, app) -> None:
        self.app = app


def _build(root: Path, site: Path):
    """A build as ``opskb serve`` makes each: the plugin knows it is a live preview's."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    return config


@pytest.fixture
def preview(tmp_path):
    kb = write_kb(tmp_path / "kb", documents=40, seed=5, related=True)
    site = tmp_path / "site"
    config = _build(kb.root, site)
    plugin = config.plugins["opskb"]
    server = plugin.on_serve(
        Server(lambda: _build(kb.root, site)), config=config, builder=lambda: None
    )
    yield kb, site, plugin, server
    plugin.on_shutdown()
    config.plugins.on_startup(command="build", dirty=False)  # MkDocs keeps the plugin


def _page(site: Path, source: str) -> Path:
    return site / source.removesuffix(".md") / "index.html"


def _html(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


def test_an_edited_runbook_is_shown_first_as_the_whole_rebuild_then_writes_it(preview):
    kb, site, _, server = preview
    edited = kb.published_runbooks[0]
    source = kb.root / edited
    source.write_text(
        source.read_text(encoding="utf-8") + "\nA line written while the preview runs.\n",
        encoding="utf-8",
    )
    before = _html(site)
    server.builder()  # what the server calls once it sees the file change
    assert server.builds == 0  # the rebuild returned without building the site
    shown = _page(site, edited).read_bytes()
    assert b"A line written while the preview runs." in shown
    name = _page(site, edited).relative_to(site).as_posix()
    assert {n for n, html in _html(site).items() if before.get(n) != html} == {name}

    server.builder()  # the follow-up: nothing changed since the page was shown
    assert server.builds == 1
    assert _page(site, edited).read_bytes() == shown


def test_a_document_added_or_an_error_rebuilds_the_whole_site_at_once(preview):
    kb, _, _, server = preview
    runbook = kb.root / kb.published_runbooks[1]
    (runbook.parent / "added.md").write_text(runbook.read_text(encoding="utf-8"), "utf-8")
    server.builder()
    assert server.builds == 1
    (runbook.parent / "added.md").unlink()
    server.builder()
    assert server.builds == 2

    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(text.replace("tier: L", "tier: X", 1), encoding="utf-8")
    server.builder()  # the server reports it and keeps serving the last site
    assert server.builds == 3
    server.builder()  # not shown first while the last rebuild failed
    assert server.builds == 4


def test_the_whole_rebuild_is_asked_for_once_a_browser_asks_for_the_next_change(tmp_path):
    server = Server(lambda: None)
    follow_up = FollowUp(server, tmp_path / "preview", delay=600)
    assert server.watched == [str(tmp_path / "preview")]
    follow_up.shown()  # no page was shown first: nothing to ask
    assert list((tmp_path / "preview").iterdir()) == []
    follow_up.due()
    follow_up.shown()
    assert [p.name for p in (tmp_path / "preview").iterdir()] == ["rebuild"]
    follow_up.close()


def test_without_a_browser_the_whole_rebuild_is_asked_for_soon(tmp_path):
    follow_up = FollowUp(Server(lambda: None), tmp_path / "preview", delay=0.05)
    follow_up.due()
    deadline = time.monotonic() + 30
    while not (tmp_path / "preview" / "rebuild").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # a bounded wait, not a timing assertion
    assert (tmp_path / "preview" / "rebuild").exists()
    follow_up.close()


def test_a_build_in_the_process_of_a_preview_builds_the_site_not_a_preview(preview, tmp_path):
    """MkDocs keeps our plugin between configurations: ``opskb build`` after a preview in
    one process (a library caller's) still writes the offline copies a preview leaves out."""
    from opskb.engines.mkdocs.build import build_site

    kb, site, _, _ = preview
    assert not (site / "offline").exists()
    assert build_site(kb.root, quiet=True, site_dir=str(tmp_path / "built")) == 0
    assert list((tmp_path / "built" / "offline").glob("*.html"))


def test_with_another_plugin_an_edit_rebuilds_the_whole_site_at_once(tmp_path):
    """Material's tags plugin keeps what it saw of every page: no page is rendered alone."""
    kb = write_kb(tmp_path / "kb", documents=20, seed=6)
    config_file = kb.root / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("  - search\n", "  - search\n  - tags\n"), "utf-8")
    site = tmp_path / "site"
    config = _build(kb.root, site)
    plugin = config.plugins["opskb"]
    server = plugin.on_serve(
        Server(lambda: _build(kb.root, site)), config=config, builder=lambda: None
    )
    try:
        source = kb.root / kb.published_runbooks[0]
        source.write_text(source.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
        server.builder()
        assert server.builds == 1
        assert b"Edited." in _page(site, kb.published_runbooks[0]).read_bytes()
    finally:
        plugin.on_shutdown()
        config.plugins.on_startup(command="build", dirty=False)
