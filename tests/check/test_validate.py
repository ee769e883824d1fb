"""Validation of one document on its own: a typed document, or problems naming key and line."""

from __future__ import annotations

from opskb.check.validate import page_location, page_stem, validate_document, validator
from opskb.model import Kind, Tier
from opskb.pipeline import load_kb
from opskb.problems import Problems
from opskb.sources.load import parse_text

from tests.conftest import RUNBOOK_RESET


def test_a_page_is_named_as_mkdocs_names_it():
    assert page_stem("runbooks/vpn/reset-token.md") == "runbooks/vpn/reset-token"
    assert page_stem("runbooks/vpn/README.md") == "runbooks/vpn/index"
    assert page_stem("README.md") == "index"


def test_a_page_under_the_content_folder_loses_the_folders_name(make_kb):
    settings = load_kb(make_kb()).settings
    assert page_location("content/systems/vpn.md", settings) == (
        "systems/vpn.md",
        "systems/vpn/",
    )
    assert page_location("runbooks/vpn/reset-token.md", settings)[1] == "runbooks/vpn/reset-token/"


def test_a_valid_runbook_becomes_a_typed_document_with_no_problem(make_kb):
    settings = load_kb(make_kb()).settings
    raw, found = parse_text("runbooks/vpn/reset-token.md", RUNBOOK_RESET)
    doc, problems = validator(settings)(raw)
    assert found == [] and problems == []
    assert (doc.kind, doc.tier, doc.systems) == (Kind.RUNBOOK, Tier.L1, ("vpn",))
    assert doc.runbook.symptoms == ("token code invalid",)


def test_a_wrong_tier_is_one_error_on_its_line_listing_the_tiers(make_kb):
    settings = load_kb(make_kb()).settings
    raw, _ = parse_text(
        "runbooks/vpn/reset-token.md", RUNBOOK_RESET.replace("tier: L1", "tier: L7")
    )
    problems = Problems()
    validate_document(raw, settings, problems)
    [problem] = [p for p in problems if p.key == "tier"]
    assert (problem.path, problem.line) == ("runbooks/vpn/reset-token.md", 3)
    assert "L7" in problem.message
    assert "L1" in problem.hint and "L4" in problem.hint
