"""Incident history: every incident, the figures that show trends, and charts.

Figures are computed here, once, from published incidents: counts by severity
and root-cause category, time to resolve by system, recurring root causes
(the same system and category again within 90 days) and open action items.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from ..check.catalog import Catalog
from ..model import ActionItem, Document, RootCauseCategory, Severity
from . import charts
from .groups import Groups
from .memo import MemoPass
from .render import Page, _format_minutes, page_header, render_template

__all__ = ["RECUR_DAYS", "incidents_page", "recurring", "resolve_times"]

URI = "incidents/index.md"
RECUR_DAYS = 90
CHART_MONTHS = 24


@dataclass(frozen=True)
class ResolveTime:
    system: Document
    incidents: int
    timed: int  # incidents with both detected_at and resolved_at
    median: float | None  # minutes
    worst: float | None


@dataclass(frozen=True)
class Recurrence:
    system: Document
    category: RootCauseCategory
    incidents: list[Document]  # oldest first; each within RECUR_DAYS of a neighbour


def _minutes(doc: Document) -> float | None:
    duration = doc.incident.duration
    return duration.total_seconds() / 60 if duration is not None else None


def resolve_times(groups: Groups) -> list[ResolveTime]:
    """Median and worst time to resolve, per system with incidents (by system title)."""
    rows = []
    for system in groups.systems:
        incidents = groups.system_incidents(system.system.id)
        if not incidents:
            continue
        minutes = [m for m in map(_minutes, incidents) if m is not None]
        rows.append(
            ResolveTime(
                system,
                len(incidents),
                len(minutes),
                statistics.median(minutes) if minutes else None,
                max(minutes) if minutes else None,
            )
        )
    return rows


def recurring(groups: Groups, days: int = RECUR_DAYS) -> list[Recurrence]:
    """Root causes seen on the same system more than once within ``days`` days."""
    found = []
    for system in groups.systems:
        by_category: dict[RootCauseCategory, list[Document]] = defaultdict(list)
        for doc in reversed(groups.system_incidents(system.system.id)):  # oldest first
            if doc.incident.root_cause_category is not None:
                by_category[doc.incident.root_cause_category].append(doc)
        for category in sorted(by_category, key=lambda c: c.value):
            docs = by_category[category]
            close = set()
            for before, after in itertools.pairwise(docs):
                if (after.incident.date - before.incident.date).days <= days:
                    close.update((before.path, after.path))
            if close:
                found.append(Recurrence(system, category, [d for d in docs if d.path in close]))
    return found


def _open_actions(groups: Groups) -> list[tuple[Document, ActionItem]]:
    items = [
        (doc, item)
        for doc in groups.incidents
        for item in doc.incident.action_items
        if not item.done
    ]
    items.sort(key=lambda p: (p[1].due is None, p[1].due or dt.date.min, p[1].title, p[0].path))
    return items


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months_chart(groups: Groups) -> tuple[Markup, str] | None:
    if not groups.incidents:
        return None
    last = max(d.incident.date for d in groups.incidents)
    first = min(d.incident.date for d in groups.incidents)
    index = last.year * 12 + last.month - 1
    start = max(first.year * 12 + first.month - 1, index - CHART_MONTHS + 1)
    labels = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, index + 1)]
    position = {label: i for i, label in enumerate(labels)}
    counts = {sev: [0] * len(labels) for sev in Severity}
    for doc in groups.incidents:
        where = position.get(_month(doc.incident.date))
        if where is not None:
            counts[doc.incident.severity][where] += 1
    series = [
        charts.Series(sev.value, f"opskb-fill-{sev.value.lower()}", counts[sev]) for sev in Severity
    ]
    every = 1 if len(labels) <= 12 else 3
    svg = charts.stacked_columns("Incidents per month by severity", labels, series, every=every)
    return svg, f"{labels[0]} to {labels[-1]}"


def _resolve_chart(rows: list[ResolveTime]) -> Markup | None:
    timed = [r for r in rows if r.median is not None]
    if not timed:
        return None
    bars = [
        (
            r.system.title,
            [
                charts.Bar("median", "opskb-fill-median", r.median),
                charts.Bar("worst", "opskb-fill-worst", r.worst),
            ],
        )
        for r in timed
    ]
    return charts.grouped_bars("Time to resolve by system", bars, _format_minutes)


def incidents_page(catalog: Catalog, groups: Groups, *, memo: MemoPass | None = None) -> Page:
    incidents = groups.incidents
    severity = Counter(d.incident.severity for d in incidents)
    category = Counter(d.incident.root_cause_category for d in incidents)
    categories = sorted(
        category.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0].value if kv[0] else "")
    )
    times = resolve_times(groups)
    actions = _open_actions(groups)
    months = _months_chart(groups)
    markdown = render_template(
        "incidents.md.j2",
        memo,
        here=URI,
        today=catalog.today,
        incidents=incidents,
        systems={s.system.id: s for s in groups.systems},
        by_severity=[(sev, severity.get(sev, 0)) for sev in Severity],
        by_category=categories,
        times=times,
        recurrences=recurring(groups),
        recur_days=RECUR_DAYS,
        actions=actions,
        overdue=sum(1 for _, item in actions if item.overdue(catalog.today)),
        months_chart=months[0] if months else None,
        months_range=months[1] if months else "",
        resolve_chart=_resolve_chart(times),
    )
    return Page(URI, page_header("Incidents") + "\n" + markdown, "Incidents")
