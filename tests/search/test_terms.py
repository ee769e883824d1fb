"""Terms: the index, the query and the look-alikes all see the same Snowball stems."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from opskb.search.terms import ANALYZER, analyze, query_terms, words_of

PLAIN_WORDS = st.text(alphabet="abcdeilnorstuADEST -'", max_size=80)


@given(st.text(max_size=300))
def test_the_fast_analyzer_gives_the_stemming_analyzers_terms(text: str) -> None:
    assert analyze(text) == [t.text for t in ANALYZER(text)]


def test_words_are_stemmed_as_pagefind_stems_them() -> None:
    # Snowball, not Porter: doubled consonants go too, so "dropping" meets "drops"
    assert analyze("Dropping drops dropped") == ["drop", "drop", "drop"]
    assert analyze("stopped stopping") == ["stop", "stop"]


def test_stop_words_and_one_letter_words_give_no_term_and_order_is_kept() -> None:
    assert analyze("the VPN is a tunnel to the office") == ["vpn", "tunnel", "offic"]


def test_a_query_gives_each_term_once_in_the_order_typed() -> None:
    assert query_terms("printer jams, printer jammed") == [("printer", False), ("jam", False)]


def test_a_word_ending_in_a_star_matches_by_prefix_unstemmed() -> None:
    assert query_terms("Print* queue") == [("print", True), ("queue", False)]
    assert query_terms("a* queue") == [("queue", False)]  # too short to be a prefix


def test_a_query_is_words_not_a_query_language() -> None:
    assert query_terms("error: denied AND title:vpn") == [
        ("error", False),
        ("deni", False),
        ("titl", False),
        ("vpn", False),
    ]


@given(PLAIN_WORDS)
def test_a_query_asks_for_the_terms_the_index_holds_for_the_same_words(text: str) -> None:
    asked = [term for term, prefix in query_terms(text)]
    assert asked == list(dict.fromkeys(analyze(text)))


def test_words_of_are_as_written_lowercased_and_not_stemmed() -> None:
    assert words_of("Can't reach the E-mail server_pool, DROPPING!") == [
        "can't",
        "reach",
        "the",
        "e-mail",
        "server",
        "pool",
        "dropping",
    ]
