"""Search that forgives, on the search page in headless Chromium: other word forms, some
of the words, "did you mean" from the knowledge base's words, and repeated titles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import build_search_site, search_page_results
from tests.search.test_forgiving import ADOPTED, TUNNEL

FILES = {**ADOPTED, "runbooks/vpn/gateway/README.md": TUNNEL}
del FILES["runbooks/vpn/tunnel/README.md"]  # the base's "tunnel-drops" runbook sits there


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-forgiving"), FILES)


def results_for(open_site, site: Path, query: str):
    page, errors = open_site(site, "search/?q=" + query.replace(" ", "+"))
    return page, search_page_results(page), errors


def test_another_form_of_a_word_finds_the_page(site: Path, open_site) -> None:
    _, results, errors = results_for(open_site, site, "restarting daemons")
    assert results and "Restart the gateway daemon" in results[0] and not errors


def test_a_typo_gets_did_you_mean_from_the_bodies_and_finds_the_page(site: Path, open_site) -> None:
    page, results, errors = results_for(open_site, site, "leadr")
    suggestion = page.locator("#opskb-search-suggestion")
    assert suggestion.inner_text() == "Did you mean leader? Showing its results."
    assert len(results) == 1 and "the leader gateway" in results[0]
    page, _, _ = results_for(open_site, site, "leadr gateway")
    hint = page.locator("#opskb-search-suggestion").inner_text()
    assert hint.startswith("Did you mean leader gateway?")
    page.locator("#opskb-search-suggestion a").click()
    page.wait_for_url("**/search/?q=leader+gateway")
    assert not errors


def test_stop_words_are_never_suggested(site: Path, open_site) -> None:
    for query in ("wehn tunnel", "the gateway", "cant restart"):
        page, _, _ = results_for(open_site, site, query)
        assert page.locator("#opskb-search-suggestion").inner_text() == "", query


def test_the_words_of_a_joined_up_title_find_it(site: Path, open_site) -> None:
    _, results, _ = results_for(open_site, site, "tunnel flapping")
    assert results and results[0].startswith("VpnTunnelFlapping")


def test_a_typo_among_known_words_is_corrected_and_its_results_shown(site: Path, open_site) -> None:
    page, results, _ = results_for(open_site, site, "leadr gateway")
    assert page.locator("#opskb-search-suggestion").inner_text().endswith("its results.")
    assert len(results) == 1 and "the leader gateway" in results[0]


def test_one_page_sharing_a_misspelling_does_not_hide_the_pages_spelt_right(
    site: Path, open_site
) -> None:
    _, results, _ = results_for(open_site, site, "gatewy restart")
    assert results[0].startswith("Night notes")
    assert any("Restart the gateway daemon" in r for r in results[:3])


def test_when_no_page_has_every_word_pages_with_most_of_them_come_first(
    site: Path, open_site
) -> None:
    page, results, _ = results_for(open_site, site, "gateway lease portal")
    status = page.locator("#opskb-search-status").inner_text()
    assert status.startswith("No page has every word; showing pages with some.")
    assert "runbooks/vpn/gateway" in results[0] and "runbooks/vpn/portal" in results[1]


def test_repeated_titles_show_their_folder(site: Path, open_site) -> None:
    page, results, _ = results_for(open_site, site, "readme")
    titles = page.locator("a.opskb-search-title").all_inner_texts()
    assert sorted(titles) == ["Readme (runbooks/vpn/gateway)", "Readme (runbooks/vpn/portal)"]
    _, results, _ = results_for(open_site, site, "resync")
    assert results[0].startswith("Reset VPN token") and "(" not in results[0].splitlines()[0]


def test_the_vocabulary_shipped_with_the_site_is_small_and_has_no_stop_words(site: Path) -> None:
    words = json.loads((site / "pagefind" / "words.json").read_text(encoding="utf-8"))
    assert "leader" in words["words"] and "the" not in words["words"]
    assert words["words"] == sorted(words["words"])
    assert len(words["words"]) == len(words["documents"]) and words["complete"] is True


def test_repeated_titles_in_the_header_box_show_their_folder(site: Path, open_site) -> None:
    page, _ = open_site(site, "runbooks/vpn/reset-token/")
    box = page.locator(".opskb-hsearch__input")
    box.click()
    box.press_sequentially("readme")
    page.locator(".opskb-hsearch__all", has_text="All results for “readme”").wait_for()
    titles = page.locator(".opskb-hsearch__title").all_inner_texts()
    assert sorted(titles) == ["Readme (runbooks/vpn/gateway)", "Readme (runbooks/vpn/portal)"]
