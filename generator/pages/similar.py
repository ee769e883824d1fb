"""Look-alike documents for a page: related documents and similar past incidents.

The search index computes them (``opskb.search``); pages receive them as plain
paths (of published documents only: the index holds nothing else) so
rendering never depends on a search engine, and a site rendered without an
index simply shows only the related documents authors listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..check.catalog import Catalog
from ..model import Document, Kind

__all__ = ["SimilarDocuments"]

RELATED_MAX = 5  # look-alikes shown after the related documents authors listed


@dataclass(frozen=True)
class SimilarDocuments:
    """Source path → paths of the most similar documents, best first."""

    related: Mapping[str, Sequence[str]] = field(default_factory=dict)
    past_incidents: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def related_to(self, doc: Document, catalog: Catalog, listed: list[Document]) -> list[Document]:
        """The documents an author listed, then look-alikes not listed already."""
        shown = list(listed)
        seen = {doc.path} | {d.path for d in listed}
        for path in self.related.get(doc.path, ()):
            other = catalog.by_path.get(path)
            if other is None or path in seen or len(shown) >= len(listed) + RELATED_MAX:
                continue
            if other.kind is Kind.INCIDENT and doc.kind is Kind.INCIDENT:
                continue  # incidents list their look-alikes under "Similar past incidents"
            seen.add(path)
            shown.append(other)
        return shown

    def past_incidents_of(self, doc: Document, catalog: Catalog) -> list[Document]:
        """Earlier incidents most like this one (for incident pages)."""
        if doc.incident is None:
            return []
        found = []
        for path in self.past_incidents.get(doc.path, ()):
            other = catalog.by_path.get(path)
            if other is not None and other.incident is not None and other.path != doc.path:
                found.append(other)
        return found
