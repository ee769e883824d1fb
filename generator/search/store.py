"""Index storage: generations of the index in the cache folder, swapped atomically.

Each update writes a new generation folder (hard links to the unchanged
segment files of the previous one, new files for what changed) and then
points ``CURRENT`` at it with one ``os.replace``. A search that started
before the swap keeps reading the generation it opened, so a rebuild never
breaks a search running beside it; the generation before the current one is
kept for such readers, older ones are removed. Writers take a file lock, so
two builds never write at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["IndexStore", "link_or_copy", "write_atomically"]

POINTER = "CURRENT"
MANIFEST = "opskb-manifest.json"
DIGESTS = "opskb-digests.json"
LOCK = "write.lock"
PREFIX = "gen-"
KEEP = 2  # the current generation and the one before it

try:  # POSIX; elsewhere writers are not serialised (single-user use)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None


class IndexStore:
    """The folder holding the index's generations."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._held: BinaryIO | None = None  # the writer's lock, taken over from the caller

    def current(self) -> Path | None:
        """The folder of the generation searches read now, if any."""
        try:
            name = (self.folder / POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if not name.startswith(PREFIX) or "/" in name or "\\" in name:
            return None
        folder = self.folder / name
        return folder if folder.is_dir() else None

    def manifest(self, generation: Path | None = None, *, digests: bool = False) -> dict[str, Any]:
        """What a generation records about its sources; ``{}`` when unreadable.

        The documents' digests, needed only to write, sit in a file of their
        own so that the check before every search reads half as much.
        """
        generation = generation or self.current()
        if generation is None:
            return {}
        data = _read_json(generation / MANIFEST)
        if digests and data:
            data["digests"] = _read_json(generation / DIGESTS)
        return data

    def write_manifest(self, generation: Path, data: dict[str, Any]) -> None:
        data = dict(data)
        if "digests" in data:
            write_atomically(generation / DIGESTS, json.dumps(data.pop("digests"), sort_keys=True))
        write_atomically(generation / MANIFEST, json.dumps(data, sort_keys=True))

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer's lock (waits for another writer to finish)."""
        if self._held is not None:
            yield  # this process was handed the lock (see ``adopt``)
            return
        with self._lock_file() as handle:
            _flock(handle, "LOCK_EX")
            try:
                yield
            finally:
                _flock(handle, "LOCK_UN")

    def try_lock(self) -> BinaryIO | None:
        """The writer's lock, taken without waiting: an open file to pass to ``adopt``
        in the process that will write (closing it releases the lock once no process
        holds it open), or ``None`` while another writer has it."""
        handle = self._lock_file()
        try:
            _flock(handle, "LOCK_EX", wait=False)
        except BlockingIOError:
            handle.close()
            return None
        return handle

    def adopt(self, handle: BinaryIO) -> None:
        """Write under a lock taken by ``try_lock`` (possibly before this process forked)."""
        self._held = handle

    def wait_for_writer(self, on_wait: Callable[[], object] | None = None) -> None:
        """Return once no writer holds the lock, calling ``on_wait`` first if one does."""
        if self._held is not None or not (self.folder / LOCK).exists():
            return
        with self._lock_file() as handle:
            try:
                _flock(handle, "LOCK_SH", wait=False)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                _flock(handle, "LOCK_SH")
            _flock(handle, "LOCK_UN")

    def _lock_file(self) -> BinaryIO:
        self.folder.mkdir(parents=True, exist_ok=True)
        return open(self.folder / LOCK, "a+b")

    def next_generation(self, copy_current: bool) -> Path:
        """A new, unpublished generation folder; a copy of the current one if asked."""
        numbers = [
            int(p.name[len(PREFIX) :])
            for p in self.folder.glob(PREFIX + "*")
            if p.name[len(PREFIX) :].isdigit()
        ]
        folder = self.folder / f"{PREFIX}{max(numbers, default=0) + 1:06d}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        current = self.current()
        if copy_current and current is not None:
            for file in current.iterdir():
                if file.is_file() and not file.name.endswith(".lock"):
                    link_or_copy(file, folder / file.name)
        return folder

    def publish(self, generation: Path) -> None:
        """Make ``generation`` the one searches read, then drop generations nobody needs."""
        write_atomically(self.folder / POINTER, generation.name)
        self.prune(keep_also=generation)

    def discard(self, generation: Path) -> None:
        shutil.rmtree(generation, ignore_errors=True)

    def prune(self, keep_also: Path | None = None) -> None:
        generations = sorted(
            (p for p in self.folder.glob(PREFIX + "*") if p.is_dir()), key=lambda p: p.name
        )
        keep = set(generations[-KEEP:])
        if keep_also is not None:
            keep.add(keep_also)
        for old in generations:
            if old not in keep:
                shutil.rmtree(old, ignore_errors=True)


def _flock(handle: BinaryIO, operation: str, *, wait: bool = True) -> None:
    if fcntl is not None:
        flags = getattr(fcntl, operation) | (0 if wait else fcntl.LOCK_NB)
        fcntl.flock(handle.fileno(), flags)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A copy of a file that is never changed once written (index segments, search page
    bundles): a hard link where the file system allows one."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_atomically(path: Path, text: str) -> None:
    """``text`` at ``path`` at once: a reader sees the old file or the new one, whole."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
