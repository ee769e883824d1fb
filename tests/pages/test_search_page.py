"""The search page: a filter for every tier, kind and published system."""

from __future__ import annotations

from opskb.model import Kind, Tier
from opskb.pages.search_page import SEARCH_URI, search_page
from opskb.pipeline import load_kb


def test_the_search_page_offers_every_tier_kind_and_system(make_kb):
    page = search_page(load_kb(make_kb()).catalog)
    assert (page.src_uri, page.title) == (SEARCH_URI, "Search")
    assert SEARCH_URI == "search/index.md"
    for value in [t.value for t in Tier] + [k.value for k in Kind] + ["VPN"]:
        assert value in page.markdown


def test_a_draft_system_is_not_offered(make_kb):
    draft = "---\ntitle: Payroll\nowner: HR\nstatus: draft\nlast_reviewed: 2026-01-01\n---\nP.\n"
    page = search_page(load_kb(make_kb({"content/systems/payroll.md": draft})).catalog)
    assert "Payroll" not in page.markdown
