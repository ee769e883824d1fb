"""The one digest and the one store: what a build worked out, kept by key for the next.

Every reuse key is a :class:`Digest` of what an entry is worked out from, and
every entry a build keeps for the next is in a :class:`PackStore`: search
records, rendered templates, and each site folder's build record.

A store is a folder of pack files. A pack is written once and never changed:
a line of JSON naming its entries (key, length of text, extra data), then
their texts one after the other. A build adds one pack of what it newly
worked out; once the packs hold half as much again as the last build used,
they are rewritten as one. Entries are read all at once when a store opens,
which is one sequential read however many there are.

Keys are digests of everything an entry was worked out from, so an entry
never goes stale: it is simply no longer asked for. Forked workers send back
the keys they used (``take_used``) and write what they added themselves
(``flush``), so the caller does not hold a second copy of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["DIGEST_SIZE", "Digest", "Entry", "PackStore", "code_digest", "digest"]

PACK = ".pack"
MAX_PACKS = 16  # packs before they are rewritten as one, whatever they hold
CROWD = 1 << 20  # characters the packs may hold beyond 1.5 times what a build used

DIGEST_SIZE = 16  # bytes: 32 hexadecimal characters
Entry = tuple[str, Any]  # (text, extra data that JSON can hold)


class Digest:
    """The one digest every reuse key is made with, for parts given one after another.

    Each part (text is taken as its UTF-8) is written after its length, so no two
    different lists of parts ever give the same bytes to hash: ``("ab", "c")``
    and ``("a", "bc")`` differ. Keys made of the same parts, wherever they are
    made, are equal; any change to a part gives another key.
    """

    __slots__ = ("_hash",)

    def __init__(self, *parts: str | bytes) -> None:
        self._hash = hashlib.blake2b(digest_size=DIGEST_SIZE)
        self.add(*parts)

    def add(self, *parts: str | bytes) -> Digest:
        update = self._hash.update
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            update(b"%d:" % len(data))
            update(data)
        return self

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def digest(*parts: str | bytes) -> str:
    """The digest of ``parts`` (see :class:`Digest`), as hexadecimal text."""
    return Digest(*parts).hexdigest()


def code_digest(name: str, files: Iterable[Path], packages: Iterable[str] = ()) -> str:
    """A digest of the code in ``files``, of Python's version, and of this package's and
    ``packages``' versions: the name of a store's folder, so that entries worked out by
    other code are never read.

    Folders among ``files`` (as a glob gives them) are passed over; a file that is not
    there is an error, not a store that would never see that code change.
    """
    versions = [sys.version]
    for package in ("opskb", *packages):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(package)
    code = Digest(name, *versions)
    for file in sorted(f for f in files if not f.is_dir()):
        code.add(file.name, file.read_bytes())
    return code.hexdigest()


class PackStore:
    """Entries by key: in memory, and in ``folder`` between processes (if given).

    ``folder`` is the store of one version of whatever writes it: its sibling
    folders (other versions) are removed when the store is saved.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.used: set[str] = set()
        self.fresh: dict[str, Entry] = {}  # added here since the last save or flush
        self._packs: list[Path] = []
        self._stored = 0  # characters of the entries in those files (``_size``)
        self._damaged = False
        if folder is not None:
            for pack in sorted(folder.glob(f"*{PACK}")):
                self._read(pack)

    def _read(self, pack: Path) -> None:
        try:
            data = pack.read_bytes()  # one read and one decode: a text stream is far slower
            line_end = data.index(b"\n")
            index = json.loads(data[:line_end])
            text = data[line_end + 1 :].decode("utf-8")
            position, found = 0, {}
            for key, length, extra in index:
                end = position + length
                found[str(key)] = (text[position:end], extra)
                position = end
            if position != len(text):
                raise ValueError("the pack's texts do not add up to its index")
        except (OSError, ValueError, TypeError):
            found, self._damaged = {}, True  # unreadable: the next save rewrites the packs
        self._packs.append(pack)
        self._stored += _size(found)
        self.entries.update(found)

    def get(self, key: str) -> Entry | None:
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: str, entry: Entry) -> None:
        self.entries[key] = self.fresh[key] = entry
        self.used.add(key)

    def take_used(self) -> set[str]:
        """The keys this process used since the last call (for a forked worker to send
        back), forgotten here."""
        used, self.used = self.used, set()
        return used

    def add_used(self, used: set[str]) -> None:
        self.used |= used

    def flush(self) -> None:
        """Write what this process added as a pack of its own (a forked worker, once done:
        the caller keeps the entries in the folder, not in its memory)."""
        if self.folder is not None and self.fresh:
            self._write(self.fresh)
        self.fresh = {}

    def save(self, *, rewrite: bool = False) -> None:
        """Keep what was used since the last save, and write what was added; with
        ``rewrite``, as one pack of just that (what was not used is then gone from disk too).

        Writing is skipped, silently, where the folder cannot be written.
        """
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        fresh = {k: v for k, v in self.fresh.items() if k in self.used}
        self.used, self.fresh = set(), {}
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            for other in self.folder.parent.iterdir():
                if other != self.folder and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
        crowded = self._stored + _size(fresh) > 1.5 * _size(self.entries) + CROWD
        if rewrite or crowded or self._damaged or len(self._packs) >= MAX_PACKS:
            old, self._packs, self._stored, self._damaged = self._packs, [], 0, False
            if self._write(self.entries):
                for pack in old:
                    with contextlib.suppress(OSError):
                        pack.unlink()
        elif fresh:
            self._write(fresh)

    def _write(self, entries: dict[str, Entry]) -> bool:
        assert self.folder is not None
        index = [[key, len(text), extra] for key, (text, extra) in sorted(entries.items())]
        pack = self.folder / f"{time.time_ns()}-{os.getpid()}{PACK}"
        temporary = pack.with_suffix(".tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(temporary, "w", encoding="utf-8", newline="") as file:
                file.write(json.dumps(index, ensure_ascii=False) + "\n")
                file.writelines(entries[key][0] for key, _, _ in index)
            os.replace(temporary, pack)
        except (OSError, TypeError, ValueError):
            with contextlib.suppress(OSError):
                temporary.unlink()
            return False
        self._packs.append(pack)
        self._stored += _size(entries)
        return True


def _size(entries: dict[str, Entry]) -> int:
    """About what entries take in a pack: their texts, and a little for each key."""
    return sum(len(text) + 64 for text, _ in entries.values())
