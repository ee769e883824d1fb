"""Synonyms a team lists in mkdocs.yml (``search_synonyms``), on the search page in
headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import SEARCH_CONFIG, build_search_site, search_page_results
from tests.search.test_synonyms import FILES, SYNONYMS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = SEARCH_CONFIG.replace("  - opskb\n", "  - opskb:\n" + SYNONYMS)
    files = {**FILES, "mkdocs.yml": config}
    return build_search_site(tmp_path_factory.mktemp("search-synonyms"), files)


def results_for(open_site, site: Path, query: str):
    page, errors = open_site(site, "search/?q=" + query.replace(" ", "+"))
    return page, search_page_results(page), errors


def test_a_phrase_finds_the_pages_saying_another_phrase_of_its_group(site: Path, open_site) -> None:
    for query in ("charged twice", "duplicate payment"):
        page, results, errors = results_for(open_site, site, query)
        status = page.locator("#opskb-search-status").inner_text()
        assert results[0].startswith("Refund a card payment") and not errors, query
        assert not status.startswith("No page has every word"), query


def test_a_phrase_finds_the_pages_saying_a_word_of_its_group(site: Path, open_site) -> None:
    page, results, _ = results_for(open_site, site, "remote access hardware token")
    status = page.locator("#opskb-search-status").inner_text()
    assert results[0].startswith("Reset a hardware token")
    assert not status.startswith("No page has every word")


def test_the_groups_are_shipped_beside_the_index_in_lower_case(site: Path) -> None:
    groups = json.loads((site / "pagefind" / "synonyms.json").read_text(encoding="utf-8"))
    assert groups == [
        ["double charged", "charged twice", "duplicate payment"],
        ["vpn", "remote access"],
    ]
