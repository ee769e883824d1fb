"""Playbook pages as built: the escalation card beside each runbook, each system's contacts
before its runbooks, one lookup row a runbook, a filter box that needs JavaScript to show."""

from __future__ import annotations

import html
import re

from tests.conftest import page

SYSTEM_MAIL = """\
---
title: Mail
owner: Messaging Team
escalation:
  L1: {team: Service Desk, contact: "servicedesk@example.com", hours: "24x7", response: 15m}
  L2:
    team: Messaging Ops
    contact: "#mail-ops on chat, mail-ops@example.com"
    hours: "Mon-Fri 08:00-18:00"
    response: 1h
    after_hours: "pager mail-oncall, +1 555 0199"
  L3: {team: Messaging Engineering, contact: "pager mail-eng", hours: "24x7", response: 30m}
---
Mail.
"""

RUNBOOK_QUOTA = """\
---
title: Free up a full mailbox
tier: L1
systems: [mail]
owner: Service Desk
symptoms: ["my mailbox is full", "mail bounces back to senders"]
escalate_when: ["the mailbox is on litigation hold", "archive is already on"]
---
## Steps

1. Turn on the archive.

   ```
   Enable-Archive -Identity user
   ```

2. Check the size again.
"""

HOSTILE = '<img src=x onerror="alert(1)">'


def _entries(html_text: str) -> dict[str, str]:
    """Each runbook entry of a playbook by its heading's id."""
    found = {}
    for match in re.finditer(r'<div class="opskb-pb-entry">(.*?)</details>', html_text, re.S):
        heading = re.search(r'<h3 class="opskb-pb-runbook" id="([^"]+)"', match[1])
        if heading:
            found[heading[1]] = match[1]
    return found


def test_each_runbook_opens_with_its_card_before_its_folded_steps(make_kb, build) -> None:
    site = build(
        make_kb({"content/systems/mail.md": SYSTEM_MAIL, "runbooks/mail/quota.md": RUNBOOK_QUOTA})
    )
    l1 = page(site, "playbooks/l1/")
    entries = _entries(l1)
    assert len(entries) == 2  # the VPN token runbook and the mailbox one
    quota = next(text for text in entries.values() if "Free up a full mailbox" in text)
    card = quota.index('class="opskb-escalate opskb-pb-card"')
    steps = quota.index('<details class="opskb-pb-steps">')
    assert card < steps
    first = quota.index("the mailbox is on litigation hold")
    assert card < first < steps
    assert "→ L2 · Messaging Ops</strong> (Mail)" in quota
    assert '<a href="mailto:mail-ops@example.com">mail-ops@example.com</a>' in quota[:steps]
    assert '<a href="tel:+15550199">' in quota[:steps]  # the out-of-hours route, a link
    assert "Enable-Archive -Identity user" in quota[steps:]  # the steps are all there, folded


def test_each_systems_contacts_come_before_its_runbooks(make_kb, build) -> None:
    site = build(
        make_kb({"content/systems/mail.md": SYSTEM_MAIL, "runbooks/mail/quota.md": RUNBOOK_QUOTA})
    )
    l1 = page(site, "playbooks/l1/")
    section = l1[l1.index('id="sys-mail"') :]
    contacts = section.index('class="opskb-pb-contacts"')
    assert contacts < section.index('class="opskb-pb-entry"')
    strip = section[contacts : section.index("</div>", contacts)]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", strip)).split())
    assert "L1: Service Desk · servicedesk@example.com · 24x7" in text
    assert "Escalate to L2: Messaging Ops · #mail-ops on chat, mail-ops@example.com" in text
    assert "out of hours: pager mail-oncall, +1 555 0199" in text
    assert 'href="mailto:mail-ops@example.com"' in strip
    assert "escalate to L2 · Technical support" not in l1  # no second box after the runbooks


def test_the_lookup_has_one_row_a_runbook_with_all_its_symptoms(make_kb, build) -> None:
    site = build(
        make_kb({"content/systems/mail.md": SYSTEM_MAIL, "runbooks/mail/quota.md": RUNBOOK_QUOTA})
    )
    l1 = page(site, "playbooks/l1/")
    lookup = l1[l1.index('class="opskb-lookup"') : l1.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td><a href=\"#([^\"]+)\">", lookup, re.S)
    assert len(rows) == 2
    quota = next(cell for cell, _ in rows if "my mailbox is full" in cell)
    assert "mail bounces back to senders" in quota
    assert {anchor for _, anchor in rows} == set(_entries(l1))


def test_the_filter_box_is_hidden_until_its_script_runs(make_kb, build) -> None:
    site = build(make_kb())
    l1 = page(site, "playbooks/l1/")
    box = re.search(r'<div class="opskb-pb-filter"([^>]*)>(.*?)</div>', l1, re.S)
    assert box and "hidden" in box[1]  # without JavaScript: no box, and everything shows
    assert '<label for="opskb-pb-filter">' in box[2]
    assert '<input type="search" id="opskb-pb-filter"' in box[2]
    assert 'role="status"' in box[2]
    script = re.search(r'<script src="([^"]+playbook-filter\.js)" defer></script>', l1)
    assert script
    assert (site / "playbooks/l1" / script[1]).resolve().is_file()
    assert " hidden" not in l1[l1.index('class="opskb-lookup"') :].split("<script")[0]


def test_hostile_card_and_contact_text_stays_text_in_the_playbook(make_kb, build) -> None:
    system = SYSTEM_MAIL.replace(
        '"#mail-ops on chat, mail-ops@example.com"', f"'{HOSTILE} mail-ops@example.com'"
    ).replace("Messaging Ops", f"Ops {HOSTILE}")
    runbook = RUNBOOK_QUOTA.replace('"archive is already on"', f"'{HOSTILE}'")
    site = build(make_kb({"content/systems/mail.md": system, "runbooks/mail/quota.md": runbook}))
    l1 = page(site, "playbooks/l1/")
    assert "<img" not in l1
    article = l1[l1.index("<article") : l1.index("</article>")]
    shown = html.unescape(re.sub(r"<[^>]+>", "", article))
    assert shown.count(HOSTILE) >= 4  # card condition, card team and contact, contact strip
    assert '<a href="mailto:mail-ops@example.com">' in article  # the address is still a link


def test_playbooks_are_byte_identical_across_builds(make_kb, build, tmp_path) -> None:
    files = {"content/systems/mail.md": SYSTEM_MAIL, "runbooks/mail/quota.md": RUNBOOK_QUOTA}
    first = page(build(make_kb(files, name="one")), "playbooks/l1/")
    second = page(build(make_kb(files, name="two")), "playbooks/l1/")
    assert first == second
