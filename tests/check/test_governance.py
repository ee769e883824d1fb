"""Governance findings: reviews overdue, hand-overs missing, pages that collide, L1 gaps."""

from __future__ import annotations

import datetime as dt

from opskb.check.governance import check_governance, document_findings
from opskb.pipeline import load_kb
from opskb.problems import Problems
from opskb.sources.key_lines import KeyLines

TODAY = dt.date(2026, 6, 1)

OLD_L2 = """\
---
title: Rotate the VPN certificate
tier: L2
systems: [vpn]
owner: NetOps
last_reviewed: 2024-01-01
---
Rotate it.
"""

FRONT = OLD_L2.split("---\n")[1]


def findings_of(make_kb, path: str, files: dict[str, str]) -> list:
    kb = load_kb(make_kb(files), on_date=TODAY)
    doc = kb.catalog.by_path[path]
    problems = Problems()
    document_findings(doc, kb.settings, TODAY, problems, KeyLines(FRONT, 2))
    return sorted((p.code, p.line, p.message) for p in problems)


def test_an_old_review_and_no_hand_over_are_each_a_warning_on_their_key_line(make_kb):
    found = findings_of(make_kb, "runbooks/vpn/rotate.md", {"runbooks/vpn/rotate.md": OLD_L2})
    codes = {code: (line, message) for code, line, message in found}
    assert codes["review-overdue"][0] == 6
    assert codes["review-overdue"][1].startswith("review overdue since ")
    assert codes["no-escalation"] == (3, "runbook has no 'escalate_when'")


def test_a_draft_has_no_findings(make_kb):
    draft = OLD_L2.replace("owner: NetOps", "owner: NetOps\nstatus: draft")
    assert findings_of(make_kb, "runbooks/vpn/rotate.md", {"runbooks/vpn/rotate.md": draft}) == []


def test_a_system_without_an_l1_runbook_is_named_with_the_command_that_fixes_it(make_kb):
    kb = load_kb(make_kb({"runbooks/vpn/reset-token.md": OLD_L2}), on_date=TODAY)
    problems = Problems()
    check_governance(kb.catalog, problems, {})
    [gap] = [p for p in problems if p.code == "no-l1-runbook"]
    assert (gap.path, gap.line, gap.message) == (
        "content/systems/vpn.md",
        1,
        "system 'vpn' has no L1 runbook",
    )
    assert gap.hint == "add one with `opskb new runbook --tier L1 --system vpn`"


def test_two_sources_of_one_page_url_are_each_an_error_naming_the_other(make_kb):
    kb = load_kb(
        make_kb({"runbooks/vpn/rotate.md": OLD_L2, "runbooks/vpn/rotate/index.md": OLD_L2})
    )
    problems = Problems()
    check_governance(kb.catalog, problems, {})
    clashes = sorted((p.path, p.message) for p in problems if p.code == "duplicate-id")
    assert [path for path, _ in clashes] == [
        "runbooks/vpn/rotate.md",
        "runbooks/vpn/rotate/index.md",
    ]
    assert "is also the page of runbooks/vpn/rotate/index.md" in clashes[0][1]
