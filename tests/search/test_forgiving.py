"""Search that forgives, in the terminal: other word forms, some of the words, typos, and
results that stay readable when adopted folders all call their page "Readme"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from opskb.search.vocabulary import closest, edit_distance

from tests.conftest import run_cli

DEFAULTS = "tier: L2\nsystems: [vpn]\nowner: NetOps\nescalate_when: [the fix does not hold]\n"
TUNNEL = """\
# Readme

When the tunnel drops every few minutes, the leader gateway has lost its lease.

1. Restart the gateway daemon.
"""
PORTAL = """\
# Readme

The login portal shows a blank page: the portal cache is stale.

1. Clear the portal cache.
"""
ALERT = """\
# VpnTunnelFlapping

## Meaning

The link goes up and down more than twice an hour.
"""
MISSPELT = """\
# Night notes

The gatewy restarts at night, then the lead engineer is paged.
"""
ADOPTED = {
    "runbooks/vpn/_defaults.yml": DEFAULTS,
    "runbooks/vpn/tunnel/README.md": TUNNEL,
    "runbooks/vpn/portal/README.md": PORTAL,
    "runbooks/vpn/alerts/VpnTunnelFlapping.md": ALERT,
    "runbooks/vpn/notes.md": MISSPELT,
}


@pytest.fixture
def adopted(make_kb) -> Path:
    """Adopted folders whose pages are both titled "Readme", a runbook named after its
    alert, and a page with a misspelling."""
    return make_kb(ADOPTED)


def search(root: Path, *words: str):
    result = run_cli("search", "--kb", root, *words)
    assert result.exit_code == 0, result.output
    return result.output


def paths(root: Path, *words: str) -> list[str]:
    result = run_cli("search", "--kb", root, "--json", *words)
    assert result.exit_code == 0, result.output
    return [hit["path"] for hit in json.loads(result.stdout)]


def test_another_form_of_a_word_finds_the_page(adopted: Path) -> None:
    assert paths(adopted, "dropping")[:1] == ["runbooks/vpn/tunnel/README.md"]


def test_when_no_page_has_every_word_pages_with_most_of_them_come_first(adopted: Path) -> None:
    output = search(adopted, "gateway", "lease", "portal")
    assert "no page has every word; showing pages with some" in output
    assert paths(adopted, "gateway", "lease", "portal")[:2] == [
        "runbooks/vpn/tunnel/README.md",
        "runbooks/vpn/portal/README.md",
    ]
    assert "showing pages with some" not in search(adopted, "gateway", "lease")


def test_the_words_of_a_joined_up_title_find_it(adopted: Path) -> None:
    assert paths(adopted, "tunnel", "flapping")[:1] == ["runbooks/vpn/alerts/VpnTunnelFlapping.md"]


def test_one_page_sharing_a_misspelling_does_not_hide_the_pages_spelt_right(
    adopted: Path,
) -> None:
    found = paths(adopted, "gatewy", "restart")
    assert found[0] == "runbooks/vpn/notes.md"
    assert "runbooks/vpn/tunnel/README.md" in found[:3]


def test_a_typo_is_corrected_from_the_words_of_the_bodies_and_finds_the_page(
    adopted: Path,
) -> None:
    output = search(adopted, "leadr", "gateway")
    assert "did you mean \"leader gateway\"? ('leadr' → 'leader')" in output
    assert paths(adopted, "leadr")[:1] == ["runbooks/vpn/tunnel/README.md"]


def test_stop_words_and_known_words_are_never_suggested_or_corrected(adopted: Path) -> None:
    assert "did you mean" not in search(adopted, "wehn", "tunnel")  # "when" is a stop word
    assert "did you mean" not in search(adopted, "stale", "cache")


def test_repeated_titles_show_their_folder(adopted: Path) -> None:
    output = search(adopted, "readme")
    assert "Readme (runbooks/vpn/tunnel)" in output
    assert "Readme (runbooks/vpn/portal)" in output
    assert "Reset VPN token (" not in search(adopted, "token", "resync")


def test_the_closest_word_has_the_fewest_edits_then_left_out_letters_then_most_documents() -> None:
    assert closest("leadr", {"load": 40, "leader": 1}) == "leader"
    assert closest("leadr", {"lead": 40, "leader": 1}) == "leader"  # a letter left out
    assert closest("cant", {"want": 9}) is None  # "can't" without its apostrophe
    assert closest("leasx", {"lease": 1, "least": 3}) == "least"
    assert closest("gatewya", {"gateway": 2}) == "gateway"  # two letters swapped: one edit
    assert closest("lease", {"lease": 1, "least": 3}) is None  # a word it uses: not a typo
    assert closest("wehn", {"when": 9}) is None
    assert closest("porx", {"portal": 5}) is None  # short words allow one edit
    assert edit_distance("tunnel", "funnel") == 1


def test_the_vocabulary_keeps_words_of_any_script_whole() -> None:
    from opskb.search.records import SearchRecord
    from opskb.search.vocabulary import record_words

    record = SearchRecord(
        "runbooks/x.md", "x/", "Café Wi-Fi", "runbook", "L1", (), (), ("Größe 2FA",), "naïve user"
    )
    words = record_words(record)
    assert {"café", "wi-fi", "größe", "naïve"} <= words
    assert not {"caf", "gr", "na", "ve"} & words  # not cut at the first accent
    assert closest("cafe", {w: 1 for w in words}) == "café"
