"""Groups: each published document in its system's and tier's list, in a stable order."""

from __future__ import annotations

from opskb.model import Tier
from opskb.pages.groups import Groups, anchor, anchors, group
from opskb.pipeline import load_kb

SYSTEM_MAIL = """\
---
title: Mail
owner: Messaging
last_reviewed: 2026-01-01
---
Mail.
"""


def _runbook(title: str, tier: str, systems: str, extra: str = "") -> str:
    return f"""\
---
title: {title}
tier: {tier}
systems: [{systems}]
owner: Service Desk
last_reviewed: 2026-01-01
{extra}---
Do it.
"""


def _incident(title: str, date: str, systems: str, status: str) -> str:
    return f"""\
---
title: {title}
date: {date}
severity: SEV3
systems: [{systems}]
status: {status}
owner: NetOps
root_cause: a cause
root_cause_category: software-bug
---
## Summary

It happened.
"""


def _groups(make_kb) -> Groups:
    return group(_catalog(make_kb))


def _catalog(make_kb, more: dict[str, str] | None = None):
    root = make_kb(
        {
            **(more or {}),
            "content/systems/mail.md": SYSTEM_MAIL,
            "runbooks/vpn/a-resync.md": _runbook("Resync a token", "L2", "vpn, mail"),
            "runbooks/mail/quota.md": _runbook("Clear a mailbox quota", "L1", "mail"),
            "runbooks/mail/old.md": _runbook("Old way", "L1", "mail", "status: retired\n"),
            "runbooks/mail/draft.md": _runbook("Draft way", "L1", "mail", "status: draft\n"),
            "content/incidents/2026-02-01-mail.md": _incident(
                "Mail slow", "2026-02-01", "mail", "resolved"
            ),
            "content/incidents/2026-03-01-vpn.md": _incident(
                "VPN drops", "2026-03-01", "vpn, mail", "monitoring"
            ),
        }
    )
    return load_kb(root).catalog


def _paths(docs) -> list[str]:
    return [d.path for d in docs]


def test_systems_are_listed_by_title_and_runbooks_by_tier_and_title(make_kb) -> None:
    groups = _groups(make_kb)
    assert [d.title for d in groups.systems] == ["Mail", "VPN"]
    assert _paths(groups.runbooks[Tier.L1]) == [
        "runbooks/mail/quota.md",
        "runbooks/vpn/reset-token.md",
    ]
    assert _paths(groups.runbooks[Tier.L2]) == ["runbooks/vpn/a-resync.md"]
    assert groups.runbooks[Tier.L4] == []


def test_a_runbook_is_in_the_group_of_each_of_its_systems_at_its_tier(make_kb) -> None:
    groups = _groups(make_kb)
    assert _paths(groups.system_runbooks("vpn", Tier.L1)) == ["runbooks/vpn/reset-token.md"]
    assert _paths(groups.system_runbooks("vpn", Tier.L2)) == ["runbooks/vpn/a-resync.md"]
    assert _paths(groups.system_runbooks("mail", Tier.L2)) == ["runbooks/vpn/a-resync.md"]
    assert _paths(groups.system_runbooks("mail", Tier.L1)) == ["runbooks/mail/quota.md"]
    assert groups.system_runbooks("mail", Tier.L3) == []
    assert groups.system_runbooks("nowhere", Tier.L1) == []


def test_retired_and_draft_runbooks_are_in_no_group(make_kb) -> None:
    groups = _groups(make_kb)
    listed = {d.path for docs in groups.runbooks.values() for d in docs}
    assert "runbooks/mail/old.md" in groups.published  # shown, but listed under no tier
    assert "runbooks/mail/old.md" not in listed
    assert "runbooks/mail/draft.md" not in listed
    assert "runbooks/mail/draft.md" not in groups.published


def test_incidents_are_newest_first_and_live_ones_are_kept_apart(make_kb) -> None:
    groups = _groups(make_kb)
    vpn, mail = "content/incidents/2026-03-01-vpn.md", "content/incidents/2026-02-01-mail.md"
    assert _paths(groups.incidents) == [vpn, mail]
    assert _paths(groups.system_incidents("mail")) == [vpn, mail]
    assert _paths(groups.system_incidents("vpn")) == [vpn]
    assert _paths(groups.system_live_incidents("mail")) == [vpn]
    assert groups.system_live_incidents("nowhere") == []


def test_the_groups_hold_the_catalogues_answers_put_in_title_order(make_kb) -> None:
    zap = {"runbooks/mail/a-zap.md": _runbook("Zap the queue", "L2", "mail")}
    catalog = _catalog(make_kb, zap)
    groups = group(catalog)
    in_title_order = ["runbooks/vpn/a-resync.md", "runbooks/mail/a-zap.md"]
    assert _paths(groups.system_runbooks("mail", Tier.L2)) == in_title_order
    assert _paths(groups.runbooks[Tier.L2]) == in_title_order
    assert _paths(catalog.runbooks_for("mail", Tier.L2)) == in_title_order[::-1], "path order"
    for system in groups.systems:
        system_id = system.system.id
        assert groups.system_incidents(system_id) == catalog.incidents_for(system_id)
        for tier in Tier:
            shown = groups.system_runbooks(system_id, tier)
            assert set(shown) == set(catalog.runbooks_for(system_id, tier))
    assert groups.incidents == catalog.incidents


def test_an_anchor_is_made_of_safe_characters_only() -> None:
    assert anchor("system", 'VPN <script>"x" & Co') == "system-vpn-script-x-co"
    assert anchor("system", "***") == "system"


def test_anchors_are_unique_when_keys_collide() -> None:
    assert anchors("tier", ["L1 desk", "l1-desk", "L1/Desk", "L2"]) == {
        "L1 desk": "tier-l1-desk",
        "l1-desk": "tier-l1-desk-2",
        "L1/Desk": "tier-l1-desk-3",
        "L2": "tier-l2",
    }
