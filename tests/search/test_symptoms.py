"""Runbooks whose symptoms hold the query first, L1 first among them, in the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

L1 = """\
---
title: Reconnect the client
tier: L1
systems: [vpn]
symptoms: ["my vpn keeps dropping", "the client shows offline"]
escalate_when: ["it drops again within the hour"]
---
Sign out of the client, sign in again and reconnect.
"""
L3 = """\
---
title: VPN drops at the gateway
tier: L3
systems: [vpn]
symptoms: ["every vpn session dropped at once"]
escalate_when: ["the gateway does not recover"]
---
When vpn sessions drop at the gateway, the vpn drops for everyone: fail over the
gateway, then watch the vpn drops stop.
"""
L2 = """\
---
title: VPN drops explained
tags: [vpn, drops]
tier: L2
systems: [vpn]
symptoms: ["slow file shares"]
escalate_when: ["shares stay slow"]
---
Why vpn drops happen: vpn drops follow the keepalive; vpn drops are logged.
Short vpn drops, long vpn drops and repeated vpn drops all look alike in the log.
"""
FILES = {
    "runbooks/vpn/reconnect.md": L1,
    "runbooks/vpn/gateway-drops.md": L3,
    "runbooks/vpn/drops-explained.md": L2,
}
QUERY = "vpn drops"
EXPECTED = ["Reconnect the client", "VPN drops at the gateway", "VPN drops explained"]


def titles(root: Path, *words: str) -> list[str]:
    result = run_cli("search", "--kb", root, "--json", "--kind", "runbook", *words)
    assert result.exit_code == 0, result.output
    return [hit["title"] for hit in json.loads(result.stdout)]


def test_runbooks_whose_symptoms_hold_the_query_come_first_l1_first(make_kb) -> None:
    found = titles(make_kb(FILES), *QUERY.split())
    assert [t for t in found if t in EXPECTED] == EXPECTED


def test_without_a_symptom_holding_every_word_the_order_is_by_score(make_kb) -> None:
    found = titles(make_kb(FILES), "vpn", "drops", "keepalive")
    assert found[0] == "VPN drops explained"
