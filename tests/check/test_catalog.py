"""The catalogue: references resolved, systems checked, runbooks listed by system."""

from __future__ import annotations

from opskb.check.catalog import Catalog, resolve_reference
from opskb.model import Tier
from opskb.pipeline import load_kb

KNOWN = {"runbooks/vpn/reset-token.md", "runbooks/vpn/resync.md", "content/systems/vpn.md"}

RESYNC = """\
---
title: Resync a token
tier: L2
systems: [vpn]
owner: NetOps
last_reviewed: 2026-01-01
related:
  - runbooks/vpn/reset-token.md
  - runbooks/vpn/missing.md
---
Resync it.
"""


def test_a_reference_from_the_root_relative_or_as_a_url_names_the_same_source():
    here = "runbooks/vpn/resync.md"
    for written in ("runbooks/vpn/reset-token.md", "reset-token.md", "runbooks/vpn/reset-token/"):
        assert resolve_reference(written, here, KNOWN) == ("runbooks/vpn/reset-token.md", "")


def test_a_reference_keeps_working_with_an_anchor_and_without_md():
    found, _ = resolve_reference("reset-token#steps", "runbooks/vpn/resync.md", KNOWN)
    assert found == "runbooks/vpn/reset-token.md"


def test_a_reference_that_is_not_a_source_says_why():
    here = "runbooks/vpn/resync.md"
    assert resolve_reference("https://example.com", here, KNOWN) == (
        None,
        "is not a path inside the knowledge base",
    )
    assert resolve_reference("nowhere.md", here, KNOWN) == (None, "does not exist")
    assert resolve_reference("../../../etc/passwd", here, KNOWN) == (
        None,
        "leaves the knowledge base",
    )


def test_the_catalogue_lists_each_systems_runbooks_by_tier(make_kb):
    catalog = load_kb(make_kb({"runbooks/vpn/resync.md": RESYNC})).catalog
    assert isinstance(catalog, Catalog)
    assert set(catalog.systems) == {"vpn"}
    assert [d.path for d in catalog.runbooks_for("vpn", Tier.L1)] == ["runbooks/vpn/reset-token.md"]
    assert [d.path for d in catalog.runbooks_for("vpn", Tier.L2)] == ["runbooks/vpn/resync.md"]


def test_a_related_entry_that_does_not_exist_is_a_problem_on_its_own_line(make_kb):
    kb = load_kb(make_kb({"runbooks/vpn/resync.md": RESYNC}))
    [problem] = [p for p in kb.problems if p.key == "related"]
    assert (problem.path, problem.line) == ("runbooks/vpn/resync.md", 9)
    assert problem.message == "'related' entry 'runbooks/vpn/missing.md' does not exist"
    related = kb.catalog.related["runbooks/vpn/resync.md"]
    assert [d.path for d in related] == ["runbooks/vpn/reset-token.md"]


def test_an_unknown_system_is_a_problem_that_suggests_the_close_one(make_kb):
    typo = RESYNC.replace("systems: [vpn]", "systems: [vnp]").replace("  - runbooks/vpn/m", "  - m")
    kb = load_kb(make_kb({"runbooks/vpn/resync.md": typo}))
    [problem] = [p for p in kb.problems if "unknown system" in p.message]
    assert (problem.path, problem.line) == ("runbooks/vpn/resync.md", 4)
    assert problem.message == "unknown system 'vnp'"
    assert "did you mean 'vpn'?" in problem.hint
