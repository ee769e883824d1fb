"""Search: a Whoosh index of the knowledge base for the terminal and for related pages.

``SearchIndex.open(root)`` finds the index in the knowledge base's cache
folder; ``refresh()`` / ``update(catalog)`` keep it current (only changed
documents are re-indexed); ``search()``, ``suggest()`` and ``similar()`` ask it.
"""

from __future__ import annotations

from .engine import Hit
from .index import IndexUpdate, Results, SearchIndex
from .records import SearchRecord, plain_text, search_record

__all__ = [
    "Hit",
    "IndexUpdate",
    "Results",
    "SearchIndex",
    "SearchRecord",
    "plain_text",
    "search_record",
]
