"""The search index of a knowledge base: kept current, searched, asked for look-alikes.

Callers see this small interface only; Whoosh sits behind it (``engine``),
generations are stored and swapped by ``store``, and freshness is decided
by file stamps (``sources``). Only published documents are indexed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import whoosh.index
from whoosh.query import Term

from . import engine, terms
from .engine import Hit
from .likeness import LikenessScorer
from .live import LIVE_STATUSES, live_incidents, matching, system_names
from .records import SearchRecord, search_record
from .sources import SourceScan, scan_sources
from .store import IndexStore
from .symptoms import symptom_order

__all__ = ["Hit", "IndexUpdate", "Results", "SearchIndex"]

CACHE_DIR = ".opskb-cache"
FORMAT = f"opskb-search-{engine.SCHEMA_VERSION}"
RERANK_POOL = 20  # top hits re-ranked for an exact phrase in symptoms or title
ANY_WORD_STAGE = 2  # the last of engine.staged_queries: documents holding only some words
# Fewer hits than this with every word are topped up with pages holding some: one page
# using a misspelling the query shares must not hide the pages spelt right.
FEW_HITS = 3


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    corrections: dict[str, str] = field(default_factory=dict)  # misspelt word → known word
    words: tuple[str, ...] = ()  # the query's words, lower case
    some_words: bool = False  # no document holds every word: these hold some of them
    corrected: bool = False  # the hits are those of the corrected query (``did_you_mean``)
    live: list[Hit] = field(default_factory=list)  # live incidents of the query's systems
    names: dict[str, str] = field(default_factory=dict)  # system id → name

    @property
    def did_you_mean(self) -> str:
        """The query with misspelt words replaced, or ``""``."""
        if not self.corrections:
            return ""
        return " ".join(self.corrections.get(w, w) for w in self.words)


@dataclass(frozen=True)
class IndexUpdate:
    """What an update did: documents (re)indexed and removed."""

    indexed: int = 0
    removed: int = 0
    rebuilt: bool = False


def _settings_record(settings) -> dict:
    return {
        "content_dir": settings.content_dir,
        "runbooks_dir": settings.runbooks_dir,
        "include_drafts": settings.include_drafts,
        "site_url": str(settings.raw.get("site_url") or ""),
    }


class SearchIndex:
    """The Whoosh index in ``<kb>/.opskb-cache/search``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.store = IndexStore(self.root / CACHE_DIR / "search")

    @classmethod
    def open(cls, root: Path) -> SearchIndex:
        return cls(root)

    @property
    def site_url(self) -> str:
        """The site's address from ``mkdocs.yml`` (as last indexed), or ``""``."""
        return str(self.store.manifest().get("settings", {}).get("site_url", ""))

    # -- keeping it current -------------------------------------------------

    def refresh(self, on_wait: Callable[[], object] | None = None) -> IndexUpdate:
        """Bring the index up to date with the sources, loading only files that changed.

        An update under way (a build's, see ``background``) is waited for
        first, calling ``on_wait``; what it left to do is then done here.
        """
        self.store.wait_for_writer(on_wait)
        manifest = self.store.manifest()
        dirs = manifest.get("settings")
        if manifest.get("format") == FORMAT and isinstance(dirs, dict):
            scan = scan_sources(self.root, dirs["content_dir"], dirs["runbooks_dir"])
            reload_all, changed, removed = scan.changes(manifest.get("scan"))
            if not reload_all and not changed and not removed:
                return IndexUpdate()
            if not reload_all:
                return self._refresh_files(scan, changed, removed)
        from ..pipeline import load_kb

        kb = load_kb(self.root)
        return self.update(kb.catalog)

    def update(self, catalog) -> IndexUpdate:
        """Index the catalogue's published documents; only what changed is rewritten."""
        settings = catalog.settings
        scan = scan_sources(self.root, settings.content_dir, settings.runbooks_dir)
        records = {d.path: search_record(d) for d in catalog.published}
        return self._write(records, None, scan, _settings_record(settings))

    def _refresh_files(self, scan: SourceScan, changed: list[str], removed: list[str]):
        from ..check.validate import validate_document
        from ..config import load_settings
        from ..problems import Problems
        from ..sources.load import FolderDefaults, load_document

        settings, _ = load_settings(self.root)
        defaults = FolderDefaults(self.root, scan.defaults)
        records: dict[str, SearchRecord | None] = dict.fromkeys(removed)
        for path in changed:
            file = self.root / path
            folder = file.parent
            raw, _ = load_document(
                self.root, file, defaults.for_folder(folder), defaults.inherited(folder)
            )
            doc = validate_document(raw, settings, Problems())
            public = doc is not None and (settings.include_drafts or not doc.is_draft)
            records[path] = search_record(doc) if public else None
        return self._write(records, removed, scan, _settings_record(settings), partial=True)

    def _write(
        self,
        records: dict[str, SearchRecord | None],
        removed: list[str] | None,
        scan: SourceScan,
        settings: dict,
        partial: bool = False,
    ) -> IndexUpdate:
        """Write what differs from the current generation into a new one, and publish it.

        ``records`` maps paths to their record (``None``: not indexed). Unless
        ``partial``, paths missing from ``records`` are removed from the index.
        """
        with self.store.writing():
            current = self.store.current()
            manifest = self.store.manifest(current, digests=True)
            usable = current is not None and manifest.get("format") == FORMAT
            digests: dict[str, str] = dict(manifest.get("digests", {})) if usable else {}
            changed = {
                p: r for p, r in records.items() if r is not None and digests.get(p) != r.digest
            }
            gone = {p for p, r in records.items() if r is None and p in digests}
            if not partial:
                gone |= set(digests) - set(records)
            gone |= {p for p in removed or () if p in digests}
            new_manifest = {
                "format": FORMAT,
                "settings": settings,
                "scan": scan.to_json(),
                "digests": digests,
            }
            if usable and not changed and not gone:
                stamps_only = {k: v for k, v in new_manifest.items() if k != "digests"}
                self.store.write_manifest(current, stamps_only)
                return IndexUpdate()
            generation = self.store.next_generation(copy_current=usable)
            try:
                if usable:
                    ix = whoosh.index.open_dir(str(generation))
                else:
                    ix = whoosh.index.create_in(str(generation), engine.build_schema())
                writer = ix.writer(limitmb=64)  # beside a build, memory counts
                for path in sorted(gone):
                    writer.delete_by_term("path", path)
                    digests.pop(path, None)
                for path in sorted(changed):
                    fields = engine.document_fields(changed[path])
                    if usable and path in digests:
                        writer.update_document(**fields)
                    else:
                        writer.add_document(**fields)
                    digests[path] = changed[path].digest
                writer.commit(optimize=not usable)
                ix.close()
                self.store.write_manifest(generation, new_manifest)
            except BaseException:
                self.store.discard(generation)
                raise
            self.store.publish(generation)
            return IndexUpdate(len(changed), len(gone), rebuilt=not usable)

    # -- asking it ------------------------------------------------------------

    @contextlib.contextmanager
    def _searcher(self):
        generation = self.store.current()
        if generation is None:
            self.refresh()
            generation = self.store.current()
        ix = whoosh.index.open_dir(str(generation))
        try:
            with ix.searcher(weighting=engine.weighting()) as searcher:
                yield searcher
        finally:
            ix.close()

    def search(
        self,
        query: str,
        *,
        tier: Iterable[str] = (),
        system: Iterable[str] = (),
        kind: Iterable[str] = (),
        limit: int = 10,
        snippets: bool = True,
        synonyms: Sequence[Sequence[str]] = (),
    ) -> Results:
        """Ranked hits for ``query``, narrowed by tiers, systems and kinds.

        When no document holds every word and some words are misspelt, the
        corrected query is searched instead; when still none holds every word,
        documents holding some of them are listed, most words first. A phrase
        of one of the ``synonyms`` groups also finds the others of its group.
        Open and monitoring incidents of the systems the query names are listed
        apart, before the hits (``live.py``); the system and kind filters apply
        to them, the tier filter does not (an incident's tier is the highest
        engaged, not who reads it).
        """
        with self._searcher() as searcher:
            names, live = _live(searcher, query, synonyms, system, kind)
            flt = engine.filters(tier, system, kind)
            limit = max(1, limit)
            fixes = engine.corrections(searcher, query)
            words = tuple(terms.words_of(query))
            searched = query
            ranked, every = _ranked(searcher, query, flt, limit, synonyms)
            if not every and fixes:
                fixed = " ".join(fixes.get(w, w) for w in words)
                ranked_fixed, every_fixed = _ranked(searcher, fixed, flt, limit, synonyms)
                if every_fixed or not ranked:
                    searched, ranked, every = fixed, ranked_fixed, every_fixed
            if live:
                shown = {hit.path for hit in live}
                ranked = [r for r in ranked if r[2]["path"] not in shown]
            hits = [
                engine.to_hit(stored, score, searched if snippets else None)
                for _, score, stored in ranked[:limit]
            ]
        return Results(
            hits,
            fixes,
            words,
            some_words=bool(hits) and not every,
            corrected=searched != query,
            live=live,
            names=names,
        )

    def suggest(self, word: str) -> list[str]:
        """Words the knowledge base uses that are close to ``word``."""
        with self._searcher() as searcher:
            return searcher.suggest("words", word.lower(), limit=5, maxdist=2)

    def similar(self, path: str, n: int = 5) -> list[Hit]:
        """The ``n`` documents most like the one at ``path`` (itself excluded)."""
        with self._searcher() as searcher:
            return _similar(searcher, path, n)

    def similar_all(self, paths: Iterable[str], n: int = 5) -> dict[str, list[str]]:
        """Each path's ``n`` most similar documents (paths), all in one pass."""
        with self._searcher() as searcher:
            scorer = LikenessScorer.from_searcher(searcher)
            return {p: scorer.alike(p, n) for p in paths}

    def past_incidents(self, paths: Iterable[str], n: int = 5) -> dict[str, list[str]]:
        """For each incident path, the ``n`` most similar incidents dated before it."""
        with self._searcher() as searcher:
            scorer = LikenessScorer.from_searcher(searcher)
            return {p: scorer.alike(p, n, kind="incident", past=True) for p in paths}


