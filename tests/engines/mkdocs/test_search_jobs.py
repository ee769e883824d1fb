"""The search parts of a MkDocs build: the search page's index beside the pages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from opskb.engines.mkdocs.search_jobs import SearchJobs
from opskb.pipeline import load_kb
from opskb.search.records import search_record
from opskb.search.site_index import BUNDLE_DIR


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
