"""The header search box: Pagefind results as you type, Enter to the search page, no lunr."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.browser import build_search_site, search_page_results
from tests.conftest import page as page_html

PAYLOAD = "<img src=x onerror=alert(1)>"
RUNBOOK = "runbooks/vpn/reset-token/"
BOX = ".opskb-hsearch__input"

FILES = {
    "runbooks/vpn/client-crash.md": """\
        ---
        title: VPN client crashes on start
        tier: L1
        systems: [vpn]
        symptoms: ["the client closes as soon as it opens"]
        escalate_when: ["a reinstall does not help"]
        ---
        Reinstall the client. Tunnel settings are kept.
        """,
    "runbooks/vpn/evil.md": f"""\
        ---
        title: 'Evil {PAYLOAD} title'
        tier: L1
        systems: [vpn]
        symptoms: ['caller reads out a zebra code {PAYLOAD}']
        escalate_when: ["always"]
        ---
        Body mentions the zebra code too.
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("header-search"), FILES)


@pytest.fixture
def visit(open_site):
    """``visit(site, path)`` → (page, errors, requested URLs, dialog messages)."""

    def open_(site: Path, path: str, **context_options):
        page, errors = open_site(site, path, **context_options)
        requests: list[str] = []
        dialogs: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.reload()  # again, now that every request of the page is recorded
        return page, errors, requests, dialogs

    return open_


def type_query(page, text: str) -> list[str]:
    """Type into the header box; the result titles once the dropdown shows ``text``'s."""
    page.locator(BOX).click()
    page.locator(BOX).press_sequentially(text)
    page.locator(".opskb-hsearch__all", has_text=f"All results for “{text}”").wait_for()
    return page.locator(".opskb-hsearch__title").all_inner_texts()


def lunr_index_requested(requests: list[str]) -> bool:
    return any(url.endswith("search/search_index.json") for url in requests)


def test_typing_a_symptom_lists_its_runbook_first(site: Path, visit) -> None:
    page, errors, requests, _ = visit(site, RUNBOOK)
    assert not any("/pagefind/" in url for url in requests)  # nothing loaded before use
    titles = type_query(page, "tunnel drops")
    assert titles[0] == "VPN tunnel keeps dropping"
    first = page.locator(".opskb-hsearch__option").first
    assert first.locator(".opskb-tier-l2").inner_text() == "L2"
    assert first.locator(".opskb-hsearch__excerpt mark").first.inner_text().lower() == "tunnel"
    link = page.locator(".opskb-hsearch__all").get_attribute("href")
    assert link == page.base_url + "search/?q=tunnel+drops"
    assert any(url.endswith("/pagefind/pagefind.js") for url in requests)
    assert not lunr_index_requested(requests)
    assert errors == []


def test_enter_lands_on_the_search_page_with_results(site: Path, visit) -> None:
    page, errors, requests, _ = visit(site, RUNBOOK)
    type_query(page, "tunnel drops")
    page.locator(BOX).press("Enter")
    page.wait_for_url("**/search/?q=tunnel+drops")
    assert any("VPN tunnel keeps dropping" in item for item in search_page_results(page))
    assert not lunr_index_requested(requests)
    assert errors == []


def test_arrow_keys_pick_a_result_and_escape_closes(site: Path, visit) -> None:
    page, errors, requests, _ = visit(site, RUNBOOK)
    panel = page.locator(".opskb-hsearch__panel")
    type_query(page, "tunnel drops")
    assert panel.is_visible()
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert page.evaluate("document.getElementById('__search').checked") is False

    page.locator(BOX).fill("")
    titles = type_query(page, "vpn client")
    assert titles[0] == "VPN client crashes on start"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    first = page.locator(".opskb-hsearch__option").first
    assert first.get_attribute("aria-selected") == "true"
    assert page.locator(BOX).get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_url("**/runbooks/vpn/client-crash/")
    assert not lunr_index_requested(requests)
    assert errors == []


