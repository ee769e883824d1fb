"""Ticket notes: the text an agent pastes into the ticket when a runbook is done.

Every runbook page offers one, to read and to copy. It is taken, first found
first, from the runbook's ``ticket_note:`` key; from the first fenced block of
its body's ticket-note section (``## Ticket notes``, as the L1 template
writes it); or, when the runbook has neither, made from its own fields: the
title and systems, the symptoms to tick, the numbered steps, and the tier and
team it escalates to. A note from the body is shown where its block stood, so
the page does not show it twice.

The caller's user name is written ``<username>`` in commands and notes; the
page fills in what the agent types (``ticket-note.js``), and without
JavaScript shows the placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document
from ..sources.headings import plain_text
from ..sources.markdown_lines import lines_outside_code

__all__ = ["USERNAME", "TicketNote", "made_note", "ticket_note"]

#: The placeholder for the caller's user name in commands and ticket notes.
USERNAME = "<username>"

_SECTION = re.compile(
    r"^#{2,6}\s+(?:ticket notes?|record in the ticket|what to record)\s*#*\s*$", re.IGNORECASE
)
_HEADING = re.compile(r"^(#{1,6})(?:\s|$)")
_FENCE = re.compile(r"^(`{3,}|~{3,})[^`]*$")  # at the margin: a block of the section itself
_STEP = re.compile(r"^\d{1,9}[.)] +(.+)$")
_BLANK = "__________"  # for the agent to fill in
_STEP_WIDTH = 72  # a step in a made note: its first words, as a checklist line


@dataclass(frozen=True)
class TicketNote:
    """A note's lines and where it came from; ``before``/``after`` split the body around
    the block it was taken from (``None`` when it was not taken from the body)."""

    lines: tuple[str, ...]
    source: str  # "front matter", "body" or "made"
    before: str | None = None
    after: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def ticket_note(
    doc: Document, body: str, systems: tuple[str, ...] = (), escalates_to: str = ""
) -> TicketNote:
    """The ticket note of runbook ``doc`` whose Markdown body is ``body``; ``systems``
    (their titles) and ``escalates_to`` (tier and team) go into a made note."""
    if doc.runbook and doc.runbook.ticket_note:
        return TicketNote(doc.runbook.ticket_note, "front matter")
    found = _body_note(body)
    if found is not None:
        return found
    return TicketNote(made_note(doc, body, systems, escalates_to), "made")


def _body_note(body: str) -> TicketNote | None:
    lines = body.split("\n")
    level = 0  # the open ticket-note section's heading level (0: none open)
    for offset, line, code in lines_outside_code(body):
        heading = None if code else _HEADING.match(line)
        if heading:
            if _SECTION.match(line):
                level = len(heading.group(1))
            elif len(heading.group(1)) <= level:
                level = 0  # the section ended without a block
            continue
        opening = _FENCE.match(line) if code and level else None
        if opening:
            end = _closing(lines, offset, opening.group(1))
            if end is None:
                return None  # an unclosed block: leave the body as it is
            note = tuple(line.rstrip() for line in lines[offset + 1 : end])
            if not any(note):
                return None
            before = "\n".join(lines[:offset])
            return TicketNote(note, "body", before, "\n".join(lines[end + 1 :]))
    return None


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return index
    return None


def made_note(
    doc: Document, body: str, systems: tuple[str, ...] = (), escalates_to: str = ""
) -> tuple[str, ...]:
    """A note made from a runbook's fields, for one that has none of its own."""
    runbook = doc.runbook
    lines = [doc.title]
    if systems or doc.systems:
        lines.append("System: " + ", ".join(systems or doc.systems))
    lines.append(f"Caller: {USERNAME if USERNAME in body else _BLANK}")
    if runbook and runbook.symptoms:
        lines.append("Symptoms reported:")
        lines.extend(f"[ ] {symptom}" for symptom in runbook.symptoms)
    steps = _steps(body)
    if steps:
        lines.append("Steps done:")
        lines.extend(f"[ ] {number}. {step}" for number, step in enumerate(steps, 1))
    lines.append("Result: ")
    if escalates_to:
        lines.append(f"Escalated to {escalates_to}: yes / no")
    return tuple(lines)


def _steps(body: str) -> list[str]:
    """The first words of each top-level numbered step of ``body``."""
    steps = []
    for _, line, code in lines_outside_code(body):
        match = None if code else _STEP.match(line)
        if match:
            text = " ".join(plain_text(match.group(1)).split())
            if len(text) > _STEP_WIDTH:
                text = text[: _STEP_WIDTH - 1].rsplit(" ", 1)[0] + "…"
            steps.append(text)
    return steps
