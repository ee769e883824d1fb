"""'Did you mean': edit distances, the nearest word a knowledge base uses, its vocabulary."""

from __future__ import annotations

import json

from opskb.search.vocabulary import (
    closest,
    edit_distance,
    is_correctable,
    max_edits,
    site_vocabulary,
)


def test_edits_count_inserts_deletes_replacements_and_swaps():
    assert edit_distance("token", "token") == 0
    assert edit_distance("tokn", "token") == 1
    assert edit_distance("toekn", "token") == 1  # two neighbours swapped: one edit
    assert edit_distance("tkone", "token") == 2


def test_a_distance_beyond_the_limit_is_the_limit_plus_one():
    assert edit_distance("vpn", "certificate") == 3
    assert edit_distance("abcdef", "uvwxyz", limit=1) == 2


def test_short_words_allow_one_edit_and_longer_ones_two():
    assert (max_edits("vpn"), max_edits("vpns"), max_edits("token")) == (1, 1, 2)


def test_numbers_stop_words_and_short_words_are_never_corrected():
    assert not is_correctable("42")
    assert not is_correctable("the")
    assert not is_correctable("ab")
    assert is_correctable("tokn")


def test_the_nearest_word_wins_then_the_one_more_documents_use():
    assert closest("tokn", {"token": 3, "tokens": 9}) == "token"
    assert closest("certifcate", {"certificate": 2, "certificates": 5}) == "certificate"
    assert closest("gatewya", {"gateway": 1}) == "gateway"
    assert closest("token", {"token": 3, "tokens": 9}) is None  # a word it uses is right
    assert closest("zzzzzz", {"token": 3}) is None


def test_the_vocabulary_is_json_of_the_words_most_documents_use():
    class Record:
        def __init__(self, title, body):
            self.title, self.body = title, body
            self.symptoms, self.tags, self.systems = (), (), ()

    data = json.loads(site_vocabulary([Record("Reset token", "the token"), Record("VPN", "token")]))
    assert dict(zip(data["words"], data["documents"], strict=True))["token"] == 2
    assert "the" not in data["words"] and "the" in data["stop"]
    assert data["complete"] is True
    assert data["words"] == sorted(data["words"])