def test_slash_focuses_the_box_unless_typing_elsewhere(site: Path, visit) -> None:
    page, errors, _, _ = visit(site, RUNBOOK)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('opskb-hsearch__input')")
    assert page.locator(BOX).input_value() == ""  # the key focuses; it is not typed

    page.goto(page.base_url + "search/")
    page_box = page.locator("#opskb-search input[name=q]")
    page_box.click()
    page_box.press_sequentially("a/b")
    assert page_box.input_value() == "a/b"
    assert page.locator(BOX).input_value() == ""
    assert errors == []


def test_front_matter_in_results_stays_text(site: Path, visit) -> None:
    page, errors, _, dialogs = visit(site, RUNBOOK)
    titles = type_query(page, "zebra")
    assert f"Evil {PAYLOAD} title" in titles  # shown as written
    assert page.locator(".opskb-hsearch__panel img").count() == 0
    excerpts = page.locator(".opskb-hsearch__excerpt").all_inner_texts()
    assert any("zebra" in text for text in excerpts)
    assert dialogs == []
    assert errors == []


def test_on_the_search_page_the_box_fills_its_form(site: Path, visit) -> None:
    page, errors, requests, _ = visit(site, "search/")
    page.locator(BOX).click()
    page.locator(BOX).fill("tunnel drops")
    page.locator(BOX).press("Enter")
    page.locator("a.opskb-search-title", has_text="VPN tunnel keeps dropping").wait_for()
    assert page.locator("#opskb-search input[name=q]").input_value() == "tunnel drops"
    assert "q=tunnel+drops" in page.url
    assert page.locator(".opskb-hsearch__panel").is_visible() is False
    assert not lunr_index_requested(requests)
    assert errors == []


def test_on_a_narrow_screen_the_magnifier_opens_the_box(site: Path, visit) -> None:
    page, errors, _, _ = visit(site, RUNBOOK, viewport={"width": 390, "height": 760})
    box = page.locator(".opskb-hsearch .md-search__inner")  # the theme folds it to nothing
    assert box.is_visible() is False
    page.locator("label.md-header__button[for='__search']").click()
    box.wait_for(state="visible")
    # the theme slides the box open and focuses it: wait for both, not for a time
    page.wait_for_function(
        "document.querySelector('.opskb-hsearch .md-search__inner')"
        ".getBoundingClientRect().width >= 390"
        " && document.activeElement.classList.contains('opskb-hsearch__input')"
    )
    page.locator(BOX).press_sequentially("tunnel drops")
    page.locator(".opskb-hsearch__all", has_text="All results for “tunnel drops”").wait_for()
    assert page.locator(".opskb-hsearch__option").first.is_visible()
    assert errors == []


def test_without_javascript_enter_still_reaches_the_search_page(site: Path, open_site) -> None:
    page, _ = open_site(site, RUNBOOK, java_script_enabled=False)
    assert page.locator(BOX).is_visible()
    page.locator(BOX).fill("tunnel drops")
    page.locator(BOX).press("Enter")
    page.wait_for_url("**/search/?q=tunnel+drops")


class _HeaderForms(HTMLParser):
    """Attributes of the forms and their inputs inside the page's <header>."""

    def __init__(self) -> None:
        super().__init__()
        self.in_header = False
        self.forms: list[dict[str, str | None]] = []
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header":
            self.in_header = True
        elif self.in_header and tag == "form":
            self.forms.append(dict(attrs))
        elif self.in_header and tag == "input" and self.forms:
            self.inputs.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self.in_header = False


@pytest.mark.parametrize("url", ["", RUNBOOK])
def test_the_header_holds_a_plain_form_to_the_search_page(site: Path, url: str) -> None:
    html = page_html(site, url)
    parser = _HeaderForms()
    parser.feed(html)
    [form] = [f for f in parser.forms if f.get("role") == "search"]
    address = "http://kb.example/" + url
    assert urljoin(address, form["action"]) == "http://kb.example/search/"
    assert form.get("method") == "get"
    assert [i["name"] for i in parser.inputs] == ["q"]
    assert 'data-md-component="search"' not in html  # the theme's lunr search component
