"""The search parts of a MkDocs build: the search page's index beside the pages.

A live preview's rebuild returns with the last bundle in place and swaps the
new one in once Pagefind is done; here Pagefind is slowed (``slow_pagefind``)
so that the rebuild returns well before it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from opskb.engines.mkdocs.search_jobs import SearchJobs
from opskb.pipeline import load_kb
from opskb.search.records import search_record
from opskb.search.site_index import (
    BUNDLE_DIR,
    records_digest,
    write_site_index,
    write_site_synonyms,
)

from .conftest import PAUSE


def _records(root: Path) -> tuple[list, object]:
    kb = load_kb(root)
    return [search_record(d) for d in kb.catalog.published], kb.catalog


def test_a_build_writes_the_search_page_index_and_its_synonyms_beside_the_pages(
    make_kb, tmp_path: Path
) -> None:
    root = make_kb()
    records, catalog = _records(root)
    said: list[str] = []
    jobs = SearchJobs(warn=said.append)
    site = tmp_path / "site"
    jobs.start(records, root, catalog, serving=True, sites=[site])
    jobs.finish(site, None, serving=True, synonyms=(("vpn", "remote access"),))
    assert (site / BUNDLE_DIR / "pagefind.js").is_file()
    assert "remote access" in "".join(
        p.read_text(encoding="utf-8") for p in site.rglob("*synonyms*") if p.is_file()
    )
    assert said == []


def test_a_live_preview_takes_the_last_index_while_the_records_are_the_same(
    make_kb, tmp_path: Path
) -> None:
    root = make_kb()
    records, catalog = _records(root)
    jobs = SearchJobs(warn=print)
    first, second, third = (tmp_path / name for name in ("first", "second", "third"))
    jobs.start(records, root, catalog, serving=True, sites=[first])
    jobs.finish(first, None, serving=True, synonyms=())
    jobs.start(records, root, catalog, serving=True, sites=[second, first])
    assert jobs._site_index is None  # nothing to index again
    jobs.finish(second, first, serving=True, synonyms=())
    assert (second / BUNDLE_DIR / "pagefind.js").is_file()
    edited = [*records[:-1], dataclasses.replace(records[-1], title="Renamed")]
    jobs.start(edited, root, catalog, serving=True, sites=[third, second])
    assert jobs._site_index is not None  # an edit is indexed
    jobs.finish(third, None, serving=True, synonyms=())
    assert (third / BUNDLE_DIR / "pagefind.js").is_file()


def test_an_index_that_cannot_be_written_fails_the_build_with_a_reason(
    make_kb, tmp_path: Path
) -> None:
    root = make_kb()
    records, catalog = _records(root)
    jobs = SearchJobs(warn=print)
    blocked = tmp_path / "site"
    blocked.write_text("a file where the site folder should be", encoding="utf-8")
    jobs.start(records, root, catalog, serving=True, sites=[])
    with pytest.raises(PluginError, match="cannot write the search page's index"):
        jobs.finish(blocked, None, serving=True, synonyms=())


def test_a_failed_build_still_brings_the_terminal_index_up_to_date(make_kb) -> None:
    """The terminal's index waits for the build; a build that fails lets it go all the
    same, so ``opskb search`` after it needs no indexing."""
    from opskb.search.index import IndexUpdate, SearchIndex

    root = make_kb()
    records, catalog = _records(root)
    jobs = SearchJobs(warn=print)
    jobs.start(records, root, catalog, serving=False, sites=[])
    jobs.cancel()  # as a failed build does
    assert SearchIndex.open(root).refresh() == IndexUpdate()  # waits on its lock, then none left


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _indexed(site: Path) -> str:
    return (site / BUNDLE_DIR / ".opskb-records").read_text(encoding="utf-8")


class Preview:
    """The site folder of a live preview, rebuilt as MkDocs' ``serve`` and our plugin do:
    the last site moved aside (``on_pre_build``), the pages written, the index finished."""

    def __init__(self, root: Path, tmp_path: Path) -> None:
        self.root, self.site = root, tmp_path / "site"
        self.previous = tmp_path / "site-previous"
        self.said: list[str] = []
        self.jobs = SearchJobs(warn=self.said.append)
        self.site.mkdir()

    def rebuild(self, records: list) -> None:
        catalog = load_kb(self.root).catalog
        sites = [self.site, *([self.previous] if self.previous.exists() else [])]
        self.jobs.start(records, self.root, catalog, serving=True, sites=sites)
        before = None
        if any(self.site.iterdir()):
            shutil.rmtree(self.previous, ignore_errors=True)
            os.replace(self.site, self.previous)
            self.site.mkdir()
            before = self.previous
        (self.site / "index.html").write_text("pages", encoding="utf-8")
        self.jobs.finish(self.site, before, serving=True, synonyms=(("vpn", "remote access"),))


def _full_build(records: list, folder: Path) -> dict[str, bytes]:
    write_site_index(records, folder)
    write_site_synonyms((("vpn", "remote access"),), folder)
    return _tree(folder / BUNDLE_DIR)


def test_an_edit_is_served_before_its_index_is_done_and_the_index_then_swapped_in(
    make_kb, tmp_path: Path, slow_pagefind
) -> None:
    root = make_kb()
    records, _ = _records(root)
    preview = Preview(root, tmp_path)
    preview.rebuild(records)  # the first build has no bundle to show meanwhile: it waits
    assert _indexed(preview.site) == records_digest(records)
    edited = [*records[:-1], dataclasses.replace(records[-1], title="Reissue the token")]
    missing: list[str] = []
    stop = threading.Event()

    def watch() -> None:  # as a browser would, all the while
        while not stop.is_set():
            if not (preview.site / BUNDLE_DIR / "pagefind-entry.json").is_file():
                missing.append("no bundle")

    watcher = threading.Thread(target=watch)
    preview.rebuild(edited)
    watcher.start()
    try:
        assert (preview.site / "index.html").is_file()
        assert _indexed(preview.site) == records_digest(records)  # the last one, meanwhile
        assert preview.jobs.settled()
    finally:
        stop.set()
        watcher.join()
    assert missing == [] and preview.said == []
    assert _indexed(preview.site) == records_digest(edited)
    assert _tree(preview.site / BUNDLE_DIR) == _full_build(edited, tmp_path / "full")


def test_two_quick_edits_end_with_the_newer_records_index(
    make_kb, tmp_path: Path, slow_pagefind
) -> None:
    root = make_kb()
    records, _ = _records(root)
    preview = Preview(root, tmp_path)
    preview.rebuild(records)
    first = [*records[:-1], dataclasses.replace(records[-1], title="First edit")]
    second = [*records[:-1], dataclasses.replace(records[-1], title="Second edit")]
    preview.rebuild(first)
    preview.rebuild(second)  # the first edit's index still runs: it is stopped
    assert preview.jobs.settled()
    assert _indexed(preview.site) == records_digest(second)
    time.sleep(PAUSE + 1)  # long enough for a stray index of the first edit to land
    assert _tree(preview.site / BUNDLE_DIR) == _full_build(second, tmp_path / "full")
    assert preview.said == []


def test_the_same_records_again_wait_for_the_index_under_way_instead_of_indexing_anew(
    make_kb, tmp_path: Path, slow_pagefind
) -> None:
    root = make_kb()
    records, _ = _records(root)
    preview = Preview(root, tmp_path)
    preview.rebuild(records)
    edited = [*records[:-1], dataclasses.replace(records[-1], title="Edited once")]
    preview.rebuild(edited)
    preview.rebuild(edited)  # a page edited that the search index does not hold
    assert preview.jobs._site_index is None  # the bundle swapped in is taken: none to index
    assert _indexed(preview.site) == records_digest(edited)
