"""URLs: every stage and engine names a source's page and links between pages alike."""

from __future__ import annotations

from opskb.model import Tier
from opskb.urls import offline_uri, page_stem, page_url, relative_url


def test_a_source_becomes_a_folder_url_and_a_folder_page_its_folder():
    assert page_stem("runbooks/vpn/reset-token.md") == "runbooks/vpn/reset-token"
    assert page_url("runbooks/vpn/reset-token.md") == "runbooks/vpn/reset-token/"
    assert page_url("runbooks/vpn/README.md") == "runbooks/vpn/"
    assert page_url("runbooks/vpn/reset-token.md", False) == "runbooks/vpn/reset-token.html"
    assert page_url("index.md", False) == "index.html"


def test_links_between_pages_are_relative_to_the_page_they_sit_on():
    here = "runbooks/vpn/reset-token.md"
    assert relative_url("systems/vpn/", here) == "../../../systems/vpn/"
    assert relative_url("systems/vpn.html", here, False) == "../../systems/vpn.html"
    assert relative_url("", "index.md") == "./"


def test_a_page_named_with_url_marks_is_quoted():
    assert relative_url("runbooks/a#b?c/", "index.md") == "runbooks/a%23b%3Fc/"


def test_each_tier_has_its_offline_copy_under_offline():
    assert offline_uri(Tier.L1) == "offline/l1.html"
