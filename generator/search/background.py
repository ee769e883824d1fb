"""The terminal search index brought up to date after a build, without holding it up.

``opskb search`` right after ``opskb build`` should need no indexing, but the
site has no use for this index (look-alikes are scored from the search
records, see ``related``), and writing it is a quarter of a build's CPU time.
So the build hands the update to a detached process of low priority: it
takes what the CPUs leave over while the pages render and finishes after
the build has returned.

The build takes the index's writer lock before it forks and the detached
process keeps it, so a search started meanwhile waits for the index
(``SearchIndex.refresh``) instead of writing its own. The store publishes a
generation with one atomic swap (``store``): an update cut short leaves the
last one searchable, and the next search refreshes what is missing.
"""

from __future__ import annotations

from pathlib import Path

from .. import workers
from .index import SearchIndex

__all__ = ["BACKGROUND_NICE", "start_index_update"]

BACKGROUND_NICE = 19  # the build's own processes first


def start_index_update(root: Path, catalog) -> bool:
    """Start bringing the search index of ``root`` up to date with ``catalog``.

    On Linux a detached process writes the index and this returns at once;
    elsewhere the update is done before this returns (raising ``OSError``
    when it fails). ``False`` when another writer holds the index: the next
    search refreshes it.
    """
    lock = SearchIndex.open(root).store.try_lock()
    if lock is None:
        return False

    def update() -> None:
        index = SearchIndex.open(root)
        index.store.adopt(lock)
        index.update(catalog)

    with lock:  # here: the detached process holds its own copy of the lock
        if not workers.detach(update, nice=BACKGROUND_NICE, keep=[lock.fileno()]):
            update()
    return True
