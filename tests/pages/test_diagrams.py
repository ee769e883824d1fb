"""Ladder diagrams: every word whole, nothing cut with "…", boxes as wide as their words."""

from __future__ import annotations

import html
import re

from tests.conftest import page

LONG_LADDER = """\
---
title: Payments
escalation:
  L1:
    team: Service Desk
    contact: "servicedesk@kestrel.example / ext. 4000"
    hours: 24x7
    response: 15m
  L2:
    team: Payments Application Support and Reconciliation
    contact: "#payments-app-support on chat, payments-application-support@kestrel.example"
    hours: "Mon-Fri 07:00-19:00 UTC, Sat 09:00-13:00 UTC, closed on public holidays"
    response: 1h
  L3:
    {team: Payments Platform, contact: "pager payments-platform-oncall", hours: 24x7, response: 30m}
  L4:
    team: Gateway support
    vendor: Northgate Payments Gateway
    contact: "+1 555 0188"
    hours: 24x7
    response: 2h
---
Payments.
"""


RUNBOOK = """\
---
title: Resend a receipt
tier: L1
systems: [payments]
symptoms: ["no receipt"]
escalate_when: ["the resend fails"]
---
1. Resend it.
"""


def _kb(make_kb, ladder: str = LONG_LADDER):
    files = {"content/systems/payments.md": ladder, "runbooks/payments/receipt.md": RUNBOOK}
    return make_kb(files, base=False)


def _svg(site) -> str:
    return re.search(r'<svg class="opskb-diagram".*?</svg>', page(site, "escalation/"), re.S)[0]


def _texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg)]


def test_no_diagram_text_is_cut_short_or_split_mid_word(make_kb, build) -> None:
    site = build(_kb(make_kb))
    lines = _texts(_svg(site))
    assert not any("…" in line for line in lines)
    shown = " ".join(lines).split()
    for whole in (
        "payments-application-support@kestrel.example",
        "servicedesk@kestrel.example",
        "payments-platform-oncall",
        "#payments-app-support",
    ):
        assert whole in shown, whole  # a word of its own line, never broken at a hyphen
    everything = " ".join(lines)
    for text in ("Payments Application Support and Reconciliation", "closed on public holidays"):
        assert text in everything  # every word of a long value is drawn, over more lines


def test_boxes_grow_to_hold_their_longest_word(make_kb, build) -> None:
    site = build(_kb(make_kb))
    svg = _svg(site)
    widths = {int(w) for w in re.findall(r'<rect class="opskb-dia-box"[^>]* width="(\d+)"', svg)}
    assert len(widths) == 1  # one width for every box of a diagram
    (width,) = widths
    assert width > 158 + 100  # the 45-character address needs more than the narrowest box
    total = int(re.search(r'viewBox="0 0 (\d+) ', svg)[1])
    assert total == 4 * width + 3 * 30 + 2


def test_a_word_wider_than_the_widest_box_is_broken_not_the_diagram(make_kb, build) -> None:
    huge = "x" * 400
    ladder = LONG_LADDER.replace('"pager payments-platform-oncall"', huge)
    site = build(_kb(make_kb, ladder))
    svg = _svg(site)
    widths = {int(w) for w in re.findall(r'<rect class="opskb-dia-box"[^>]* width="(\d+)"', svg)}
    assert max(widths) <= 420
    assert "".join(t for t in _texts(svg) if set(t) == {"x"}) == huge  # all of it, in pieces
