"""Live incidents: the open and monitoring ones, shown where agents look.

An incident is live while its status is anything but resolved: an agent on a
call needs to know about it however old it is, so nothing here drops one for
its age or caps how many are shown. Pages print them from ``_live.md.j2``:
a bar on every page of their systems (with the workaround on runbooks) and a
"Happening now" list first on the home page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..model import Document

if TYPE_CHECKING:  # groups.py indexes live incidents with ``is_live``
    from .groups import Groups

__all__ = ["is_live", "live_incidents", "live_of", "workarounds_shown"]


def is_live(doc: Document) -> bool:
    """Whether an incident is still being worked on (not resolved)."""
    return doc.incident is not None and doc.incident.status.live


def _started(doc: Document) -> dt.datetime | dt.date:
    """When the incident began: its ``detected_at``, else its date."""
    return doc.incident.detected_at or doc.incident.date


def _order(doc: Document) -> tuple:
    """Most severe first, then the latest to start, then by path (a stable order)."""
    start = _started(doc)
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time(), dt.UTC)  # timestamps are read as UTC
    return (doc.incident.severity.text, -start.timestamp(), doc.path)


def live_incidents(groups: Groups) -> list[Document]:
    """Every live published incident, most severe first."""
    return sorted((d for d in groups.incidents if is_live(d)), key=_order)


def live_of(doc: Document, groups: Groups) -> list[Document]:
    """The live incidents of ``doc``'s systems (of itself, for a system), without ``doc``;
    those that name ``doc`` among the runbooks they use come first."""
    seen: set[str] = set()
    found = []
    for system_id in (doc.system.id,) if doc.system else doc.systems:
        for inc in groups.system_live_incidents(system_id):
            if inc.path not in seen and inc.path != doc.path:
                seen.add(inc.path)
                found.append(inc)
    return sorted(found, key=lambda inc: (doc.path not in inc.incident.runbooks, _order(inc)))


def workarounds_shown(doc: Document, live: list[Document]) -> list[str]:
    """Paths of the live incidents whose workaround a runbook shows in full: those naming
    the runbook among the runbooks they use, else a lone incident's. The others' are one
    click away, so that two or three incidents leave the escalation card in the first
    screen (at 1400×900, each open workaround of the sample takes about 60 px)."""
    named = [inc.path for inc in live if doc.path in inc.incident.runbooks]
    return named or [inc.path for inc in live[:1] if len(live) == 1]
