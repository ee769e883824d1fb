"""Related documents and similar past incidents, computed from the search records at build time.

Look-alikes are scored from posting lists counted in memory from the
catalogue's search records (``LikenessScorer.from_records``), the same
scoring as from the search index, so a build does not wait for the index
to be written: that happens beside it (``opskb.search.background``).

Scoring every page still takes a while on a large knowledge base, too slow
to repeat on every live-preview rebuild. So the answers are kept in the cache
folder with the record digests they were computed from, and a later build
recomputes only the pages an edit can reach: the edited documents, and every
page judged by a word they held before or hold now (how rare a word is, and
who holds it, is all an edit changes of another page's scores). So a rebuild
gives the answers a build from scratch gives. Adding or removing a document
changes how rare every word is, so then every page is scored again, as when
more than a tenth of the documents changed (or the cache is missing). Each
document's counted words are kept too, by digest, so a rebuild counts only
the documents that changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from ..check.catalog import Catalog
from ..fork_map import fork_map
from ..model import Kind
from ..pages.similar import SimilarDocuments
from . import engine
from .index import CACHE_DIR
from .likeness import FieldWeights, LikenessScorer
from .records import SearchRecord, search_record

__all__ = ["similar_documents"]

PER_PAGE = 5
CACHE_FOLDER = "look-alikes"  # in the knowledge base's cache folder
ANSWERS_FILE = "answers.json"
WORDS_FILE = "words.json"
FORMAT = f"opskb-look-alikes-{engine.SCHEMA_VERSION}"
REWRITE_AFTER = 20  # changed entries before a cache file is written again
FULL_PASS_SHARE = 0.1


# A live preview reads the same cache files on every rebuild (megabytes of JSON): what
# this process last read or wrote of each is kept, with the file's status then. Callers
# never change what they are given.
_KEPT: dict[Path, tuple[tuple[int, int, int], dict]] = {}


def _status(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size, info.st_ino


def _read(path: Path) -> dict:
    try:
        status = _status(path)
        kept = _KEPT.get(path)
        if kept is not None and kept[0] == status:
            return kept[1]
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    _KEPT[path] = (status, data)
    return data


def _write(path: Path, data: dict) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = {"format": FORMAT, **data}
    temp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)
    _KEPT[path] = (_status(path), data)


def _worth_writing(changed: int, total: int) -> bool:
    """Whether a cache file is rewritten: when more than a few of its entries changed.

    A live preview rebuilds after every edit, and rewriting megabytes of JSON
    for one document cost more than counting or scoring that document again
    on the next run, which finds it changed since the file was written.
    """
    return changed > max(REWRITE_AFTER, total // 100)


def _weights(
    records: list[SearchRecord], folder: Path, workers: int = 1, keep: Iterable[str] = ()
) -> tuple[dict[str, FieldWeights], dict[str, FieldWeights]]:
    """Each record's posting weights (path → field → term → weight), counted only for
    records whose digest the cache does not hold, and what the cache held (digest →
    weights); the cache is rewritten if many were counted, keeping the digests ``keep``
    too (those the kept answers were scored from: an edit is told from them)."""
    cached: dict[str, FieldWeights] = _read(folder / WORDS_FILE).get("by_digest", {})
    todo = [r for r in records if r.digest not in cached]
    counted = fork_map(lambda r: engine.posting_weights(engine.document_fields(r)), todo, workers)
    found = cached | {r.digest: w for r, w in zip(todo, counted, strict=True)}
    weights = {r.path: found[r.digest] for r in records}
    kept = {r.digest: weights[r.path] for r in records}
    kept |= {d: cached[d] for d in keep if d in cached and d not in kept}
    if not cached or _worth_writing(len(kept.keys() ^ cached.keys()), len(kept)):
        _write(folder / WORDS_FILE, {"by_digest": kept})
    return weights, cached


def _reached(
    scorer: LikenessScorer,
    records: list[SearchRecord],
    now: dict[str, FieldWeights],
    then: list[FieldWeights],
) -> set[str]:
    """The pages whose look-alikes documents edited from ``then`` to ``now`` (path →
    weights) can change: those judged by a word the documents held or hold, of those
    words rare enough to judge by (``LikenessScorer``)."""
    words: set[str] = set()
    for weights in [*now.values(), *then]:
        for terms in weights.values():
            words.update(terms)
    common = engine.common_word_limit(len(records)) + 1  # as rare before the edit, or now
    return scorer.judged_by_any({w for w in words if scorer.held_by_at_most(w, common)})


def similar_documents(
    root: Path,
    catalog: Catalog,
    n: int = PER_PAGE,
    records: list[SearchRecord] | None = None,
    workers: int = 1,
) -> SimilarDocuments:
    """Every published page's look-alikes, and every incident's similar past incidents;
    ``records`` are the published documents' search records, if already made.
    ``workers`` processes share the counting and scoring (see ``fork_map``).

    Raises ``OSError`` when the cache folder cannot be written; callers decide
    whether a site without look-alikes is acceptable.
    """
    if records is None:
        records = [search_record(d) for d in catalog.published]
    digests = {r.path: r.digest for r in records}
    folder = Path(root).resolve() / CACHE_DIR / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    cache = _read(folder / ANSWERS_FILE)
    before = cache.get("digests", {}) if cache.get("n") == n else {}
    related: dict[str, list[str]] = cache.get("related", {}) if before else {}
    past: dict[str, list[str]] = cache.get("past", {}) if before else {}

    changed = {p for p in digests.keys() | before.keys() if digests.get(p) != before.get(p)}
    edits = before.keys() == digests.keys() and len(changed) <= FULL_PASS_SHARE * len(digests)
    stale = changed if edits else set(digests)
    if stale or not digests.keys() <= related.keys():
        weights, cached = _weights(records, folder, workers, keep=before.values())
        scorer = LikenessScorer.from_records(records, weights)
        then = [cached[before[p]] for p in changed if before[p] in cached] if edits else []
        if len(then) < len(changed) and edits:  # what they held is not kept: score every page
            stale = set(digests)
        elif changed and edits:
            stale = changed | _reached(scorer, records, {p: weights[p] for p in changed}, then)
    if stale == set(digests):
        related, past = {}, {}
    paths = sorted(p for p in digests if p in stale or p not in related)
    incidents = {d.path for d in catalog.of_kind(Kind.INCIDENT)}
    related = {p: v for p, v in related.items() if p in digests}
    past = {p: v for p, v in past.items() if p in incidents}
    if paths:
        kind = Kind.INCIDENT.value

        def answers(path: str) -> tuple[list[str], list[str] | None]:
            alike = scorer.alike(path, n)
            return alike, scorer.alike(path, n, kind=kind, past=True) if path in incidents else None

        for path, (alike, earlier) in zip(paths, fork_map(answers, paths, workers), strict=True):
            related[path] = alike
            if earlier is not None:
                past[path] = earlier
    if not before or _worth_writing(len(paths), len(digests)):
        data = {"n": n, "digests": digests, "related": related, "past": past}
        _write(folder / ANSWERS_FILE, data)
    return SimilarDocuments(related=related, past_incidents=past)
