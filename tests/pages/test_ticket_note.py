"""Ticket notes and the caller's user name on runbook pages, read in the built HTML."""

from __future__ import annotations

import html as html_lib
import re

from tests.conftest import run_cli

FRONT = """\
---
title: {title}
tier: L1
systems: [vpn]
owner: Service Desk
symptoms: ["VPN says token code invalid", "token out of sync"]
escalate_when: ["The token still fails after one resync"]
last_reviewed: 2026-05-01
{extra}---
"""


def runbook(body: str, title: str = "Resync a token", extra: str = "") -> str:
    return FRONT.format(title=title, extra=extra) + body


def _note(html: str) -> str:
    """The ticket note's text as the browser shows it."""
    match = re.search(r'<pre class="opskb-ticket-note__text"[^>]*>(.*?)</pre>', html, re.S)
    assert match, "no ticket note on the page"
    return html_lib.unescape(match.group(1))


def _built(make_kb, build, body: str, **kw) -> str:
    root = make_kb({"runbooks/vpn/resync.md": runbook(body, **kw)})
    return (build(root) / "runbooks/vpn/resync/index.html").read_text(encoding="utf-8")


def test_a_front_matter_note_is_shown_line_by_line_with_a_copy_button(make_kb, build):
    extra = (
        'ticket_note:\n  - "Caller verified by call-back."\n  - "Token resynced at __:__ UTC."\n'
    )
    html = _built(make_kb, build, "## Steps\n\n1. Resync.\n", extra=extra)
    assert _note(html) == "Caller verified by call-back.\nToken resynced at __:__ UTC."
    assert re.search(r"<button[^>]*data-opskb-copy=\"opskb-ticket-note-text\"[^>]*>", html)
    assert '<h2 id="ticket-note">Ticket note' in html  # a heading of its own, in the contents


def test_a_block_string_note_keeps_its_lines(make_kb, build):
    extra = "ticket_note: |\n  First line.\n\n  Third line.\n"
    html = _built(make_kb, build, "Steps.\n", extra=extra)
    assert _note(html) == "First line.\n\nThird line."


def test_the_ticket_notes_section_of_the_body_gives_the_note_shown_once(make_kb, build):
    body = (
        "## Steps\n\n1. Resync.\n\n## Ticket notes\n\nCopy this:\n\n"
        "```text\nToken VK6-1 resynced.\n- drift +2\n```\n\nCategory: *VPN*.\n"
    )
    html = _built(make_kb, build, body)
    assert _note(html) == "Token VK6-1 resynced.\n- drift +2"
    assert html.count("Token VK6-1 resynced.") == 1  # the block became the note
    article = html[html.index("<article") :]
    assert article.index("Copy this:") < article.index("opskb-ticket-note__text")
    assert article.index("opskb-ticket-note__text") < article.index("Category:")


def test_a_runbook_with_no_note_gets_one_made_from_its_fields(make_kb, build):
    body = "## Steps\n\n1. **Find the token.** In the console.\n2. Resync it.\n"
    html = _built(make_kb, build, body)
    note = _note(html).split("\n")
    assert note[0] == "Resync a token"
    assert "System: VPN" in note and "Caller: __________" in note
    assert "[ ] VPN says token code invalid" in note and "[ ] token out of sync" in note
    assert "[ ] 1. Find the token. In the console." in note and "[ ] 2. Resync it." in note
    assert "Escalated to L2 · NetOps: yes / no" in note
    assert "made from this runbook" in html


def test_a_ticket_note_of_the_wrong_type_is_a_problem_naming_file_line_and_fix(make_kb):
    extra = "ticket_note: {done: true}\n"
    root = make_kb({"runbooks/vpn/resync.md": runbook("Steps.\n", extra=extra)})
    result = run_cli("check", "--kb", root)
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "[ticket_note]" in x)
    assert line.startswith("runbooks/vpn/resync.md:9:"), line
    assert "must be text or a list of lines" in line
    assert "fix:" in result.output and "note: |" in result.output
    assert "Traceback" not in result.output


def test_hostile_ticket_notes_and_titles_are_inert_text(make_kb, build):
    payload = "<img src=x onerror=alert(1)>` *x* [l](javascript:alert(2)) {{ 7*7 }} </pre>"
    extra = f"ticket_note:\n  - '{payload}'\n"
    html = _built(make_kb, build, "Steps.\n", extra=extra)
    assert _note(html) == payload
    assert "<img src=x" not in html and '</pre>" ' not in html
    quoted = payload.replace("'", "''")
    text = runbook("1. Step <b>one</b>.\n", title=f"'{quoted}'").replace(
        '"VPN says token code invalid"', f"'{quoted}'"
    )
    root = make_kb({"runbooks/vpn/resync.md": text}, name="made")
    made = (build(root) / "runbooks/vpn/resync/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in made  # the title and the symptom, in the note and elsewhere
    note = _note(made).split("\n")
    assert note[0] == payload and f"[ ] {payload}" in note
    assert "[ ] 1. Step one." in note  # a step's Markdown is shown as its plain text
    pre = made[made.index('class="opskb-ticket-note__text"') :].split("</pre>")[0]
    assert "<b>" not in pre and "<" not in pre.split(">", 1)[1]


def test_the_caller_field_is_on_pages_whose_commands_hold_the_placeholder(make_kb, build):
    command = "Unlock-ADAccount -Identity <username>"
    body = f"## Steps\n\n1. Unlock:\n\n   ```powershell\n   {command}\n   ```\n"
    html = _built(make_kb, build, body)
    assert re.search(r'<div class="opskb-caller" hidden>', html)  # shown by the script
    assert 'id="opskb-caller-name"' in html
    code = html[html.index("Unlock-ADAccount") :].split("</code>")[0]
    assert html_lib.unescape(re.sub("<[^>]+>", "", code)).endswith("<username>")  # without JS
    plain = _built(make_kb, build, "## Steps\n\n1. Resync:\n\n   ```sh\n   tokenctl\n   ```\n")
    assert "opskb-caller-name" not in plain


def test_every_runbook_page_loads_the_script_and_other_pages_show_no_note(make_kb, build):
    root = make_kb({"runbooks/vpn/resync.md": runbook("Steps.\n")})
    site = build(root)
    page = (site / "runbooks/vpn/resync/index.html").read_text(encoding="utf-8")
    assert "assets/opskb/ticket-note.js" in page
    assert (site / "assets/opskb/ticket-note.js").is_file()
    system = (site / "systems/vpn/index.html").read_text(encoding="utf-8")
    assert "opskb-ticket-note" not in system


def test_the_l1_template_writes_a_ticket_notes_block_with_the_placeholder(make_kb):
    root = make_kb()
    result = run_cli(
        "new", "runbook", "--kb", root, "--tier", "L1", "--system", "vpn", "--title", "Fix it"
    )
    assert result.exit_code == 0, result.output
    text = (root / "runbooks/vpn/fix-it.md").read_text(encoding="utf-8")
    section = text[text.index("## Ticket notes") :]
    assert "```text" in section and "<username>" in section
