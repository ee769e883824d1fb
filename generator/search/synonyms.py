"""Phrases a team says mean the same (the plugin's ``search_synonyms`` option).

A query holding one phrase of a group is also searched with each other
phrase of the group in its place, so "charged twice" finds the page that
says "double charged". Every version must hold all its words, as the query
as typed must. The search page gets the groups as a small JSON file beside
its index and applies the same rule in ``search.js``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

__all__ = ["site_synonyms", "variants"]

#: A word, as both searches split text into words
WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*", re.UNICODE)

Groups = Sequence[Sequence[str]]


def _words(text: str) -> str:
    return " ".join(w.lower() for w in WORD.findall(text))


def variants(text: str, groups: Groups) -> list[str]:
    """``text``, then ``text`` with a phrase of a group it holds replaced by each other
    phrase of that group (whole words only), without repeats."""
    padded = f" {_words(text)} "
    found = {text: None}
    for group in groups:
        phrases = [p for p in map(_words, group) if p]
        held = next((p for p in phrases if f" {p} " in padded), None)
        if held is None:
            continue
        for other in phrases:
            if other != held:
                found[padded.replace(f" {held} ", f" {other} ", 1).strip()] = None
    return list(found)


def site_synonyms(groups: Groups) -> str:
    """The page's groups as JSON: a list of lists of phrases, lower case, in order."""
    cleaned = [[p for p in map(_words, group) if p] for group in groups]
    return json.dumps([g for g in cleaned if len(g) > 1], separators=(",", ":"))
