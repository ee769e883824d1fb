"""Folder pages (README, index, _index): which they are, their kind, what they list."""

from __future__ import annotations

from opskb.model import Kind
from opskb.pipeline import load_kb
from opskb.sources.folders import folder_listing, folder_of, is_folder_page, section_kind

from tests.conftest import RUNBOOK_RESET


def test_readme_index_and_underscore_index_are_their_folders_pages():
    for name in ("README.md", "index.md", "_index.md"):
        assert is_folder_page(f"runbooks/vpn/{name}")
        assert folder_of(f"runbooks/vpn/{name}") == "runbooks/vpn"
    assert not is_folder_page("runbooks/vpn/reset-token.md")


def test_a_folder_page_of_links_under_runbooks_is_an_article():
    links = "# VPN\n\n- [Reset](reset-token.md)\n- [Resync](resync.md)\n"
    assert section_kind("runbooks/vpn/README.md", Kind.RUNBOOK, {}, links) is Kind.ARTICLE
    assert section_kind("runbooks/vpn/_index.md", Kind.RUNBOOK, {}, "Steps.") is Kind.ARTICLE


def test_a_folder_page_with_steps_code_or_runbook_keys_stays_a_runbook():
    steps = "1. Resync the token.\n2. Ask the caller to sign in.\n"
    assert section_kind("runbooks/vpn/README.md", Kind.RUNBOOK, {}, steps) is Kind.RUNBOOK
    code = "- [Reset](reset-token.md)\n```\nvpnctl resync\n```\n"
    assert section_kind("runbooks/vpn/README.md", Kind.RUNBOOK, {}, code) is Kind.RUNBOOK
    own = {"symptoms": ["token code invalid"]}
    links = "- [Reset](reset-token.md)\n"
    assert section_kind("runbooks/vpn/README.md", Kind.RUNBOOK, own, links) is Kind.RUNBOOK


def test_a_folder_page_lists_its_folders_documents_and_sub_folders_pages(make_kb):
    kb = make_kb(
        {
            "runbooks/vpn/README.md": "# VPN runbooks\n",
            "runbooks/vpn/client/README.md": "# Client\n",
            "runbooks/vpn/client/deep/x.md": RUNBOOK_RESET.replace("Reset VPN token", "X"),
        }
    )
    catalog = load_kb(kb).catalog
    listed = folder_listing(catalog.by_path["runbooks/vpn/README.md"], catalog.documents)
    assert [d.path for d in listed] == [
        "runbooks/vpn/client/README.md",
        "runbooks/vpn/reset-token.md",
    ]
