"""Related documents and similar past incidents, computed from the search records at build time.

Look-alikes are scored from posting lists counted in memory from the
catalogue's search records (``LikenessScorer.from_records``), the same
scoring as from the search index, so a build does not wait for the index
to be written: that happens beside it (``opskb.search.background``).

Scoring every page still takes a while on a large knowledge base, too slow
to repeat on every live-preview rebuild. So the answers are kept in the cache
folder with the record digests they were computed from, and a later build
recomputes only the pages that changed and the pages whose look-alikes
changed. A page that newly resembles an unchanged one is picked up at the
next full pass, which runs whenever more than a tenth of the documents
changed (or the cache is missing). Each document's counted words are kept
too, by digest, so a rebuild counts only the documents that changed.
"""

from __future__ import annotations

import json
import os
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
    records: list[SearchRecord], folder: Path, workers: int = 1
) -> dict[str, FieldWeights]:
    """Each record's posting weights (path → field → term → weight), counted only for
    records whose digest the cache does not hold; the cache is rewritten if any were."""
    cached: dict[str, FieldWeights] = _read(folder / WORDS_FILE).get("by_digest", {})
    todo = [r for r in records if r.digest not in cached]
    counted = fork_map(lambda r: engine.posting_weights(engine.document_fields(r)), todo, workers)
    found = cached | {r.digest: w for r, w in zip(todo, counted, strict=True)}
    weights = {r.path: found[r.digest] for r in records}
    kept = {r.digest: weights[r.path] for r in records}
    if not cached or _worth_writing(len(kept.keys() ^ cached.keys()), len(kept)):
        _write(folder / WORDS_FILE, {"by_digest": kept})
    return weights


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
    if len(changed) > FULL_PASS_SHARE * max(1, len(digests)):
        stale = set(digests)
        related, past = {}, {}
    else:
        stale = {p for p in changed if p in digests}
        stale |= {p for p, found in (related | past).items() if changed.intersection(found)}
    paths = sorted(p for p in digests if p in stale or p not in related)
    incidents = {d.path for d in catalog.of_kind(Kind.INCIDENT)}
    related = {p: v for p, v in related.items() if p in digests}
    past = {p: v for p, v in past.items() if p in incidents}
    if paths:
        scorer = LikenessScorer.from_records(records, _weights(records, folder, workers))
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
