"""Load: read every document the walk of the sources (``sources.py``) found into raw documents.

Reading never fails on bad input. A file that cannot be read as a document
(bytes that are not UTF-8, broken YAML, a front matter that is not a mapping)
still yields a :class:`RawDocument` marked ``broken`` plus the problems, so no
document is ever silently dropped.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..config import Settings
from ..packs import Digest
from ..problems import Problem
from .adoption import ADOPT_KEY, MAX_DEFAULTS_BYTES, Inherited, read_adoption
from .key_lines import KeyLines
from .walk import DEFAULTS_FILE, SourceFile, SourceTree, relative_path
from .yaml_reader import read_yaml

__all__ = [
    "FolderDefaults",
    "LoadCache",
    "RawDocument",
    "load_all",
    "load_document",
    "split",
]

MAX_BYTES = 20 * 1024 * 1024

T = TypeVar("T")

_FENCE = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)


@dataclass
class RawDocument:
    path: str  # relative to the knowledge base root, forward slashes
    meta: dict[str, Any]
    body: str
    body_line: int
    lines: KeyLines
    defaults: dict[str, Any] = field(default_factory=dict)
    inherited: Inherited = field(default_factory=Inherited)  # where the defaults came from
    broken: bool = False  # the file could not be read as a document


def split(text: str) -> tuple[str | None, int, str, int]:
    """Split ``text`` into (front matter, its first line, body, body's first line).

    Front matter is ``None`` when the file has none. Raises ``ValueError`` when
    a front matter is opened but never closed.
    """
    if not _FENCE.match(text):
        return None, 0, text, 1
    first = _FENCE.match(text)
    closing = _FENCE.search(text, first.end() + 1) if first.end() < len(text) else None
    if closing is None:
        raise ValueError("unclosed")
    fm = text[first.end() + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return fm, 2, text[body_start:], body_line


def parse_text(path: str, text: str) -> tuple[RawDocument, list[Problem]]:
    """Parse a decoded document. Never raises."""
    problems: list[Problem] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        fm, fm_line, body, body_line = split(text)
    except ValueError:
        problems.append(
            Problem(
                path,
                1,
                "front matter is opened with '---' but never closed",
                "add a line '---' after the last front-matter key",
                code="yaml",
            )
        )
        return RawDocument(path, {}, text, 1, KeyLines("", 1), broken=True), problems
    if fm is None:
        return RawDocument(path, {}, body, body_line, KeyLines("", 1)), problems
    key_lines = KeyLines(fm, fm_line)
    meta, problem = read_yaml(path, fm, fm_line) if fm.strip() else ({}, None)
    if problem is not None:
        problems.append(problem)
        return RawDocument(path, {}, body, body_line, key_lines, broken=True), problems
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a single {type(meta).__name__} value"
        problems.append(
            Problem(
                path,
                fm_line,
                f"front matter is {kind}, not a set of keys",
                "write one 'key: value' per line, e.g. 'title: Reset a password'",
                code="yaml",
            )
        )
        return RawDocument(path, {}, body, body_line, key_lines, broken=True), problems
    for key, first, again in key_lines.duplicates:
        problems.append(
            Problem(
                path,
                again,
                f"key '{key}' is set twice (lines {first} and {again})",
                "keep one of them",
                key=key,
                code="duplicate-key",
            )
        )
    meta = {str(k): v for k, v in meta.items()}
    return RawDocument(path, meta, body, body_line, key_lines), problems


def _decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(
                path,
                line,
                f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                "save the file with UTF-8 encoding",
                code="encoding",
            )
        ]


def _read_bytes(file: Path, limit: int = MAX_BYTES) -> bytes | int:
    """The file's bytes, or its size when that is over ``limit``. Raises OSError.

    Opened without blocking and read only when it is a regular file: the walk
    leaves special files out, and one put in a file's place since is refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(file, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        size = info.st_size
        if size > limit:
            return size
        data = os.read(fd, size + 1)  # one byte more: a file that grew since is read on
        while len(data) > size and len(data) <= limit:
            more = os.read(fd, 1 << 16)
            if not more:
                break
            data += more
        return len(data) if len(data) > limit else data
    finally:
        os.close(fd)


def _unread(rel: str) -> RawDocument:
    """What stands for a file that could not be read, so that it is never silently dropped."""
    return RawDocument(rel, {}, "", 1, KeyLines("", 1), broken=True)


def load_document(
    root: Path,
    file: Path,
    defaults: dict[str, Any] | None = None,
    inherited: Inherited | None = None,
) -> tuple[RawDocument, list[Problem]]:
    rel = relative_path(root, file)
    try:
        data = _read_bytes(file)
    except OSError as exc:
        return _unread(rel), [
            Problem(
                rel,
                0,
                f"cannot read file: {exc.strerror}",
                "check the file's permissions",
                code="unreadable",
            )
        ]
    if isinstance(data, int):
        return _unread(rel), [
            Problem(
                rel,
                0,
                f"file is {data / 2**20:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB",
                "split it into smaller documents",
                code="too-large",
            )
        ]
    text, problems = _decode(rel, data)
    if text is None:
        return _unread(rel), problems
    raw, problems = parse_text(rel, text)
    raw.defaults = defaults or {}
    raw.inherited = inherited or raw.inherited
    return raw, problems


class FolderDefaults:
    """``_defaults.yml`` values per folder, merged from the top folder down.

    Only the defaults files the walk found are read (``files``: their paths
    below ``root``), each once, whatever the number of documents below it.
    """

    def __init__(self, root: Path, files: Iterable[str]) -> None:
        self.root = root
        self._files = set(files)
        self._cache: dict[Path, tuple[dict[str, Any], str, Inherited]] = {}
        self.problems: list[Problem] = []

    @staticmethod
    def _read(rel: str, file: Path) -> tuple[Any, bytes, Problem | None]:
        try:
            data = _read_bytes(file, MAX_DEFAULTS_BYTES)
        except OSError as exc:
            problem = Problem(
                rel,
                0,
                f"cannot read file: {exc.strerror}",
                "check the file's permissions",
                code="unreadable",
            )
            return None, b"", problem
        if isinstance(data, int):
            problem = Problem(
                rel,
                0,
                f"folder defaults file is {data:,} bytes; the limit is "
                f"{MAX_DEFAULTS_BYTES // 2**20} MiB ({MAX_DEFAULTS_BYTES:,} bytes): "
                "it is not read, so its keys do not apply",
                "keep in it only the keys its documents share, and long text in the documents",
                code="too-large",
            )
            return None, str(data).encode(), problem
        text, problems = _decode(rel, data)
        if text is None:
            return None, data, problems[0]
        found, problem = read_yaml(rel, text.replace("\r\n", "\n"), 1, DEFAULTS_FILE)
        return found, data, problem

    def for_folder(self, folder: Path) -> dict[str, Any]:
        """The defaults that apply to the documents in ``folder``."""
        return self._merged(folder)[0]

    def digest(self, folder: Path) -> str:
        """A digest of every defaults file that applies in ``folder``, worked out once."""
        return self._merged(folder)[1]

    def inherited(self, folder: Path) -> Inherited:
        """Where the defaults of ``folder`` were set, and its adoption map."""
        return self._merged(folder)[2]

    def _merged(self, folder: Path) -> tuple[dict[str, Any], str, Inherited]:
        if folder in self._cache:
            return self._cache[folder]
        parent: dict[str, Any] = {}
        parent_digest = ""
        inherited = Inherited()
        if folder != self.root and self.root in folder.parents:
            parent, parent_digest, inherited = self._merged(folder.parent)
        merged, digest = parent, parent_digest
        file = folder / DEFAULTS_FILE
        rel = file.relative_to(self.root).as_posix() if self._files else ""
        if rel in self._files:
            data, read, problem = self._read(rel, file)
            if problem is not None:
                self.problems.append(problem)
                data = {}
            if data is None:
                data = {}
            if not isinstance(data, dict):
                self.problems.append(
                    Problem(
                        rel,
                        1,
                        "folder defaults must be a set of keys",
                        "write one 'key: value' per line",
                        code="yaml",
                    )
                )
                data = {}
            own = {str(k): v for k, v in data.items()}
            lines = KeyLines(read.decode("utf-8-sig", "replace").replace("\r\n", "\n"), 1)
            adoption = read_adoption(own.pop(ADOPT_KEY, None), rel, lines, self.problems)
            inherited = inherited.below(rel, own, lines, adoption)
            merged = {**parent, **own}
            digest = Digest(parent_digest, rel, read).hexdigest()
        self._cache[folder] = (merged, digest, inherited)
        return merged, digest, inherited


class LoadCache:
    """Files a caller keeps loaded between loads (the live preview), and what checked them.

    ``files`` maps each file to (its stat and folder defaults, what loading it
    gave); results made under other settings, or another context of the
    check (today's date), are dropped. ``flavoured``: each body's digest, the
    body with other tools' Markdown read (``None``: alike) (``pipeline.py``).
    ``changed``: since it was made or saved (``kept_loads.py``).
    """

    def __init__(self) -> None:
        self.files: dict[str, tuple[tuple | None, Any]] = {}  # by path as text: kept
        # between commands, a text unpickles and hashes faster than a Path
        self.flavoured: dict[str, str | None] = {}
        self.made_under: tuple[Settings, Hashable] | None = None
        self.changed = False


def _unchanged_key(source: SourceFile, defaults_digest: str) -> tuple | None:
    try:
        info = source.entry.stat()
    except OSError:
        return None
    # the change time too: a copy that keeps the modification time and size is seen
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, defaults_digest)


