"""The header box searches as the search page does: synonyms, typos, live incidents first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_sample, run_cli

BOX = ".opskb-hsearch__input"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("header-forgiving") / "kb")
    result = run_cli("build", "--kb", root, "-q")
    assert result.exit_code == 0, result.output
    return root / "site"


def dropdown(page, text: str) -> list[str]:
    """Type ``text`` into the header box; the dropdown's option texts once it has answered."""
    page.locator(BOX).fill("")
    page.locator(BOX).click()
    page.locator(BOX).press_sequentially(text)
    page.locator(".opskb-hsearch__all", has_text=f"All results for “{text}”").wait_for()
    return page.locator(".opskb-hsearch__list li").all_inner_texts()


def titles(page) -> list[str]:
    return page.locator(
        ".opskb-hsearch__option:not(:has(.opskb-hsearch__live)) .opskb-hsearch__title"
    ).all_inner_texts()


def test_a_synonym_finds_the_runbook_that_says_it_otherwise(site: Path, open_site) -> None:
    page, errors = open_site(site, "runbooks/vpn/reset-token/")
    dropdown(page, "customer was double charged")  # the runbook says "charged twice"
    assert titles(page)[0] == "Customer reports a failed card payment"
    assert not errors


def test_a_typo_gets_did_you_mean_and_the_corrected_results(site: Path, open_site) -> None:
    page, errors = open_site(site, "")
    options = dropdown(page, "acount locked")
    assert any(o.startswith("Did you mean account locked?") for o in options), options
    assert titles(page)[0] == "Unlock a locked account"
    suggestion = page.locator(".opskb-hsearch__suggestion")
    assert "search/?q=account+locked" in suggestion.get_attribute("href")
    assert not errors


def test_a_live_incident_of_the_system_leads_with_status_start_and_system_names(
    site: Path, open_site
) -> None:
    page, errors = open_site(site, "")
    options = dropdown(page, "vpn keeps dropping")
    first = page.locator(".opskb-hsearch__option").first
    assert first.locator(".opskb-hsearch__live").count() == 1
    assert "Hourly VPN disconnects" in options[0]
    assert "live · monitoring" in options[0] and "since 2026-11-03 09:20 UTC" in options[0]
    assert "Remote access VPN" in options[0]  # systems by name, not "vpn"
    assert titles(page)[0] == "VPN will not connect"  # the L1 runbook first among documents
    assert not errors


def test_the_search_page_lists_the_live_incident_above_its_results(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/?q=vpn+keeps+dropping")
    page.wait_for_function(
        "/document/.test(document.getElementById('opskb-search-status').textContent)"
    )
    live = page.locator("#opskb-search-live li").all_inner_texts()
    assert len(live) == 1 and "live · monitoring" in live[0]
    results = page.locator("#opskb-search-results a.opskb-search-title").all_inner_texts()
    assert not any("Hourly VPN disconnects" in r for r in results)  # listed once, above
    assert not errors