def _ranked(
    searcher, query: str, flt, limit: int, synonyms: Sequence[Sequence[str]] = ()
) -> tuple[list[tuple[int, float, dict]], bool]:
    """The top hits for ``query`` as ``(stage, score, stored fields)``, best first, and
    whether any holds every word (see ``engine.staged_queries``); within a stage,
    runbooks whose symptoms hold the query come first, L1 first (``symptoms.py``)."""
    pool = max(limit, RERANK_POOL)
    first = symptom_order(query, synonyms)
    ranked: list[tuple[int, float, dict]] = []
    seen: set[str] = set()
    for stage, q in enumerate(engine.staged_queries(query, synonyms)):
        if stage == ANY_WORD_STAGE and len(ranked) >= FEW_HITS:
            break  # an OR over common words is the costliest query; only when hits are few
        for h in searcher.search(q, limit=pool, filter=flt):
            stored = h.fields()
            if stored["path"] not in seen:
                seen.add(stored["path"])
                ranked.append((stage, h.score * engine.phrase_bonus(query, stored), stored))
        if len(ranked) >= limit:
            break
    ranked.sort(key=lambda r: (r[0], *first(r[2]), -r[1], r[2]["path"]))
    return ranked, bool(ranked) and ranked[0][0] < ANY_WORD_STAGE


