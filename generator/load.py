"""Load: read every source file of a knowledge base into raw documents.

Reading never fails on bad input. A file that cannot be read as a document
(bytes that are not UTF-8, broken YAML, a front matter that is not a mapping)
still yields a :class:`RawDocument` marked ``broken`` plus the problems, so no
document is ever silently dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from .config import Settings
from .problems import Problem

__all__ = ["KeyLines", "RawDocument", "iter_sources", "load_all", "load_document", "split"]

MAX_BYTES = 20 * 1024 * 1024
MAX_VALUES = 20_000  # values a front matter may expand to (guards against alias bombs)
DEFAULTS_FILE = "_defaults.yml"

_HANDLER = frontmatter.YAMLHandler()
_FENCE = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)
_TOP_KEY = re.compile(r"^([^\s#:\-][^:]*?)\s*:(?:\s|$)")


class KeyLines:
    """Finds the line of a front-matter key, so problems can name it."""

    def __init__(self, lines: list[str], first_line: int) -> None:
        self._lines = lines
        self._first = first_line
        self.top: dict[str, int] = {}
        self.duplicates: list[tuple[str, int, int]] = []
        for index, line in enumerate(lines):
            match = _TOP_KEY.match(line)
            if match:
                key = match.group(1).strip("'\"")
                if key in self.top:
                    self.duplicates.append((key, self.top[key], first_line + index))
                self.top[key] = first_line + index

    def line(self, key: str, *inner: str | int) -> int:
        """The line of ``key`` (and, best effort, of a nested key below it)."""
        start = self.top.get(key)
        if start is None:
            return self._first - 1 if self._first > 1 else 0
        index = start - self._first
        for part in inner:
            if isinstance(part, int):
                seen = -1
                for j in range(index + 1, len(self._lines)):
                    if self._lines[j].lstrip().startswith("- "):
                        seen += 1
                        if seen == part:
                            index = j
                            break
                continue
            pattern = re.compile(rf"(^|[\s{{,])['\"]?{re.escape(str(part))}['\"]?\s*:")
            for j in range(index, len(self._lines)):
                if j > index and self._lines[j] and not self._lines[j][0].isspace():
                    break
                if pattern.search(self._lines[j]):
                    index = j
                    break
        return self._first + index


@dataclass
class RawDocument:
    path: str  # relative to the knowledge base root, forward slashes
    meta: dict[str, Any]
    body: str
    body_line: int
    lines: KeyLines
    defaults: dict[str, Any] = field(default_factory=dict)
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


def _count_values(value: Any, budget: int) -> int:
    """Counts values without de-duplicating aliases; stops once over ``budget``."""
    stack = [value]
    count = 0
    while stack:
        item = stack.pop()
        count += 1
        if count > budget:
            return count
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return count


def _yaml_problem(path: str, exc: yaml.YAMLError, first_line: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = first_line + mark.line if mark is not None else first_line
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    hint = "fix the YAML syntax; quote values that contain ': ' or start with a special character"
    if "\t" in str(exc) or "'\\t'" in str(exc):
        hint = "indent YAML with spaces, not tabs"
    return Problem(path, line, f"front matter is not valid YAML: {what}", hint, code="yaml")


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
        return RawDocument(path, {}, text, 1, KeyLines([], 1), broken=True), problems
    if fm is None:
        return RawDocument(path, {}, body, body_line, KeyLines([], 1)), problems
    key_lines = KeyLines(fm.split("\n"), fm_line)
    try:
        meta = _HANDLER.load(fm) if fm.strip() else {}
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(path, exc, fm_line))
        return RawDocument(path, {}, body, body_line, key_lines, broken=True), problems
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        problems.append(
            Problem(
                path,
                fm_line,
                f"front matter could not be read: {exc}",
                "fix the value on that line",
                code="yaml",
            )
        )
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
    if _count_values(meta, MAX_VALUES) > MAX_VALUES:
        problems.append(
            Problem(
                path,
                fm_line,
                f"front matter expands to more than {MAX_VALUES:,} values (YAML aliases?)",
                "remove the anchors and aliases (& and *)",
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


def load_document(
    root: Path, file: Path, defaults: dict[str, Any] | None = None
) -> tuple[RawDocument, list[Problem]]:
    rel = file.relative_to(root).as_posix()
    empty = RawDocument(rel, {}, "", 1, KeyLines([], 1), broken=True)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            return empty, [
                Problem(
                    rel,
                    0,
                    f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB",
                    "split it into smaller documents",
                    code="too-large",
                )
            ]
        data = file.read_bytes()
    except OSError as exc:
        return empty, [
            Problem(
                rel,
                0,
                f"cannot read file: {exc.strerror}",
                "check the file's permissions",
                code="unreadable",
            )
        ]
    text, problems = _decode(rel, data)
    if text is None:
        return empty, problems
    raw, problems = parse_text(rel, text)
    raw.defaults = defaults or {}
    return raw, problems


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


def iter_sources(settings: Settings) -> Iterator[tuple[Path, list[Problem]]]:
    """Every Markdown source file, sorted, with problems about links that leave the KB."""
    root = settings.root.resolve()
    for top in (settings.content_dir, settings.runbooks_dir):
        base = root / top
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            here = Path(folder)
            for name in sorted(files):
                if not name.endswith(".md") or name.startswith("."):
                    continue
                file = here / name
                if file.is_symlink() and not _inside(root, file):
                    rel = file.relative_to(root).as_posix()
                    yield (
                        file,
                        [
                            Problem(
                                rel,
                                0,
                                "symbolic link points outside the knowledge base",
                                "copy the document into the knowledge base instead",
                                code="outside",
                            )
                        ],
                    )
                    continue
                yield file, []


class _Defaults:
    """``_defaults.yml`` values per folder, merged from the top folder down."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, dict[str, Any]] = {}
        self.problems: list[Problem] = []

    def for_folder(self, folder: Path) -> dict[str, Any]:
        if folder in self._cache:
            return self._cache[folder]
        parent: dict[str, Any] = {}
        if folder != self.root and self.root in folder.parents:
            parent = self.for_folder(folder.parent)
        merged = dict(parent)
        file = folder / DEFAULTS_FILE
        if file.is_file():
            rel = file.relative_to(self.root).as_posix()
            try:
                data = yaml.load(
                    file.read_text(encoding="utf-8-sig"),
                    Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader,
                )
            except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
                mark = getattr(exc, "problem_mark", None)
                self.problems.append(
                    Problem(
                        rel,
                        mark.line + 1 if mark else 0,
                        f"folder defaults are not valid YAML: {exc}",
                        "fix the YAML syntax",
                        code="yaml",
                    )
                )
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
            elif _count_values(data, MAX_VALUES) > MAX_VALUES:
                self.problems.append(
                    Problem(
                        rel,
                        1,
                        "folder defaults expand to too many values",
                        "remove YAML anchors and aliases",
                        code="yaml",
                    )
                )
                data = {}
            merged.update({str(k): v for k, v in data.items()})
        self._cache[folder] = merged
        return merged


def load_all(settings: Settings) -> tuple[list[RawDocument], list[Problem]]:
    """Every source document of the knowledge base, in path order, and problems."""
    root = settings.root.resolve()
    defaults = _Defaults(root)
    documents: list[RawDocument] = []
    problems: list[Problem] = []
    for file, found in iter_sources(settings):
        problems.extend(found)
        if found:
            continue
        raw, found = load_document(root, file, defaults.for_folder(file.parent))
        documents.append(raw)
        problems.extend(found)
    problems.extend(defaults.problems)
    return documents, problems
