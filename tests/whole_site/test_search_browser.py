"""The search page in headless Chromium: typing, filters from the address, escaping."""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

import pytest

from tests.browser import build_search_site, search_page_results

PAYLOAD = '<img src=x onerror="window.__pwned = 1">'

FILES = {
    "runbooks/vpn/token-audit.md": """\
        ---
        title: Audit token resyncs
        tier: L2
        systems: [vpn]
        symptoms: ["token resync log is missing"]
        escalate_when: ["the log is still missing"]
        ---
        Export the token resync log.
        """,
    "runbooks/vpn/evil.md": f"""\
        ---
        title: 'Evil {PAYLOAD} title'
        tier: L1
        systems: [vpn]
        symptoms: ['caller pastes {PAYLOAD} marker']
        escalate_when: ["always"]
        ---
        Body mentions the marker too.
        """,
    "content/incidents/2026-05-02-vpn.md": """\
        ---
        title: VPN token outage
        date: 2026-05-02
        severity: SEV2
        systems: [vpn]
        status: resolved
        root_cause: expired token seed file
        root_cause_category: configuration
        workaround: resync the token
        ---
        Tokens were rejected.
        """,
    "content/incidents/2026-03-01-vpn.md": """\
        ---
        title: VPN token rejections
        date: 2026-03-01
        severity: SEV3
        systems: [vpn]
        status: resolved
        root_cause: token seed file expired on the concentrator
        root_cause_category: configuration
        workaround: resync the token
        ---
        Tokens were rejected after the seed file expired.
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-browser"), FILES)


def test_typing_a_symptom_shows_the_runbook(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/")
    page.locator("#opskb-search input[name=q]").press_sequentially("tunnel drops")
    page.locator("a.opskb-search-title", has_text="VPN tunnel keeps dropping").wait_for()
    first = page.locator("#opskb-search-results li").first
    assert first.locator("a").inner_text() == "VPN tunnel keeps dropping"
    assert first.locator("mark").first.inner_text().lower() == "tunnel"
    # the address holds the query, for bookmarks: written once typing has settled, which
    # may be after the first results (for a prefix of the query) are shown
    page.wait_for_function("() => location.search.includes('q=tunnel+drops')", timeout=5000)
    assert "q=tunnel+drops" in page.url
    first.locator("a").click()
    page.wait_for_url("**/runbooks/vpn/tunnel-drops/")
    assert errors == []


def test_the_address_filters_by_tier(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/?q=token&tier=L2")
    items = search_page_results(page)
    assert items and all("L2" in item for item in items)
    assert any("Audit token resyncs" in item for item in items)
    assert not any("Reset VPN token" in item for item in items)  # an L1 runbook
    assert page.locator("select[name=tier]").input_value() == "L2"
    assert page.locator("#opskb-search input[name=q]").input_value() == "token"
    assert errors == []


def test_filters_alone_list_documents_and_kind_narrows(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/?kind=incident&system=vpn")
    items = search_page_results(page)
    assert len(items) == 2 and all("incident" in item for item in items)
    assert any("VPN token outage" in item for item in items)
    page.select_option("select[name=kind]", "runbook")
    page.locator("a.opskb-search-title", has_text="Reset VPN token").wait_for()
    assert "kind=runbook" in page.url
    assert errors == []


def test_front_matter_text_in_results_stays_text(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/?q=marker")
    items = search_page_results(page)
    assert any(PAYLOAD in item for item in items)  # shown as written
    assert page.locator("#opskb-search-results img").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    assert errors == []


def test_no_match_says_so(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/?q=zzqqxx")
    assert search_page_results(page) == []
    assert "No documents match" in page.locator("#opskb-search-status").inner_text()
    assert errors == []


def test_home_form_lands_on_the_search_page_with_results(site: Path, open_site) -> None:
    page, errors = open_site(site, "")
    form = page.locator("form.opskb-search-form")
    if form.count() == 0:
        pytest.skip("the home page has no search form in this build")
    form.locator("input[name=q]").fill("tunnel drops")
    form.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/search/?q=tunnel+drops")
    assert any("VPN tunnel keeps dropping" in item for item in search_page_results(page))
    assert errors == []


def test_the_index_is_built_deterministically(site: Path, tmp_path: Path) -> None:
    again = build_search_site(tmp_path, FILES)

    def digest(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert digest(site / "pagefind") == digest(again / "pagefind")


def test_incident_pages_list_similar_past_incidents_and_pages_list_look_alikes(
    site: Path,
) -> None:
    newer = html.unescape((site / "incidents/2026-05-02-vpn/index.html").read_text("utf-8"))
    assert "Similar past incidents" in newer
    section = newer.split('id="similar-past-incidents"', 1)[1].split("</ul>", 1)[0]
    assert "VPN token rejections" in section and "SEV3" in section
    older = html.unescape((site / "incidents/2026-03-01-vpn/index.html").read_text("utf-8"))
    assert "Similar past incidents" not in older  # nothing came before it
    runbook = html.unescape((site / "runbooks/vpn/token-audit/index.html").read_text("utf-8"))
    related = runbook.split('id="related"', 1)[1].split("</ul>", 1)[0]
    assert "Reset VPN token" in related  # shares "token" and "resync" with it


def test_the_address_query_is_this_pages_not_the_theme_overlays(site: Path, open_site) -> None:
    page, errors = open_site(site, "search/?q=token&tier=L2")
    search_page_results(page)
    page.wait_for_load_state("load")
    page.wait_for_function("() => location.search.includes('q=token')")
    assert "tier=L2" in page.url
    assert page.evaluate("document.getElementById('__search').checked") is False
    assert page.locator(".md-search__output").is_visible() is False
    assert errors == []


@pytest.fixture(scope="module")
def site_in_parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site with its index written in parts of two documents."""
    from opskb.search import site_index

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_index, "PART_SIZE", 2)
        return build_search_site(tmp_path_factory.mktemp("search-parts"), FILES)


@pytest.mark.parametrize(
    "query",
    [
        "search/?q=token",
        "search/?q=token&tier=L2",
        "search/?kind=incident&system=vpn",
        "search/?q=tunnel+drops",
    ],
)
def test_an_index_in_parts_answers_as_one(
    site: Path, site_in_parts: Path, query: str, open_site
) -> None:
    parts = json.loads((site_in_parts / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    assert len(parts) >= 3 and json.loads((site / "pagefind" / "parts.json").read_text()) == []
    answers = []
    for folder in (site, site_in_parts):
        page, errors = open_site(folder, query)
        answers.append(sorted(search_page_results(page)))
        assert errors == []
    assert answers[0] and answers[1] == answers[0]
