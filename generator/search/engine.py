"""The Whoosh side of search: schema, queries, snippets, spelling, likeness.

Everything Whoosh-specific lives here and in ``terms`` (how text becomes index
terms), so the rest of opskb sees only :class:`~opskb.search.index.SearchIndex`
and plain results.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh import formats, highlight, scoring
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, NullQuery, Or, Prefix, Query, Term, TermRange
from whoosh.searching import Searcher

from . import vocabulary
from .records import SearchRecord, spelled_out
from .synonyms import Groups as SynonymGroups
from .synonyms import variants as synonym_variants
from .terms import ANALYZER, analyze, query_terms, words_of

__all__ = ["Hit", "build_schema", "document_fields", "filters", "staged_queries", "to_hit"]

SCHEMA_VERSION = 7  # bump whenever document_fields() changes
# A document's "lead" is what identifies it: title, symptoms (counted twice), tags
# and systems. It is short, so searching it is cheap; matches there count three
# times a body match. Titles and symptoms are also stored apart, for display.
LEAD_BOOST = 3.0
SNIPPET_FIELDS = ("symptoms", "body", "title")
SNIPPET_SOURCE = 4000  # characters of a field scanned for a snippet
MARK_START, MARK_END = "\x02", "\x03"
SPELLING_CANDIDATES = 40  # words within two edits of a misspelling, ranked by vocabulary.closest
LIKENESS_OPENING = 600  # characters of the body that, with the lead, say what a document is about
# In the any-word fallback a page's score is scaled by the share of the query's words it
# holds: near 1, a page with two of three words ranks above any page with one.
ANY_WORD_COORDINATION = 0.95


@dataclass(frozen=True)
class Hit:
    """One search result, ready for a terminal, JSON or a page."""

    path: str
    url: str
    title: str
    kind: str
    tier: str
    systems: tuple[str, ...]
    score: float
    snippet: tuple[tuple[str, bool], ...] = ()  # (text, is a match) pieces
    status: str = ""  # an incident's status
    started: str = ""  # when an incident began
    live: bool = False  # an open or monitoring incident listed first for its systems

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "tier": self.tier or None,
            "systems": list(self.systems),
            "path": self.path,
            "url": self.url,
            "score": round(self.score, 4),
            "snippet": self.snippet_text,
            **({"status": self.status, "started": self.started} if self.status else {}),
            **({"live": True} if self.live else {}),
        }


def build_schema() -> Schema:
    return Schema(
        path=ID(stored=True, unique=True),
        url=STORED(),
        title=STORED(),
        symptoms=STORED(),
        tags=STORED(),
        lead=TEXT(analyzer=ANALYZER),
        systems=KEYWORD(stored=True, commas=True, lowercase=True),
        tier=ID(stored=True),
        kind=ID(stored=True),
        body=TEXT(stored=True, analyzer=ANALYZER),
        date=ID(stored=True),
        status=ID(stored=True),  # an incident's, so the live ones can be asked for
        started=STORED(),
        # every word as written (unstemmed), stop words left out: the dictionary for
        # "did you mean", counted by the documents that use each word
        words=TEXT(analyzer=StandardAnalyzer(minsize=2), phrase=False),
    )


def document_fields(record: SearchRecord) -> dict[str, str]:
    symptoms = "\n".join(record.symptoms)
    # symptoms twice: what callers say weighs most (TF-IDF counts repeats)
    title = f"{record.title}\n{spelled_out(record.title)}"
    lead = "\n".join((title, symptoms, symptoms, " ".join(record.tags), " ".join(record.systems)))
    return {
        "path": record.path,
        "url": record.url,
        "title": record.title,
        "symptoms": symptoms,
        "tags": ",".join(record.tags),
        "lead": lead,
        "systems": ",".join(record.systems),
        "tier": record.tier,
        "kind": record.kind,
        "body": record.body,
        "date": record.date,
        "status": record.status,
        "started": record.started,
        "words": "\n".join((title, symptoms, *record.tags, *record.systems, record.body)),
    }


def weighting() -> scoring.WeightingModel:
    """TF-IDF: on 10,000 documents it ranks a common phrase three times faster than
    BM25F (no per-document length look-ups), and leads are short and alike in
    length, where BM25F's length normalisation changes little."""
    return scoring.TF_IDF()


_BOOSTS = {"lead": LEAD_BOOST, "body": 1.0}
FIELD_BOOSTS = _BOOSTS  # how much a match in each field counts, for look-alike scoring