def load_all(
    settings: Settings,
    sources: SourceTree,
    cache: LoadCache | None = None,
    workers: int = 1,
    check: Callable[[RawDocument], tuple[T, list[Problem]]] | None = None,
    context: Hashable = None,
) -> tuple[list[tuple[RawDocument, T | None]], list[Problem]]:
    """Every document the walk of the sources found, in path order, and problems.

    ``check`` (validation) is called on each document in the process that read
    it, so that it is shared too; each document comes with what it returned.
    ``context`` is what else ``check`` depends on (today's date, say).
    ``cache``, kept by a caller between loads (the live preview), skips reading
    files whose size, modification time and folder defaults are unchanged;
    ``workers`` processes share the reading (see ``fork_map``).
    """
    from ..fork_map import fork_map

    root = settings.root.resolve()
    defaults = FolderDefaults(root, (source.rel for source in sources.defaults))
    entries: list[tuple[Path, dict[str, Any], tuple | None, Inherited]] = []
    problems: list[Problem] = []
    for source in sources.documents:
        file = source.path
        folder_defaults = defaults.for_folder(file.parent)
        key = _unchanged_key(source, defaults.digest(file.parent)) if cache is not None else None
        entries.append((file, folder_defaults, key, defaults.inherited(file.parent)))

    def read(entry: tuple[Path, dict[str, Any], tuple | None, Inherited]):
        raw, found = load_document(root, entry[0], entry[1], entry[3])
        if check is None:
            return raw, None, found
        checked, more = check(raw)
        return raw, checked, found + more

    if cache is None:
        results = fork_map(read, entries, workers)
    else:
        if cache.made_under != (settings, context):
            cache.files.clear()
            cache.made_under = (settings, context)
            cache.changed = True
        kept = cache.files
        names = [str(e[0]) for e in entries]
        fresh = [
            e
            for e, n in zip(entries, names, strict=True)
            if e[2] is None or kept.get(n, (None,))[0] != e[2]
        ]
        for (file, _, key, _), result in zip(fresh, fork_map(read, fresh, workers), strict=True):
            kept[str(file)] = (key, result)
        results = [kept[name][1] for name in names]
        gone = kept.keys() - set(names)
        for file in gone:
            del kept[file]
        cache.changed = cache.changed or bool(fresh or gone)
    documents: list[tuple[RawDocument, T | None]] = []
    for raw, checked, found in results:
        documents.append((raw, checked))
        problems.extend(found)
    problems.extend(defaults.problems)
    return documents, problems