def _live(
    searcher, query: str, synonyms, system: Iterable[str], kind: Iterable[str]
) -> tuple[dict[str, str], list[Hit]]:
    """The systems' names, and the live incidents ``query`` is about (see ``live.py``), as
    hits marked live; narrowed by the system and kind filters."""
    records = [
        SearchRecord(
            path=f["path"],
            url=f.get("url", ""),
            title=f.get("title", ""),
            kind=f.get("kind", ""),
            tier=f.get("tier", ""),
            systems=tuple(s for s in f.get("systems", "").split(",") if s),
            tags=(),
            symptoms=(),
            body="",
            status=f.get("status", ""),
            started=f.get("started", ""),
        )
        for kind_ in ("system", "incident")
        for f in searcher.documents(kind=kind_)
        if kind_ == "system" or f.get("status") in LIVE_STATUSES
    ]
    names = system_names(records)
    kinds = {k.lower() for k in kind}
    if kinds and "incident" not in kinds:
        return names, []
    wanted = {s.lower() for s in system}
    incidents = [
        i
        for i in matching(query, live_incidents(records, names), synonyms)
        if not wanted or wanted & set(i.systems)
    ]
    by_path = {r.path: r for r in records}
    hits = []
    for incident in incidents:
        r = by_path[incident.path]
        hits.append(
            Hit(
                r.path,
                r.url,
                r.title,
                r.kind,
                r.tier,
                r.systems,
                0.0,
                (),
                r.status,
                r.started,
                True,
            )
        )
    return names, hits


def _similar(searcher, path: str, n: int, *, among: set[int] | None = None, past: bool = False):
    """Look-alikes of ``path``; ``among`` limits them to those documents, ``past`` to
    earlier dates (checked on the few top hits, cheaper than a date filter)."""
    docnum = searcher.document_number(path=path)
    if docnum is None:
        return []
    stored = searcher.stored_fields(docnum)
    if past and not stored.get("date"):
        return []
    query = engine.likeness_query(searcher, stored)
    if query is None:
        return []
    allowed = set(among) - {docnum} if among is not None else None
    found = searcher.search(
        query,
        limit=n * 4 if past else n,
        filter=allowed,
        mask=None if allowed is not None else Term("path", path),
    )
    kept = [h for h in found if not past or h.get("date", "") < stored["date"]]
    hits = [engine.to_hit(h.fields(), h.score) for h in kept]
    return hits[:n]
