"""Runbooks whose symptoms hold the query first, and L1 runbooks first among them.

An L1 agent types what the caller says, and a runbook's ``symptoms`` are the
phrases callers report: a runbook with a symptom holding every word of the
query (another form of a word counts, as does a synonym's version of the
query) comes before other matches of the same stage, and among such runbooks
the L1 ones come first; the rest keep their order by score. The search page
applies the same rule in ``search.js`` (with a lighter stemmer).
"""

from __future__ import annotations

from collections.abc import Callable

from .synonyms import Groups, variants
from .terms import analyze, query_terms

__all__ = ["symptom_order"]


def symptom_order(query: str, synonyms: Groups = ()) -> Callable[[dict], tuple[int, int]]:
    """A sort key for a hit's stored fields: ``(0, 0)`` for an L1 runbook with a symptom
    holding the query, ``(0, 1)`` for another such runbook, ``(1, 0)`` for the rest."""
    versions = [
        frozenset(term for term, prefix in query_terms(version) if not prefix)
        for version in variants(query, synonyms)
    ]
    versions = [terms for terms in versions if terms]

    def key(stored: dict) -> tuple[int, int]:
        if stored.get("kind") != "runbook" or not versions:
            return (1, 0)
        for symptom in stored.get("symptoms", "").split("\n"):
            terms = set(analyze(symptom))
            if any(version <= terms for version in versions):
                return (0, 0 if stored.get("tier") == "L1" else 1)
        return (1, 0)

    return key
