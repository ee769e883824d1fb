"""The terminal search index brought up to date after a build, without holding it up.

``opskb search`` right after ``opskb build`` should need no indexing, but the
site has no use for this index (look-alikes are scored from the search
records, see ``related``), and writing it is a quarter of a build's CPU time.
So the build hands the update to a detached process of low priority that
starts writing once the build is done, so that its memory never adds to the
build's, and finishes after the build has returned.

The build takes the index's writer lock before it forks and the detached
process keeps it, so a search started meanwhile waits for the index
(``SearchIndex.refresh``) instead of writing its own. The store publishes a
generation with one atomic swap (``store``): an update cut short leaves the
last one searchable, and the next search refreshes what is missing.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from pathlib import Path

from .. import executor as workers
from .index import SearchIndex

__all__ = ["BACKGROUND_NICE", "start_index_update"]

BACKGROUND_NICE = 19  # the build's own processes first


def start_index_update(root: Path, catalog) -> Callable[[], None] | None:
    """Bring the search index of ``root`` up to date with ``catalog`` once the build is done.

    On Linux a detached process writes the index. It waits until the
    returned ``done`` is called (or this process ends), so that its memory
    never adds to the build's; the lock it holds meanwhile makes a search
    wait for it. Elsewhere the update is done before this returns (raising
    ``OSError`` when it fails). ``None`` when another writer holds the index:
    the next search refreshes it.
    """
    lock = SearchIndex.open(root).store.try_lock()
    if lock is None:
        return None
    wait, done = os.pipe()  # the build holds ``done`` open until it is over

    def update() -> None:
        while os.read(wait, 1):  # b"" once every copy of ``done`` is closed
            pass
        _update(root, catalog, lock)

    with lock:  # here: the detached process holds its own copy of the lock
        keep = [lock.fileno(), wait]
        detached = workers.detach(update, nice=BACKGROUND_NICE, keep=keep)
        os.close(wait)
        if not detached:
            os.close(done)
            _update(root, catalog, lock)
            return _nothing
    return functools.partial(_close, done)


def _update(root: Path, catalog, lock) -> None:
    index = SearchIndex.open(root)
    index.store.adopt(lock)
    index.update(catalog)


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _nothing() -> None:
    pass
