"""Every L1 runbook of the sample in headless Chromium at 1400×900: the ticket note is
copied, the caller's user name reaches the copied command, steps never count from 1 again
within a section."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.model import Tier

from tests.browser import serve_folder
from tests.conftest import REPO

VIEWPORT = {"width": 1400, "height": 900}
NAME = "<b>o'brien</b>"  # user input: must stay text in the page and in the clipboard

# Each section's top-level step numbers, as the browser counts them from `start`.
STEP_NUMBERS = """() => {
  const sections = [];
  let current = null;
  const article = document.querySelector("article");
  for (const node of article.querySelectorAll("h2, ol")) {
    if (node.tagName === "H2") { current = []; sections.push(current); continue; }
    if (node.parentElement.closest("ol, ul, table, .opskb-ticket-note")) continue;
    if (!current) { current = []; sections.push(current); }
    let number = node.hasAttribute("start") ? Number(node.getAttribute("start")) : 1;
    for (const item of node.children) if (item.tagName === "LI") current.push(number++);
  }
  return sections;
}"""


@pytest.fixture(scope="module")
def sample(sample_site: Path):
    """The sample knowledge base built and served on loopback; (base URL, L1 runbooks)."""
    from opskb.pipeline import load_kb

    base, server = serve_folder(sample_site)
    yield base, [d for d in load_kb(REPO).catalog.runbooks if d.tier is Tier.L1]
    server.shutdown()


@pytest.fixture
def page(sample, chromium):
    base, _ = sample
    context = chromium.new_context(viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    tab = context.new_page()
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.errors = errors
    yield tab
    context.close()


def _clipboard(tab) -> str:
    return tab.evaluate("navigator.clipboard.readText()")


def test_every_l1_runbook_copies_its_ticket_note_from_the_keyboard(sample, page) -> None:
    base, runbooks = sample
    assert len(runbooks) == 12
    for doc in runbooks:
        page.goto(base + doc.url)
        note = page.locator(".opskb-ticket-note__text")
        assert note.is_visible(), doc.url
        shown = note.inner_text()
        assert len(shown.splitlines()) >= 2, doc.url
        page.evaluate("navigator.clipboard.writeText('')")
        button = page.get_by_role("button", name="Copy ticket note")
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "document.querySelector('.opskb-ticket-note__status').textContent !== ''"
        )
        copied = _clipboard(page)
        assert copied.split() == shown.split() and copied.strip(), doc.url
        assert not page.errors, (doc.url, page.errors)


FIRST_COMMAND_WITH_PLACEHOLDER = """() => [...document.querySelectorAll("article pre:has(code)")]
  .findIndex((pre) => pre.querySelector("code").textContent.includes("<username>"))"""


def test_the_callers_user_name_goes_into_the_copied_command(sample, page) -> None:
    base, runbooks = sample
    with_command = []
    for doc in runbooks:
        page.goto(base + doc.url)
        field = page.get_by_label("Caller's user name")
        if not field.count():
            assert "<username>" not in page.locator("article").inner_text(), doc.url
            continue
        note = page.locator(".opskb-ticket-note__text")
        note_before = note.inner_text()
        index = page.evaluate(FIRST_COMMAND_WITH_PLACEHOLDER)
        block = page.locator("article pre:has(code)").nth(index) if index >= 0 else None
        before = block.locator("code").inner_text() if block else ""
        field.fill(NAME)
        assert page.locator("article b", has_text="o'brien").count() == 0  # text, not HTML
        assert "<username>" in page.locator(".opskb-caller label").inner_text()  # as built
        assert note.inner_text() == note_before.replace("<username>", NAME), doc.url
        if block is None:  # only the note names the caller
            assert "<username>" in note_before, doc.url
        else:
            with_command.append(doc.path)
            after = block.locator("code").inner_text()
            assert after == before.replace("<username>", NAME) and after != before, doc.url
            page.evaluate("navigator.clipboard.writeText('')")
            block.hover()
            block.get_by_role("button", name="Copy to clipboard").click()  # Material's copy
            page.wait_for_function("navigator.clipboard.readText().then((t) => t !== '')")
            assert _clipboard(page).strip() == after.strip(), doc.url
        if "<username>" in note_before:  # the copied note names the caller too
            page.get_by_role("button", name="Copy ticket note").click()
            page.wait_for_function(
                "(n) => navigator.clipboard.readText().then((t) => t.includes(n))", arg=NAME
            )
        field.fill("")
        if block is not None:
            assert block.locator("code").inner_text() == before, doc.url  # placeholder back
        assert note.inner_text() == note_before, doc.url
    assert {
        "runbooks/identity/unlock-account.md",
        "runbooks/identity/reset-password.md",
        "runbooks/email/mailbox-full.md",
        "runbooks/email/shared-mailbox-access.md",
    } <= set(with_command)


def test_step_numbers_never_restart_within_a_section(sample, page) -> None:
    base, runbooks = sample
    counted = {}
    for doc in runbooks:
        page.goto(base + doc.url)
        sections = [numbers for numbers in page.evaluate(STEP_NUMBERS) if numbers]
        assert sections, doc.url  # every L1 runbook has numbered steps
        counted[doc.path] = sections
        for numbers in sections:
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), doc.url
            assert not numbers or numbers[0] == 1, doc.url
    # Written "1." for every step and broken by a warning at the margin: counts on to 6.
    assert [1, 2, 3, 4, 5, 6] in counted["runbooks/vpn/reset-token.md"]
