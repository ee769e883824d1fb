"""``load_kb``: every stage run in order, every problem of every stage, never a traceback."""

from __future__ import annotations

import datetime as dt

from opskb.pipeline import KnowledgeBase, load_kb

from tests.conftest import RUNBOOK_RESET


def test_a_valid_knowledge_base_loads_with_no_errors(make_kb):
    root = make_kb()
    kb = load_kb(root, on_date=dt.date(2026, 6, 1))
    assert isinstance(kb, KnowledgeBase)
    assert kb.root == root.resolve()
    assert kb.catalog.today == dt.date(2026, 6, 1)
    assert [p for p in kb.problems if p.is_error] == []
    assert sorted(kb.catalog.by_path) == [
        "content/index.md",
        "content/systems/vpn.md",
        "runbooks/vpn/reset-token.md",
    ]


def test_problems_of_loading_validating_and_cataloguing_all_come_back_together(make_kb):
    files = {
        "runbooks/vpn/broken.md": "---\ntitle: [unclosed\n---\nBody.\n",
        "runbooks/vpn/bad-tier.md": RUNBOOK_RESET.replace("tier: L1", "tier: L9"),
        "runbooks/vpn/no-system.md": RUNBOOK_RESET.replace("systems: [vpn]", "systems: [nope]"),
    }
    kb = load_kb(make_kb(files))
    codes = {(p.path, p.code) for p in kb.problems if p.is_error}
    assert ("runbooks/vpn/broken.md", "yaml") in codes
    assert "runbooks/vpn/bad-tier.md" in {path for path, _ in codes}
    assert "runbooks/vpn/no-system.md" in {path for path, _ in codes}
    assert "runbooks/vpn/broken.md" not in kb.catalog.by_path


def test_the_same_sources_load_to_the_same_problems_in_the_same_order(make_kb):
    files = {"runbooks/vpn/bad-tier.md": RUNBOOK_RESET.replace("tier: L1", "tier: L9")}
    first = [p.as_text() for p in load_kb(make_kb(files, name="a")).problems.sorted()]
    second = [p.as_text() for p in load_kb(make_kb(files, name="b")).problems.sorted()]
    assert first == second and first
