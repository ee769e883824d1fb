"""Related documents and similar past incidents, computed from the search index at build time.

Asking the index for every page's look-alikes costs about 15 ms a page, too
slow to repeat on every live-preview rebuild of a large knowledge base. So
the answers are kept in the cache folder with the digests they were computed
from, and a later build recomputes only the pages that changed and the pages
whose look-alikes changed. A page that newly resembles an unchanged one is
picked up at the next full pass, which runs whenever more than a tenth of
the documents changed (or the cache is missing).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..catalog import Catalog
from ..model import Kind
from ..pages.similar import SimilarDocuments
from .index import SearchIndex

__all__ = ["similar_documents"]

PER_PAGE = 5
CACHE_FILE = "look-alikes.json"
FULL_PASS_SHARE = 0.1


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)


def similar_documents(root: Path, catalog: Catalog, n: int = PER_PAGE) -> SimilarDocuments:
    """Bring the index up to date with ``catalog`` and ask it for every page's look-alikes.

    Raises ``OSError`` when the cache folder cannot be written; callers decide
    whether a site without look-alikes is acceptable.
    """
    index = SearchIndex.open(root)
    index.update(catalog)
    digests: dict[str, str] = index.store.manifest(digests=True).get("digests", {})
    cache_path = index.store.folder / CACHE_FILE
    cache = _read(cache_path)
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
    incidents = {d.path for d in catalog.published if d.kind is Kind.INCIDENT}
    related = {p: v for p, v in related.items() if p in digests}
    past = {p: v for p, v in past.items() if p in incidents}
    related.update(index.similar_all(paths, n))
    past.update(index.past_incidents([p for p in paths if p in incidents], n))
    _write(cache_path, {"n": n, "digests": digests, "related": related, "past": past})
    return SimilarDocuments(related=related, past_incidents=past)
