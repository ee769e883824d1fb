"""The terminal search index brought up to date after a build, without holding it up.

``opskb search`` right after ``opskb build`` should need no indexing, but the
site has no use for this index (look-alikes are scored from the search
records, see ``related``), and writing it is a quarter of a build's CPU time.
So the build hands the update to a detached process of low priority that
starts writing once the build is done, so that its memory never adds to the
build's, and finishes after the build has returned.

The process is forked before it knows what to index (``start_index_update``
without a catalogue, at the start of ``opskb build``) and loads the
knowledge base itself once the build is done, from the loads the build kept:
forked later, from a build holding thousands of pages, it kept a snapshot of
the build's memory while it waited (130 MB at the peak of a build of 10,000
documents). The build takes the index's writer lock before it forks and the
detached process keeps it, so a search started meanwhile waits for the index
(``SearchIndex.refresh``) instead of writing its own. The store publishes a
generation with one atomic swap (``store``): an update cut short leaves the
last one searchable, and the next search refreshes what is missing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from .. import executor as workers
from .index import SearchIndex

__all__ = ["BACKGROUND_NICE", "Release", "start_index_update"]

BACKGROUND_NICE = 19  # the build's own processes first


def start_index_update(root: Path, catalog=None) -> Callable[[], None] | None:
    """Bring the search index of ``root`` up to date with ``catalog`` once the build is done.

    On Linux a detached process writes the index. It waits until the
    returned ``done`` is called (or this process ends), so that its memory
    never adds to the build's; the lock it holds meanwhile makes a search
    wait for it. Without ``catalog`` it loads the knowledge base itself, once
    ``done`` was called (a build that ended before, failed, indexes nothing).
    Elsewhere the update is done before this returns (raising ``OSError`` when
    it fails), and nothing is started without ``catalog``. ``None`` when
    another writer holds the index (the next search refreshes it), or nothing
    was started.
    """
    if catalog is None and not workers.can_fork():
        return None  # the caller starts one with its catalogue, once it has it
    lock = SearchIndex.open(root).store.try_lock()
    if lock is None:
        return None
    wait, done = os.pipe()  # the build holds ``done`` open until it is over

    def update() -> None:
        asked = b""
        while chunk := os.read(wait, 1):  # b"" once every copy of ``done`` is closed
            asked += chunk
        if catalog is None and not asked:
            return  # the build ended before it knew what to index
        _update(root, catalog if catalog is not None else _loaded(root), lock)

    with lock:  # here: the detached process holds its own copy of the lock
        keep = [lock.fileno(), wait]
        detached = workers.detach(update, nice=BACKGROUND_NICE, keep=keep)
        os.close(wait)
        if not detached:
            os.close(done)
            if catalog is None:
                return None  # nothing started: the caller starts one with its catalogue
            _update(root, catalog, lock)
            return _nothing
    return Release(done, b"go" if catalog is None else b"")


def _loaded(root: Path):
    from ..pipeline import load_kb

    return load_kb(root, workers=1, kept=True).catalog


def _update(root: Path, catalog, lock) -> None:
    index = SearchIndex.open(root)
    index.store.adopt(lock)
    index.update(catalog)


class Release:
    """Called: the build is done, the detached update may start (``say`` tells it so
    when it loads what it indexes). ``abandon``: the build ended before, and the update
    is not to run; either, once."""

    def __init__(self, fd: int, say: bytes) -> None:
        self._fd: int | None = fd
        self._say = say

    def __call__(self) -> None:
        self._end(self._say)

    def abandon(self) -> None:
        self._end(b"")

    def _end(self, say: bytes) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            if say:
                os.write(fd, say)
            os.close(fd)


def _nothing() -> None:
    pass
