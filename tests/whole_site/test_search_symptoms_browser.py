"""Runbooks whose symptoms hold the query first, L1 first among them, on the search page in
headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import build_search_site, search_page_results
from tests.search.test_symptoms import EXPECTED, FILES, QUERY


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-symptoms"), FILES)


def titles(open_site, site: Path, query: str) -> list[str]:
    page, errors = open_site(site, "search/?kind=runbook&q=" + query.replace(" ", "+"))
    search_page_results(page)
    assert not errors
    return page.locator("a.opskb-search-title").all_inner_texts()


def test_runbooks_whose_symptoms_hold_the_query_come_first_l1_first(site: Path, open_site) -> None:
    found = titles(open_site, site, QUERY)
    assert [t for t in found if t in EXPECTED] == EXPECTED, found


def test_other_forms_of_the_words_count_as_the_symptom(site: Path, open_site) -> None:
    found = titles(open_site, site, "vpn dropped")
    assert [t for t in found if t in EXPECTED] == EXPECTED, found
