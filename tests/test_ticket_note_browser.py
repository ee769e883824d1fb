"""Every L1 runbook of the sample in headless Chromium at 1400×900: the ticket note is
copied, the caller's user name reaches the copied command, steps never count from 1 again
within a section."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.model import Tier

from tests.browser import serve_folder
from tests.conftest import REPO, run_cli

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
def sample(tmp_path_factory: pytest.TempPathFactory):
    """The sample knowledge base built and served on loopback; (base URL, L1 runbooks)."""
    from opskb.pipeline import load_kb

    out = tmp_path_factory.mktemp("sample") / "site"
    result = run_cli("build", "--kb", REPO, "--strict", "-q", "-d", out)
    assert result.exit_code == 0, result.output
    base, server = serve_folder(Path(out))
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


def test_the_callers_user_name_goes_into_the_copied_command(sample, page) -> None:
    base, runbooks = sample
    with_field = []
    for doc in runbooks:
        page.goto(base + doc.url)
        field = page.get_by_label("Caller's user name")
        if not field.count():
            assert "<username>" not in page.locator("article").inner_text(), doc.url
            continue
        with_field.append(doc.path)
        block_id = page.evaluate(
            "[...document.querySelectorAll('article pre[id]')]"
            ".find(p => p.querySelector('code')?.textContent.includes('<username>'))?.id"
        )
        if block_id is None:  # only the ticket note names the caller
            block_id, code = "opskb-ticket-note-text", "#opskb-ticket-note-text"
            copy = page.get_by_role("button", name="Copy ticket note")
        else:
            code = f"#{block_id} > code"  # the same block once the name is in it
            copy = page.locator(f"#{block_id} button[data-clipboard-target]")  # the theme's
        before = page.locator(code).inner_text()
        assert "<username>" in before, doc.url
        field.fill(NAME)
        after = page.locator(code).inner_text()
        assert after == before.replace("<username>", NAME), doc.url
        assert page.locator("article b", has_text="o'brien").count() == 0  # text, not HTML
        page.locator(f"#{block_id}").hover()
        copy.click()
        assert _clipboard(page).strip() == after.strip(), doc.url
        field.fill("")
        assert page.locator(code).inner_text() == before, doc.url  # the placeholder is back
    assert {
        "runbooks/identity/unlock-account.md",
        "runbooks/identity/reset-password.md",
        "runbooks/email/mailbox-full.md",
        "runbooks/email/shared-mailbox-access.md",
    } <= set(with_field)


def test_step_numbers_never_restart_within_a_section(sample, page) -> None:
    base, runbooks = sample
    for doc in runbooks:
        page.goto(base + doc.url)
        sections = [numbers for numbers in page.evaluate(STEP_NUMBERS) if numbers]
        assert sections, doc.url  # every L1 runbook has numbered steps
        for numbers in sections:
            assert numbers == list(range(1, len(numbers) + 1)), (doc.url, numbers)


def test_steps_broken_by_blocks_at_the_margin_count_on_in_the_browser(
    tmp_path: Path, chromium
) -> None:
    from tests.conftest import SYSTEM_VPN, write_kb
    from tests.test_lists import STEPS_INTERRUPTED

    root = write_kb(
        tmp_path / "kb",
        {"content/systems/vpn.md": SYSTEM_VPN, "runbooks/vpn/rotate.md": STEPS_INTERRUPTED},
    )
    assert run_cli("build", "--kb", root, "-q", "--strict").exit_code == 0
    base, server = serve_folder(root / "site")
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(base + "runbooks/vpn/rotate/")
        sections = [numbers for numbers in tab.evaluate(STEP_NUMBERS) if numbers]
        assert sections == [[1, 2, 3, 4, 5], [1]]  # Steps, then Verify
    finally:
        context.close()
        server.shutdown()
