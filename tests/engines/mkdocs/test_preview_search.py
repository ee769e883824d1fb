"""A live preview shows an edit before its search page index is done, then swaps it in.

Pagefind is made slow through the seam a site uses to name another Pagefind
(``OPSKB_PAGEFIND``): a wrapper that sleeps, then runs the real one.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from opskb.engines.mkdocs.search_jobs import SearchJobs
from opskb.pipeline import load_kb
from opskb.search.records import search_record
from opskb.search.site_index import BUNDLE_DIR, PAGEFIND_VARIABLE, records_digest, write_site_index

from .test_watching import fetch, serve, wait_for, wait_until

PAUSE = 4.0  # seconds the slow Pagefind sleeps before it indexes


@pytest.fixture
def slow_pagefind(tmp_path: Path, monkeypatch) -> Path:
    """Every Pagefind run, in this process's children, starts ``PAUSE`` seconds late."""
    from pagefind_bin import get_executable

    wrapper = tmp_path / "slow-pagefind"
    wrapper.write_text(f'#!/bin/sh\nsleep {PAUSE}\nexec "{get_executable()}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_VARIABLE, str(wrapper))
    return wrapper


def _records(root: Path) -> list:
    return [search_record(d) for d in load_kb(root).catalog.published]


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
    from opskb.search.site_index import write_site_synonyms

    write_site_index(records, folder)
    write_site_synonyms((("vpn", "remote access"),), folder)
    return _tree(folder / BUNDLE_DIR)


def test_an_edit_is_served_before_its_index_is_done_and_the_index_then_swapped_in(
    make_kb, tmp_path: Path, slow_pagefind
) -> None:
    root = make_kb()
    records = _records(root)
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
    records = _records(root)
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
    records = _records(root)
    preview = Preview(root, tmp_path)
    preview.rebuild(records)
    edited = [*records[:-1], dataclasses.replace(records[-1], title="Edited once")]
    preview.rebuild(edited)
    preview.rebuild(edited)  # a page edited that the search index does not hold
    assert preview.jobs._site_index is None  # the bundle swapped in is taken: none to index
    assert _indexed(preview.site) == records_digest(edited)


def test_serve_reloads_an_edit_before_the_search_index_has_it(
    make_kb, tmp_path: Path, slow_pagefind
) -> None:
    root = make_kb()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    process, base = serve(root, scratch)
    page, words = base + "runbooks/vpn/reset-token/", base + f"{BUNDLE_DIR}/words.json"
    try:
        assert wait_for(page, "Resync the token.", process)
        runbook = root / "runbooks/vpn/reset-token.md"
        runbook.write_text(runbook.read_text().replace("Resync the token.", "Reissue it."))
        assert wait_for(page, "Reissue it.", process)
        served = fetch(words)
        assert '"token"' in served and '"reissue"' not in served  # the last bundle, whole
        assert wait_until(words, lambda text: '"reissue"' in text, process)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0
    left = [p.name for p in scratch.iterdir() if not p.name.startswith("_jinja2-cache")]
    assert left == []
