"""A rebuild's reused pages, linked for it after the last build: taken only while they are
still the site's own files, and never written through."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from opskb.engines.mkdocs import next_site, plugin
from opskb.executor import can_fork

from bench.synthetic import SyntheticKB, write_kb
from tests.conftest import page, run_cli
from tests.test_executor import tree

pytestmark = pytest.mark.skipif(not can_fork(), reason="the copy is made by a detached process")


def _url(path: str) -> str:
    return path.removeprefix("content/").removesuffix(".md") + "/"


def _prepared(kb: SyntheticKB) -> Path:
    """The copy made for the next build of ``site/`` (a bounded wait for it)."""
    home = kb.root / ".opskb-cache" / next_site.FOLDER
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready = [f for f in home.glob("*") if "-" not in f.name] if home.is_dir() else []
        if ready and (ready[0] / next_site.LISTED).is_file():
            return ready[0]
        time.sleep(0.05)
    raise AssertionError("no copy was made for the next build")


def _build(kb: SyntheticKB, site: Path) -> None:
    result = run_cli("build", "--kb", kb.root, "-q", "--strict", "-d", site)
    assert result.exit_code == 0, result.output


@pytest.fixture
def built(tmp_path: Path) -> tuple[SyntheticKB, Path]:
    kb = write_kb(tmp_path / "kb", documents=60, seed=21)
    site = kb.root / "site"
    _build(kb, site)
    return kb, site


@pytest.fixture
def taken(monkeypatch) -> list[set[str]]:
    """What each build kept of its copy."""
    seen: list[set[str]] = []
    real = plugin.take_pages

    def spy(*args):
        kept = real(*args)
        seen.append(kept)
        return kept

    monkeypatch.setattr(plugin, "take_pages", spy)
    return seen


def test_a_rebuild_takes_the_pages_linked_for_it_and_writes_none_through(
    built, taken, tmp_path: Path
) -> None:
    kb, site = built
    copy = _prepared(kb)
    edited = kb.published_runbooks[0]
    untouched = next(p for s, p in sorted(kb.systems.items()) if s != kb.system_of[edited])
    old_page = site / _url(edited) / "index.html"
    assert os.path.samefile(copy / _url(edited) / "index.html", old_page)  # links, no copies
    witness = tmp_path / "old-page.html"  # the online site's file, whatever holds it later
    os.link(old_page, witness)
    before = witness.read_bytes()
    untouched_inode = (site / _url(untouched) / "index.html").stat().st_ino
    with (kb.root / edited).open("a", encoding="utf-8") as handle:
        handle.write("\nCall the vendor hotline zephyrquartz first.\n")

    _build(kb, site)

    assert len(taken) == 1 and len(taken[0]) > 40  # most pages came from the copy
    assert _url(untouched) + "index.html" in taken[0]
    assert _url(edited) + "index.html" not in taken[0]
    assert "zephyrquartz" in page(site, _url(edited))
    assert witness.read_bytes() == before  # the page rendered again is a file of its own
    assert (site / _url(untouched) / "index.html").stat().st_ino == untouched_inode
    assert not (site / next_site.LISTED).exists()
    assert not list(site.parent.glob(".site-build-*"))
    whole = tmp_path / "whole"
    _build(kb, whole)
    assert tree(site) == tree(whole)


def test_a_linked_page_that_is_not_the_sites_own_file_is_not_taken(built, taken, tmp_path) -> None:
    kb, site = built
    copy = _prepared(kb)
    untouched = kb.published_runbooks[-1]
    swapped = copy / _url(untouched) / "index.html"
    swapped.unlink()
    swapped.write_text("<p>not the site's page</p>", encoding="utf-8")

    _build(kb, site)

    assert taken and _url(untouched) + "index.html" not in taken[0]
    assert "not the site's page" not in page(site, _url(untouched))
    whole = tmp_path / "whole"
    _build(kb, whole)
    assert tree(site) == tree(whole)


@pytest.mark.parametrize("event", ["on_pre_build", "on_post_build"])  # before it is taken, after
def test_a_failed_rebuild_leaves_no_copy_beside_the_site(built, monkeypatch, event) -> None:
    kb, site = built
    _prepared(kb)
    before = tree(site)

    def fail(self, *, config):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plugin.OpskbPlugin, event, fail)
    result = run_cli("build", "--kb", kb.root, "-q", "-d", site)

    assert result.exit_code == 1 and "no space left" in result.output.lower()
    assert tree(site) == before
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site-build-")]
