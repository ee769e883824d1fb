"""The escalation card at the top of a runbook page: links, escaping, out-of-hours route."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

HOSTILE = "<img src=x onerror=alert(1)>"

SYSTEM_MAIL = f"""\
---
title: Mail
owner: Mail Team
escalation:
  L1: {{team: Service Desk, contact: "ext. 4000", hours: "24x7", response: 15m}}
  L2:
    team: 'Mail Ops {HOSTILE}'
    contact: "mail-ops@example.com, +44 20 7946 0018 or https://chat.example.com/mail-ops"
    hours: "Mon-Fri 07:00-19:00 UTC"
    response: 1h
  L3: {{team: Mail Engineering, contact: "pager mail {HOSTILE}", hours: "Mon-Fri", response: 30m}}
  L4: {{team: Mail vendor, contact: "+1 555 0199", hours: "24x7", response: 4h}}
last_reviewed: 2026-01-01
---
Staff mail.
"""

QUEUE = f"""\
---
title: Mail stuck in the outbox
tier: L1
systems: [mail]
owner: Service Desk
escalate_when: ["more than ten users are affected {HOSTILE}", "the queue keeps growing"]
last_reviewed: 2026-01-01
---
## Steps

1. Restart the mail client.
"""


def _card(site: Path, url: str) -> str:
    text = (site / url / "index.html").read_text(encoding="utf-8")
    start = text.index('<div class="opskb-escalate" id="escalate">')
    return text[start : text.index('<h2 id="steps"', start)]


def test_card_opens_the_runbook_with_links_escaped_text_and_toc_entry(make_kb, build):
    site = build(make_kb({"content/systems/mail.md": SYSTEM_MAIL, "runbooks/mail/queue.md": QUEUE}))
    text = (site / "runbooks/mail/queue/index.html").read_text(encoding="utf-8")
    assert text.index('id="escalate"') < text.index("Restart the mail client")
    assert 'href="#escalation"' in text[text.index('class="md-nav md-nav--secondary"') :]
    card = _card(site, "runbooks/mail/queue")
    assert "more than ten users are affected" in card.split("</li>")[0]
    assert '<a href="mailto:mail-ops@example.com">mail-ops@example.com</a>' in card
    assert '<a href="tel:+442079460018">' in card
    assert '<a href="https://chat.example.com/mail-ops">' in card
    assert "Mon-Fri 07:00-19:00 UTC" in card and "1h" in card
    assert "<img" not in card and "&lt;img src" in card
    # L3 is not 24x7 either: the route out of hours is the vendor at L4
    out_of_hours = card[card.index("Out of hours:") :]
    assert "L4 · Mail vendor" in out_of_hours and '<a href="tel:+15550199">' in out_of_hours


def test_after_hours_in_the_ladder_is_the_route_out_of_hours(make_kb, build):
    after_hours = f"    after_hours: 'duty manager: duty@example.com {HOSTILE}'\n"
    system = SYSTEM_MAIL.replace("    response: 1h\n", "    response: 1h\n" + after_hours)
    site = build(make_kb({"content/systems/mail.md": system, "runbooks/mail/queue.md": QUEUE}))
    out_of_hours = _card(site, "runbooks/mail/queue")
    out_of_hours = out_of_hours[out_of_hours.index("Out of hours:") :]
    assert 'duty manager: <a href="mailto:duty@example.com">' in out_of_hours
    assert "Mail vendor" not in out_of_hours and "<img" not in out_of_hours
    system_page = (site / "systems/mail/index.html").read_text(encoding="utf-8")
    assert "out of hours: duty manager: duty@example.com &lt;img" in system_page


def test_after_hours_of_the_wrong_type_is_a_problem_naming_file_and_line(make_kb):
    system = SYSTEM_MAIL.replace(
        "    response: 1h\n", "    response: 1h\n    after_hours: [a, b]\n"
    )
    root = make_kb({"content/systems/mail.md": system, "runbooks/mail/queue.md": QUEUE})
    result = run_cli("build", "--kb", root, "-q", "--strict")
    assert result.exit_code != 0
    assert "content/systems/mail.md:" in result.output and "after_hours" in result.output
    assert "Traceback" not in result.output
