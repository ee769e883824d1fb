"""The escalation matrix: one row a system, each tier's team and how many runbooks it has."""

from __future__ import annotations

from opskb.pages.escalation import escalation_page
from opskb.pages.groups import group
from opskb.pipeline import load_kb


def test_the_matrix_lists_each_tiers_team_and_the_vendor(make_kb):
    catalog = load_kb(make_kb()).catalog
    page = escalation_page(catalog, group(catalog))
    assert (page.src_uri, page.title) == ("escalation/index.md", "Escalation matrix")
    for team in ("Service Desk", "NetOps", "Network Engineering", "Vendor support"):
        assert team in page.markdown
    assert "Lattice" in page.markdown
    assert "C-1" in page.markdown


def test_a_system_without_a_ladder_has_no_diagram(make_kb):
    bare = "---\ntitle: Mail\nowner: Mail Team\nlast_reviewed: 2026-01-01\n---\nMail.\n"
    catalog = load_kb(make_kb({"content/systems/mail.md": bare}, base=False)).catalog
    page = escalation_page(catalog, group(catalog))
    assert "Mail" in page.markdown
    assert "<svg" not in page.markdown
