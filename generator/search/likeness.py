"""Look-alikes for many documents at once, scored from posting lists.

A build asks for every page's look-alikes. One Whoosh query per page cost
10–20 ms (matchers and collectors set up for each), half the time of a
5,000-document build. The same scoring, the rarest words a document shares
with others (as ``engine.likeness_terms``) weighted by rarity and by how often
each document uses them, lead matches counting more, computed from posting
lists read once per word, costs a fraction of that. Ties break by path, so
the answer does not depend on the order documents entered the index.

The posting lists come from an index generation (``from_searcher``) or are
counted from search records in memory (``from_records``), so a build can
score look-alikes without waiting for the index to be written; both give the
same weights, hence the same answers.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from . import engine
from .records import SearchRecord

__all__ = ["FieldWeights", "LikenessScorer"]

FieldWeights = dict[str, dict[str, float]]  # field → term → posting weight
FieldPostings = Callable[[str, str], Iterable[tuple[int, float]]]  # (field, term) → postings
_KEPT = ("path", "title", "symptoms", "tags", "systems", "body", "kind", "date")


def _kept(stored: Mapping[str, str]) -> dict[str, str]:
    """What scoring reads of a document's stored fields (the body's opening only)."""
    kept = {key: stored.get(key, "") or "" for key in _KEPT}
    kept["body"] = kept["body"][: engine.LIKENESS_OPENING]
    return kept


class LikenessScorer:
    """Answers look-alike questions for one set of documents.

    ``documents`` pairs document numbers with stored fields (live documents
    only); ``postings(field, term)`` yields ``(document number, weight)``
    pairs, possibly naming documents no longer live (an updated index keeps
    deleted entries in its postings); ``live_postings`` says they are lists
    naming live documents only, so their lengths count documents.
    """

    def __init__(
        self,
        documents: Iterable[tuple[int, Mapping[str, str]]],
        postings: FieldPostings,
        *,
        live_postings: bool = False,
    ) -> None:
        self._documents = {docnum: _kept(stored) for docnum, stored in documents}
        self._numbers = {stored["path"]: docnum for docnum, stored in self._documents.items()}
        self._field_postings = postings
        self._weights: dict[str, dict[int, float]] = {}
        self._live_postings = live_postings  # lists naming live documents only

    @classmethod
    def from_searcher(cls, searcher) -> LikenessScorer:
        """Postings read from an index generation, one word at a time as asked."""
        reader = searcher.reader()

        def postings(field: str, term: str) -> Iterable[tuple[int, float]]:
            if (field, term) not in reader:
                return ()
            return reader.postings(field, term).items_as("weight")

        return cls(reader.iter_docs(), postings)

    @classmethod
    def from_records(
        cls, records: Sequence[SearchRecord], weights: Mapping[str, FieldWeights] | None = None
    ) -> LikenessScorer:
        """Postings counted from search records; ``weights`` (path → ``engine.posting_weights``)
        saves counting again the records a caller already counted."""
        weights = weights or {}
        documents: list[tuple[int, dict[str, str]]] = []
        inverted: dict[str, dict[str, list[tuple[int, float]]]] = {
            field: defaultdict(list) for field in engine.FIELD_BOOSTS
        }
        for docnum, record in enumerate(records):
            fields = engine.document_fields(record)
            documents.append((docnum, fields))
            counted = weights.get(record.path) or engine.posting_weights(fields)
            for field, postings in inverted.items():
                for term, weight in counted[field].items():
                    postings[term].append((docnum, weight))
        postings = inverted.__getitem__
        return cls(documents, lambda f, t: postings(f).get(t, ()), live_postings=True)

    def judged_by_any(self, words: set[str]) -> set[str]:
        """The paths of the documents whose lead or opening holds one of ``words``: their
        look-alikes may be judged by it (``engine.likeness_words``)."""
        holding = {docnum for word in words for docnum in self._postings(word)}
        documents = self._documents
        return {
            documents[n]["path"] for n in holding if engine.likeness_words(documents[n]) & words
        }

    def held_by_at_most(self, term: str, count: int) -> bool:
        """Whether at most ``count`` documents hold ``term``: from one field's postings
        when they hold more (counted from records, postings name live documents only)."""
        if self._live_postings and term not in self._weights:
            for field in engine.FIELD_BOOSTS:
                if len(self._field_postings(field, term)) > count:  # type: ignore[arg-type]
                    return False
        return len(self._postings(term)) <= count

    def _postings(self, term: str) -> dict[int, float]:
        found = self._weights.get(term)
        if found is None:
            found = {}
            for field, boost in engine.FIELD_BOOSTS.items():
                for docnum, weight in self._field_postings(field, term):
                    if docnum in self._documents:  # a deleted document stays in postings
                        found[docnum] = found.get(docnum, 0.0) + boost * weight
            self._weights[term] = found
        return found

    def _rarest_shared_words(self, stored: Mapping[str, str], count: int = 6) -> list[str]:
        """As ``engine.likeness_terms``, counting only live documents, so the choice does not
        depend on deleted entries an updated index still holds."""
        common = engine.common_word_limit(len(self._documents))
        rated = {}
        for word in engine.likeness_words(stored):
            if not self.held_by_at_most(word, common):
                continue
            frequency = len(self._postings(word))
            if 2 <= frequency <= common:
                rated[word] = frequency
        return sorted(rated, key=lambda w: (rated[w], w))[:count]

    def alike(self, path: str, n: int, *, kind: str = "", past: bool = False) -> list[str]:
        """Paths of the ``n`` documents most like ``path``; ``kind`` limits the candidates to
        documents of that kind, ``past`` to documents dated before it."""
        docnum = self._numbers.get(path)
        if docnum is None:
            return []
        stored = self._documents[docnum]
        date = stored["date"]
        if past and not date:
            return []
        scores: dict[int, float] = defaultdict(float)
        for term in self._rarest_shared_words(stored):
            postings = self._postings(term)
            rarity = math.log(1 + len(self._documents) / len(postings))
            for other, weight in postings.items():
                scores[other] += weight * rarity
        scores.pop(docnum, None)
        documents = self._documents
        if kind or past:
            scores = {
                other: score
                for other, score in scores.items()
                if (not kind or documents[other]["kind"] == kind)
                and (not past or documents[other]["date"] < date)
            }
        best = heapq.nsmallest(n, ((-score, documents[o]["path"]) for o, score in scores.items()))
        return [found for _, found in best]
