"""The knowledge base's own words, and the closest of them to a misspelt one.

"Did you mean" in the terminal and on the search page answer from the same
rule: a word the knowledge base uses (titles, symptoms, tags, bodies), at
most two edits away (one for words of four letters or fewer), the fewest
edits first, then one the typed word is missing letters of (the commonest
slip: "leadr" is "leader" rather than "lead"), then the word most documents
use. Stop words (and contractions typed without their apostrophe, "cant")
are never suggested nor corrected, and a word the knowledge base uses is
never corrected. The page
gets the vocabulary as a small JSON file beside its index and applies the
same rule in ``search-common.js``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from whoosh.analysis import STOP_WORDS

from .records import SearchRecord, spelled_out

__all__ = [
    "SITE_VOCABULARY_SIZE",
    "closest",
    "edit_distance",
    "is_correctable",
    "max_edits",
    "record_words",
    "site_vocabulary",
]

# The page's vocabulary holds the words most documents use, at most 15,000: a knowledge
# base of 450 adopted runbooks uses 12,000 words (~190 kB of JSON, ~55 kB compressed), and
# when the vocabulary is whole the page knows a word it lacks is misspelt.
SITE_VOCABULARY_SIZE = 15_000
# a letter, then letters and digits of any script ("café", "größe"), as the page splits words
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['-][^\W_]+)*")
# what callers type for "can't", "doesn't" …: words, not misspellings of "want" or "doers"
CONTRACTIONS = frozenset({
    "arent", "cant", "couldnt", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "im",
    "isnt", "ive", "shouldnt", "thats", "wasnt", "werent", "wont", "wouldnt", "youre",
})  # fmt: skip
_STOP_WORDS = frozenset(STOP_WORDS) | CONTRACTIONS


def max_edits(word: str) -> int:
    """How many edits a suggestion may be from ``word``: short words allow one."""
    return 1 if len(word) <= 4 else 2


def is_correctable(word: str) -> bool:
    """Whether ``word`` could be a misspelling worth correcting (not short, a number or a stop
    word)."""
    return len(word) >= 3 and not word.isdigit() and word not in _STOP_WORDS


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``; any value
    above ``limit`` is returned as ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(current[j - 1] + 1, row[j] + 1, row[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[-1], limit + 1)


def _letters_left_out(word: str, candidate: str) -> bool:
    """Whether ``word`` is ``candidate`` with letters left out (its letters, in order)."""
    letters = iter(candidate)
    return all(letter in letters for letter in word)


def closest(word: str, candidates: Mapping[str, int]) -> str | None:
    """The candidate nearest ``word`` (fewest edits, then one ``word`` leaves letters out
    of, then most documents, then A–Z), or ``None``; ``candidates`` maps words to how many
    documents use them."""
    if not is_correctable(word) or word in candidates:
        return None
    limit = max_edits(word)
    best: tuple[int, bool, int, str] | None = None
    for candidate, documents in candidates.items():
        if candidate in _STOP_WORDS or len(candidate) < 2:
            continue
        distance = edit_distance(word, candidate, limit)
        if distance > limit:
            continue
        key = (distance, not _letters_left_out(word, candidate), -documents, candidate)
        if best is None or key < best:
            best = key
    return best[3] if best else None


def record_words(record: SearchRecord) -> set[str]:
    """The distinct words of a record's title, symptoms, tags, systems and body, lower case."""
    title = f"{record.title} {spelled_out(record.title)}"
    text = " ".join((title, *record.symptoms, *record.tags, *record.systems, record.body))
    return set(_WORD.findall(text.lower()))


def site_vocabulary(records: Iterable[SearchRecord], size: int = SITE_VOCABULARY_SIZE) -> str:
    """The page's vocabulary as JSON: ``{"words", "documents", "complete", "stop"}``,
    the ``size`` words most documents use (stop words and one-letter words left out), in a
    fixed order; ``complete`` says whether it holds every word (else a word missing from it
    may still be one the knowledge base uses)."""
    counts: Counter[str] = Counter()
    for record in records:
        counts.update(w for w in record_words(record) if len(w) >= 2 and w not in _STOP_WORDS)
    kept = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]
    kept.sort()
    data = {
        "words": [w for w, _ in kept],
        "documents": [n for _, n in kept],
        "complete": len(kept) == len(counts),
        "stop": sorted(_STOP_WORDS),  # never corrected (the page's rule is this module's)
    }
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