def _word(term: str, prefix: bool, fields: tuple[str, ...]) -> Query:
    kind = Prefix if prefix else Term
    parts = [kind(field, term, boost=_BOOSTS[field]) for field in fields]
    return parts[0] if len(parts) == 1 else Or(parts)


def staged_queries(text: str, synonyms: SynonymGroups = ()) -> list[Query]:
    """Queries from most to least exact; a later one only tops up a short list.

    1. every word in the lead (title, symptoms, tags, systems);
    2. every word, in the lead or the body;
    3. any word, in the lead or the body, the more words the better (only when
       nothing holds every word).
    Searching bodies only when the lead falls short keeps a query cheap on a
    large knowledge base; an OR over common body words would touch most of it.
    With ``synonyms`` (groups of phrases), the first two stages are an OR of the
    query and its versions with a phrase replaced by the others of its group; the
    third takes the query's own words only (a version's words one by one, "remote"
    or "access" for "vpn", would find pages about neither).
    """
    versions = [query_terms(v) for v in synonym_variants(text, synonyms)]
    versions = [terms for terms in versions if terms]
    if not versions:
        return [NullQuery, NullQuery, NullQuery]

    def every(fields: tuple[str, ...]) -> Query:
        each = [And([_word(t, p, fields) for t, p in terms]) for terms in versions]
        return each[0] if len(each) == 1 else Or(each)

    words = query_terms(text)
    return [
        every(("lead",)),
        every(("lead", "body")),
        Or([_word(t, p, ("lead", "body")) for t, p in words], scale=ANY_WORD_COORDINATION)
        if words
        else NullQuery,
    ]


def phrase_bonus(text: str, stored: dict) -> float:
    """How much to lift a hit whose symptoms or title hold the query as written.

    Checked on the few top hits' stored text: far cheaper than a phrase query
    over the whole index, and it is what matters to a caller's exact words.
    """
    phrase = " ".join(words_of(text))
    if " " not in phrase:
        return 1.0
    for field, factor in (("symptoms", 2.0), ("title", 1.5)):
        if phrase in " ".join(words_of(stored.get(field, ""))):
            return factor
    return 1.0


def filters(
    tier: Iterable[str] = (),
    system: Iterable[str] = (),
    kind: Iterable[str] = (),
    before: str = "",
) -> Query | None:
    """Only documents of one of the tiers, one of the systems and one of the kinds given."""
    parts: list[Query] = []
    for field, values in (
        ("tier", [v.upper() for v in tier]),
        ("systems", [v.lower() for v in system]),
        ("kind", [v.lower() for v in kind]),
    ):
        if values:
            parts.append(Or([Term(field, v) for v in values]))
    if before:
        parts.append(TermRange("date", "0", before, endexcl=True))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


