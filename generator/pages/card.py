"""The escalation card of a runbook: who to call at the next tier, and out of hours.

Each system the runbook covers gives one entry: its step at the target tier,
the contact as links, and the route outside that step's hours — the ladder's
own ``after_hours`` text, or else the next tier of that system that answers 24x7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from ..model import Document, EscalationStep
from .contacts import contact_links

__all__ = ["CardEntry", "card_entries"]

_ALWAYS_OPEN = re.compile(r"24\s*[x×/*]\s*7", re.IGNORECASE)


@dataclass(frozen=True)
class CardEntry:
    """One system's step on the card, with its links and out-of-hours route."""

    system: Document
    step: EscalationStep
    contact: Markup
    after_hours: Markup
    fallback: EscalationStep | None  # the next 24x7 tier, without ``after_hours``
    fallback_contact: Markup
    always_open: bool


def _next_always_open(system: Document, step: EscalationStep) -> EscalationStep | None:
    for later in system.system.ladder:
        if later.tier.number > step.tier.number and _ALWAYS_OPEN.search(later.hours):
            return later
    return None


def _entry(system: Document, step: EscalationStep) -> CardEntry:
    always_open = bool(_ALWAYS_OPEN.search(step.hours))
    fallback = None if always_open or step.after_hours else _next_always_open(system, step)
    return CardEntry(
        system=system,
        step=step,
        contact=contact_links(step.contact),
        after_hours=contact_links(step.after_hours),
        fallback=fallback,
        fallback_contact=contact_links(fallback.contact if fallback else ""),
        always_open=always_open,
    )


def card_entries(steps: list[tuple[Document, EscalationStep]]) -> list[CardEntry]:
    """The card's entries for a runbook's ``(system, step)`` pairs at its target tier."""
    return [_entry(system, step) for system, step in steps]
