"""Incident history: time to resolve per system, root causes that recur, the history page."""

from __future__ import annotations

from opskb.pages.groups import group
from opskb.pages.incidents import RECUR_DAYS, incidents_page, recurring, resolve_times
from opskb.pipeline import load_kb


def incident(day: str, hours: int, category: str = "hardware") -> str:
    return f"""\
---
title: VPN down on {day}
date: {day}
severity: SEV2
systems: [vpn]
status: resolved
detected_at: {day}T08:00:00Z
resolved_at: {day}T{8 + hours:02d}:00:00Z
tier: L3
owner: NetOps
root_cause: "the gateway failed"
root_cause_category: {category}
workaround: "Use vpn2."
---
It failed.
"""


def groups_of(make_kb, incidents: dict[str, str]):
    files = {f"content/incidents/{day}-vpn.md": text for day, text in incidents.items()}
    catalog = load_kb(make_kb(files)).catalog
    return catalog, group(catalog)


def test_the_median_and_worst_time_to_resolve_are_per_system_in_minutes(make_kb):
    days = {"2026-01-05": 1, "2026-02-05": 2, "2026-03-05": 6}
    _, groups = groups_of(make_kb, {d: incident(d, h) for d, h in days.items()})
    [row] = resolve_times(groups)
    assert (row.system.system.id, row.incidents, row.timed) == ("vpn", 3, 3)
    assert (row.median, row.worst) == (120, 360)


def test_one_root_cause_twice_within_the_window_recurs_and_further_apart_does_not(make_kb):
    assert RECUR_DAYS == 90
    incidents = {
        "2025-01-05": incident("2025-01-05", 1),
        "2026-01-05": incident("2026-01-05", 1),
        "2026-02-05": incident("2026-02-05", 1),
        "2026-02-20": incident("2026-02-20", 1, category="configuration"),
    }
    _, groups = groups_of(make_kb, incidents)
    [recurrence] = recurring(groups)
    assert recurrence.category.value == "hardware"
    assert [d.incident.date.isoformat() for d in recurrence.incidents] == [
        "2026-01-05",
        "2026-02-05",
    ]


def test_the_history_page_lists_each_incident_newest_first(make_kb):
    catalog, groups = groups_of(make_kb, {d: incident(d, 1) for d in ("2026-01-05", "2026-03-05")})
    page = incidents_page(catalog, groups)
    assert page.src_uri == "incidents/index.md"
    newer, older = (
        page.markdown.find("VPN down on 2026-03-05"),
        page.markdown.find("VPN down on 2026-01-05"),
    )
    assert 0 <= newer < older
