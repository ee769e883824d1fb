"""The model: tiers and their order, closed sets read from what authors write, review dates."""

from __future__ import annotations

import datetime as dt

from opskb.model import ActionItem, EscalationLadder, IncidentInfo, IncidentStatus, Kind, Tier
from opskb.pipeline import load_kb


def test_each_tier_hands_over_to_the_next_and_l4_to_none():
    assert [t.next for t in Tier] == [Tier.L2, Tier.L3, Tier.L4, None]
    assert Tier.L1.label == "Service desk"
    assert Tier.L3.number == 3


def test_a_choice_is_read_whatever_its_case_and_anything_else_is_none():
    assert Tier.parse(" l2 ") is Tier.L2
    assert Kind.parse("Runbook") is Kind.RUNBOOK
    assert Tier.parse("L5") is None
    assert Tier.parse(True) is None
    assert Tier.choices() == ["L1", "L2", "L3", "L4"]


def test_an_incident_is_live_until_it_is_resolved():
    assert [s.live for s in IncidentStatus] == [True, True, False]


def test_an_action_item_is_overdue_only_when_not_done_and_past_its_date():
    today = dt.date(2026, 6, 1)
    assert ActionItem("fix", due=dt.date(2026, 5, 1)).overdue(today)
    assert not ActionItem("fix", due=dt.date(2026, 5, 1), done=True).overdue(today)
    assert not ActionItem("fix").overdue(today)


def test_a_duration_needs_both_times_in_order():
    start = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    info = IncidentInfo(dt.date(2026, 1, 1), "SEV2", IncidentStatus.RESOLVED, start)
    assert info.duration is None
    later = IncidentInfo(info.date, "SEV2", IncidentStatus.RESOLVED, start, start.replace(hour=10))
    assert later.duration == dt.timedelta(hours=2)
    backwards = IncidentInfo(
        info.date, "SEV2", IncidentStatus.RESOLVED, start, start.replace(hour=7)
    )
    assert backwards.duration is None


def test_a_loaded_document_knows_its_id_review_date_and_ladder(make_kb):
    catalog = load_kb(make_kb()).catalog
    runbook, system = catalog.by_path["runbooks/vpn/reset-token.md"], catalog.systems["vpn"]
    assert (runbook.id, system.id) == ("runbooks/vpn/reset-token", "vpn")
    assert runbook.review_due(30) == dt.date(2026, 1, 31)
    assert runbook.review_overdue(dt.date(2026, 6, 1), 30)
    assert not runbook.review_overdue(dt.date(2026, 1, 31), 30)
    ladder = system.system.ladder
    assert isinstance(ladder, EscalationLadder)
    assert ladder.get(Tier.L2).team == "NetOps"
    assert (
        runbook.fingerprint
        == load_kb(make_kb(name="again")).catalog.by_path[runbook.path].fingerprint
    )
