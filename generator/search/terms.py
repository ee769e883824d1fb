"""Terms: how text becomes the words the search index holds and a query asks for.

One analysis for every side of search: the index's fields (``engine``), the
query's words, the look-alike counts and the live incidents' words compare
the same Snowball stems, so a word found on one side is found on the other.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.lang.porter2 import stem

from .synonyms import WORD as _WORD

__all__ = ["ANALYZER", "analyze", "query_terms", "words_of"]

# Snowball English ("Porter2"), as Pagefind stems: Whoosh's default Porter stemmer leaves
# doubled consonants ("dropping" → "dropp", "stopped" → "stopp"), so they missed "drops".
ANALYZER = StemmingAnalyzer(stemfn=stem)

_QUERY_WORD = re.compile(r"[^\W_][\w'-]*\*?", re.UNICODE)
_TOKEN = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")  # the stemming analyzer's own expression
_STOP_WORDS = frozenset(STOP_WORDS)


def words_of(text: str) -> list[str]:
    """The words of ``text`` as written (lowercased, not stemmed), as both searches split it."""
    return [w.lower() for w in _WORD.findall(text)]


def query_terms(text: str) -> list[tuple[str, bool]]:
    """The query's index terms as ``(term, is_prefix)``; ``word*`` matches by prefix.

    Built by hand rather than with Whoosh's query parser: the parser costs
    more to import than a whole warm query, and a caller's words need no
    query language (``error: denied`` is text, not a field name).
    """
    terms: dict[tuple[str, bool], None] = {}
    for word in _QUERY_WORD.findall(text):
        if word.endswith("*") and len(word) > 2:
            terms[(word[:-1].lower(), True)] = None
        else:
            terms.update(((t.text, False), None) for t in ANALYZER(word.rstrip("*")))
    return list(terms)


@functools.lru_cache(maxsize=200_000)
def _term(token: str) -> str | None:
    """The term a token gives, or ``None`` for a stop word or a one-letter word."""
    word = token.lower()
    return stem(word) if len(word) >= 2 and word not in _STOP_WORDS else None


def analyze(text: str) -> list[str]:
    """The terms the stemming analyzer gives for ``text`` when indexing, in order.

    The same steps (tokenise, lowercase, drop stop words and one-letter words,
    Snowball stems) without a token object per word, each distinct token
    worked out once: a build analyses every document for look-alikes, and
    Whoosh's pipeline took 5 s of it at 5,000 documents. A test checks both
    give the same terms.
    """
    return [term for term in map(_term, _TOKEN.findall(text)) if term is not None]
