"""A document's own page: its title, kind and tier in the header, its body, where it leads."""

from __future__ import annotations

from opskb.pages.documents import document_page
from opskb.pipeline import load_kb


def test_a_runbook_page_carries_its_kind_tier_body_and_escalation(make_kb):
    catalog = load_kb(make_kb()).catalog
    page = document_page(catalog.by_path["runbooks/vpn/reset-token.md"], catalog)
    assert (page.title, page.source) == ("Reset VPN token", "runbooks/vpn/reset-token.md")
    assert page.markdown.startswith(
        '---\ntitle: "Reset VPN token"\nopskb_kind: "runbook"\nopskb_tier: "L1"\n---\n'
    )
    assert "Resync the token." in page.markdown
    assert "NetOps" in page.markdown  # escalates to the VPN's L2 team


def test_a_system_page_lists_its_runbooks(make_kb):
    catalog = load_kb(make_kb()).catalog
    page = document_page(catalog.by_path["content/systems/vpn.md"], catalog)
    assert page.title == "VPN"
    assert "The remote access VPN." in page.markdown
    assert "Reset VPN token" in page.markdown
