"""Synonyms a team lists in mkdocs.yml (``search_synonyms``), in the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MKDOCS_YML, run_cli

SYNONYMS = (
    '      search_synonyms: [["double charged", "charged twice", "duplicate payment"],'
    ' ["vpn", "remote access"]]\n'
)
CONFIG = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n" + SYNONYMS)
REFUND = """\
---
title: Refund a card payment
tier: L1
systems: [vpn]
symptoms: ["customer was double charged"]
escalate_when: ["the refund fails"]
---
Open the payments console and refund the second charge.
"""
TOKEN = """\
---
title: Reset a hardware token
tier: L1
systems: [vpn]
symptoms: ["token shows the wrong code"]
escalate_when: ["the reset fails"]
---
Resync the token from the self-service portal.
"""
TICKETS = """\
---
title: Merge duplicate tickets
tier: L2
systems: [vpn]
symptoms: ["the same call logged twice"]
escalate_when: ["the merge fails"]
---
Merge the duplicate into the oldest ticket.
"""
FILES = {
    "runbooks/payments/refund.md": REFUND,
    "runbooks/vpn/token.md": TOKEN,
    "runbooks/vpn/tickets.md": TICKETS,  # "duplicate" and "twice", never about payments
}


@pytest.fixture
def kb(make_kb) -> Path:
    return make_kb({"mkdocs.yml": CONFIG, **FILES})


SOME_WORDS = "no page has every word"


def search(root: Path, *words: str) -> str:
    result = run_cli("search", "--kb", root, *words)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_phrase_finds_the_pages_saying_another_phrase_of_its_group(kb: Path) -> None:
    for query in (("charged", "twice"), ("duplicate", "payment")):
        output = search(kb, *query)
        assert output.startswith("1. Refund a card payment") and SOME_WORDS not in output


def test_a_word_finds_the_pages_saying_a_phrase_of_its_group(kb: Path) -> None:
    output = search(kb, "remote", "access", "hardware", "token")  # its system is "vpn"
    assert output.startswith("1. Reset a hardware token") and SOME_WORDS not in output


def test_without_synonyms_only_some_words_are_found(make_kb) -> None:
    root = make_kb(FILES)
    assert search(root, "charged", "twice").startswith(SOME_WORDS)
    assert search(root, "duplicate", "payment").startswith(SOME_WORDS)
    assert search(root, "remote", "access", "hardware", "token").startswith(SOME_WORDS)


@pytest.mark.parametrize(
    "value",
    ['"vpn, remote access"', '[["vpn", ""]]', '[["vpn", 3]]', '["vpn", "remote access"]', "[[]]"],
)
def test_a_bad_search_synonyms_is_one_problem_at_its_line(make_kb, value: str) -> None:
    config = MKDOCS_YML.replace("  - opskb\n", f"  - opskb:\n      search_synonyms: {value}\n")
    line = config.splitlines().index(f"      search_synonyms: {value}") + 1
    root = make_kb({"mkdocs.yml": config})
    for command in (("check", "--kb", root), ("search", "--kb", root, "vpn")):
        result = run_cli(*command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        found = [t for t in result.output.splitlines() if ": error [opskb.search_synonyms]" in t]
        assert len(found) == 1 and found[0].startswith(f"mkdocs.yml:{line}:"), result.output