class _Marks(highlight.Formatter):
    """Marks matched words with control characters, split into pieces later."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK_START + highlight.get_text(text, token, replace) + MARK_END


def _pieces(marked: str) -> tuple[tuple[str, bool], ...]:
    pieces = []
    for part in re.split(f"({MARK_START}[^{MARK_END}]*{MARK_END})", marked):
        if part.startswith(MARK_START):
            pieces.append((part.strip(MARK_START + MARK_END), True))
        elif part:
            pieces.append((part, False))
    return tuple(pieces)


def snippet(stored: dict, query_text: str) -> tuple[tuple[str, bool], ...]:
    """The best matching passage of the symptoms, the body or the title, as pieces."""
    terms = frozenset(t.text for t in ANALYZER(query_text))
    fragmenter = highlight.ContextFragmenter(maxchars=160, surround=50)
    for field in SNIPPET_FIELDS:
        text = stored.get(field, "")[:SNIPPET_SOURCE]
        if not text or not terms:
            continue
        marked = highlight.highlight(text, terms, ANALYZER, fragmenter, _Marks(), top=2)
        if marked:
            return _pieces(marked.replace("\n", " · "))
    body = stored.get("body", "")
    if body:
        return ((body[:160] + ("…" if len(body) > 160 else ""), False),)
    return ()


def to_hit(stored: dict, score: float, query_text: str | None = None) -> Hit:
    return Hit(
        path=stored["path"],
        url=stored.get("url", ""),
        title=stored.get("title", ""),
        kind=stored.get("kind", ""),
        tier=stored.get("tier", ""),
        systems=tuple(s for s in stored.get("systems", "").split(",") if s),
        score=score,
        snippet=snippet(stored, query_text) if query_text else (),
        status=stored.get("status", ""),
        started=stored.get("started", ""),
    )


def corrections(searcher: Searcher, text: str) -> dict[str, str]:
    """Unknown words of ``text`` and the closest word the knowledge base uses.

    Whoosh's word graph gives the candidates within two edits; which of them
    is meant is decided by :func:`~opskb.search.vocabulary.closest`, the rule
    the search page uses too.
    """
    reader = searcher.reader()
    found: dict[str, str] = {}
    for word in dict.fromkeys(words_of(text)):
        if not vocabulary.is_correctable(word) or reader.doc_frequency("words", word) > 0:
            continue
        stems = [t.text for t in ANALYZER(word)]
        if not stems or any(reader.doc_frequency("body", stem) > 0 for stem in stems):
            continue  # a stop word, or another form of a word the bodies use
        candidates = searcher.suggest("words", word, limit=SPELLING_CANDIDATES, maxdist=2)
        documents = {c: reader.doc_frequency("words", c) for c in candidates}
        suggestion = vocabulary.closest(word, documents)
        if suggestion:
            found[word] = suggestion
    return found


@functools.cache
def _schema() -> Schema:
    return build_schema()


def posting_weights(fields: dict[str, str]) -> dict[str, dict[str, float]]:
    """For each field look-alikes are scored on, the weight of each term in its postings.

    What the index writer would store for these ``document_fields``, computed
    without an index: the field's own analyzer, called as the writer calls it,
    and Whoosh's weight (token boosts summed, times the field boost), which is
    the same in every posting format. Counting is cheaper than the positions
    the index keeps for phrases, so a build need not wait for the index.
    """
    schema = _schema()
    found: dict[str, dict[str, float]] = {}
    for name in FIELD_BOOSTS:
        field = schema[name]
        boost = field.format.field_boost
        if field.analyzer is ANALYZER:
            found[name] = {t: n * boost for t, n in Counter(analyze(fields[name])).items()}
            continue
        counting = formats.Frequency(field_boost=boost)
        values = counting.word_values(fields[name], field.analyzer, mode="index")
        found[name] = {term: weight for term, _, weight, _ in values}
    return found


# A word in more documents than this says little about likeness, and scoring its
# postings for every document made look-alikes grow with the square of the
# knowledge base (5,000 documents: 18 s, most of it summing long postings).
COMMON_WORD_DOCUMENTS = 200


def common_word_limit(documents: int) -> int:
    """Words in more documents than this are too common to judge likeness by: a fifth
    of the documents (on a small base every shared word counts), at most
    ``COMMON_WORD_DOCUMENTS``."""
    return max(50, min(documents // 5, COMMON_WORD_DOCUMENTS))


def likeness_words(stored: dict) -> set[str]:
    """The indexed words of a document's lead and opening, which look-alikes are judged by."""
    text = " ".join(
        (
            stored.get("title", ""),
            stored.get("symptoms", ""),
            stored.get("tags", "").replace(",", " "),
            stored.get("systems", "").replace(",", " "),
            stored.get("body", "")[:LIKENESS_OPENING],
        )
    )
    return set(analyze(text))


def likeness_terms(searcher: Searcher, stored: dict, numterms: int = 6) -> list[str]:
    """The rarest words a document's lead and opening share with other documents.

    Rare words have short posting lists, so the query stays cheap on a large
    index (a look-alike query runs for every page of a build); words only this
    document uses, and words in more than a fifth of the documents, say
    nothing about likeness and are left out (on a large base; small ones are cheap).
    """
    reader = searcher.reader()
    common = common_word_limit(reader.doc_count())
    rated = {}
    for term in likeness_words(stored):
        frequency = reader.doc_frequency("lead", term) + reader.doc_frequency("body", term)
        if 2 <= frequency <= common:
            rated[term] = frequency
    terms = sorted(rated, key=lambda t: (rated[t], t))[:numterms]
    return terms


def likeness_query(searcher: Searcher, stored: dict, numterms: int = 6) -> Query | None:
    """:func:`likeness_terms` as one query over the lead and the body."""
    terms = likeness_terms(searcher, stored, numterms)
    if not terms:
        return None
    return Or([Term(field, t, boost=_BOOSTS[field]) for t in terms for field in ("lead", "body")])
