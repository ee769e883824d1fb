"""Related documents and similar past incidents, computed from the search index at build time."""

from __future__ import annotations

from pathlib import Path

from ..catalog import Catalog
from ..model import Kind
from ..pages.similar import SimilarDocuments
from .index import SearchIndex

__all__ = ["similar_documents"]

PER_PAGE = 5


def similar_documents(root: Path, catalog: Catalog, n: int = PER_PAGE) -> SimilarDocuments:
    """Bring the index up to date with ``catalog`` and ask it for every page's look-alikes.

    Raises ``OSError`` when the cache folder cannot be written; callers decide
    whether a site without look-alikes is acceptable.
    """
    index = SearchIndex.open(root)
    index.update(catalog)
    paths = [d.path for d in catalog.published]
    incidents = [d.path for d in catalog.published if d.kind is Kind.INCIDENT]
    return SimilarDocuments(
        related=index.similar_all(paths, n),
        past_incidents=index.past_incidents(incidents, n),
    )
