"""The site each engine builds, in headless Chromium: search finds a runbook on all three."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import SEARCH_CONFIG, SEARCH_FILES, search_page_results
from tests.conftest import write_kb
from tests.engines.test_three_engines import ENGINES, built

BOX = ".opskb-hsearch__input"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The search tests' small knowledge base, built once by each engine."""
    folder = tmp_path_factory.mktemp("engines-browser")
    root = write_kb(folder / "kb", SEARCH_FILES, config=SEARCH_CONFIG)
    return {engine: built(root, engine, folder / f"site-{engine}") for engine in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_search_page_finds_the_runbook_for_a_symptom(sites, open_site, engine) -> None:
    page, errors = open_site(sites[engine], "search/?q=tunnel+drops")
    items = search_page_results(page)
    assert items and "VPN tunnel keeps dropping" in items[0]
    page.locator("a.opskb-search-title", has_text="VPN tunnel keeps dropping").click()
    page.wait_for_url("**/runbooks/vpn/tunnel-drops/")
    assert "VPN tunnel keeps dropping" in page.title()
    assert errors == []


@pytest.mark.parametrize("engine", ENGINES)
def test_the_header_box_lists_the_runbook_as_the_user_types(sites, open_site, engine) -> None:
    page, errors = open_site(sites[engine], "runbooks/vpn/reset-token/")
    page.locator(BOX).click()
    page.locator(BOX).press_sequentially("token code invalid")
    page.locator(".opskb-hsearch__all", has_text="All results for “token code invalid”").wait_for()
    assert page.locator(".opskb-hsearch__title").all_inner_texts()[0] == "Reset VPN token"
    assert errors == []


@pytest.mark.parametrize("engine", ENGINES)
def test_the_header_box_looks_like_a_search_box_on_every_engine(sites, open_site, engine) -> None:
    page, errors = open_site(sites[engine], "", viewport={"width": 1200, "height": 800})
    form = page.locator(".opskb-hsearch__form").bounding_box()
    assert form is not None and 30 <= form["height"] <= 45, form  # one line, Material's 1.8rem
    assert 150 <= form["width"] <= 300, form
    icons = page.locator(".opskb-hsearch .md-search__icon svg")
    assert [icons.nth(i).is_visible() for i in range(icons.count())].count(True) == 1
    assert errors == []
