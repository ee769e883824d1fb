"""Sources: the one walk over a knowledge base's source folders.

Every stage that needs to know which files a knowledge base holds takes this
walk: loading (the documents and folder defaults to read), the search index
(the files it stamps to see what changed), link checking (the files a link
may point to) and the site engine (the other files it copies). So they agree
on what is there, and what the walk refuses none of them opens: a symbolic
link out of the knowledge base, a named pipe, socket or device (reading one
blocks or never ends), a name that is not UTF-8 (no page or link can name it).
"""

from __future__ import annotations

import operator
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..config import CONFIG_FILE, Settings
from ..names import is_markdown
from ..problems import Level, Problem
from .adoption import listed_extensions

__all__ = [
    "DEFAULTS_FILE",
    "SourceFile",
    "SourceTree",
    "relative_path",
    "walk_folder",
    "walk_sources",
]

DEFAULTS_FILE = "_defaults.yml"
_NAME = operator.attrgetter("name")
_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class SourceFile(NamedTuple):
    """One regular file the walk found (a tuple: a walk makes thousands)."""

    rel: str  # below the knowledge base root, forward slashes
    entry: os.DirEntry  # as the walk found it: its status is asked for once, if at all

    @property
    def path(self) -> Path:
        return Path(self.entry.path)

    def stamp(self) -> tuple[int, int]:
        """(modification time in ns, size in bytes). Raises OSError."""
        info = self.entry.stat()
        return info.st_mtime_ns, info.st_size


@dataclass
class SourceTree:
    """What a knowledge base's sources hold, each list in path order."""

    documents: list[SourceFile] = field(default_factory=list)  # Markdown files, and those
    # of the suffixes a folder's adoption map lists (``adopt: {extensions: [.txt]}``)
    defaults: list[SourceFile] = field(default_factory=list)  # ``_defaults.yml`` files
    files: list[SourceFile] = field(default_factory=list)  # others the site publishes
    problems: list[Problem] = field(default_factory=list)  # what was left out, and why


def walk_sources(settings: Settings) -> SourceTree:
    """Every source file of the knowledge base, and a problem for each one left out.

    Every symbolic link below the source folders is checked, not only those
    of documents: the site engine copies other files (images, attachments)
    into the site, and a link to ``/etc`` must not publish it.
    """
    root = settings.root.resolve()
    tree = SourceTree()
    extensions = _root_defaults(root, tree)
    folders = (
        ("docs_dir", settings.content_dir, "content"),
        ("runbooks_dir", settings.runbooks_dir, "runbooks"),
    )
    walked = set()
    for setting, top, example in folders:
        base = root / top
        if not _below(root, base) or base.resolve() == root:
            problem = Problem(
                CONFIG_FILE,
                0,
                f"{setting} '{top}' must be a folder inside the knowledge base",
                f"set {setting} to a sub-folder name such as '{example}'",
                key=setting,
                code="outside",
            )
            tree.problems.append(problem)
            continue
        if base.is_dir() and base not in walked:
            walked.add(base)
            _walk(root, str(base), relative_path(root, base), tree, extensions)
    return tree


def walk_folder(folder: Path, root: Path | None = None) -> list[SourceFile]:
    """Every file below ``folder`` that the walk of the sources would take, in path order
    (``rel`` below ``folder``), for the folders an engine reads beside the sources (a
    theme's ``custom_dir``): links are followed, or left out, as they are in the sources.
    ``root``: where links may lead (the knowledge base; by default ``folder`` itself)."""
    folder = folder.resolve()
    tree = SourceTree()
    if folder.is_dir():
        _walk((root or folder).resolve(), str(folder), "", tree, ())
    return sorted([*tree.documents, *tree.defaults, *tree.files], key=lambda f: f.rel)


def _walk(
    root: Path, folder: str, rel_folder: str, tree: SourceTree, extensions: tuple[str, ...]
) -> None:
    """``walk_sources`` in one folder: its files, then its folders. ``extensions``: the
    other suffixes read as documents here, from the defaults files above and in it.

    Plain strings, and the directory entries' own types: a file's status is
    asked for only when it is a link or of no ordinary type, so that a walk of
    10,000 documents stays a small part of what an up-to-date search costs.
    """
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=_NAME)
    except OSError as exc:
        tree.problems.append(
            Problem(
                rel_folder,
                0,
                f"cannot list the folder ({exc.strerror}): its files are left out",
                "check the folder's permissions",
                level=Level.WARNING,
                code="unreadable",
            )
        )
        return
    own = next((e for e in entries if e.name == DEFAULTS_FILE), None)
    if (
        own is not None
        and own.is_file()
        and _kind(root, own, f"{rel_folder}/{own.name}")[1] is None
    ):
        extensions = tuple(dict.fromkeys((*extensions, *listed_extensions(Path(own.path)))))
    folders = []
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            continue
        rel = f"{rel_folder}/{name}" if rel_folder else name
        if name.isascii() and not entry.is_symlink() and entry.is_file():
            kind, problem = "file", None  # most entries: told apart without a look-up
        else:
            kind, problem = _kind(root, entry, rel)
        if problem is not None:
            tree.problems.append(problem)
        elif kind == "folder":
            folders.append((entry.path, rel))
        elif name == DEFAULTS_FILE:
            tree.defaults.append(SourceFile(rel, entry))
        elif is_markdown(name) or (extensions and name.endswith(extensions)):
            tree.documents.append(SourceFile(rel, entry))
        else:
            tree.files.append(SourceFile(rel, entry))
    for path, rel in folders:
        _walk(root, path, rel, tree, extensions)


def _kind(root: Path, entry: os.DirEntry, rel: str) -> tuple[str, Problem | None]:
    """``"folder"`` or ``"file"``, or the problem that leaves ``entry`` out."""
    if not _is_utf8(entry.name):
        return "", _not_utf8(entry, rel)
    if entry.is_symlink():
        problem = _link_problem(root, Path(entry.path), rel)
        if problem is not None:
            return "", problem
    try:
        if entry.is_dir():
            return "folder", None
        if entry.is_file():
            return "file", None
        mode = entry.stat().st_mode
    except OSError as exc:
        return "", Problem(
            rel,
            0,
            f"cannot read file: {exc.strerror}",
            "check the file's permissions",
            code="unreadable",
        )
    what = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
    return "", Problem(
        rel,
        0,
        f"{what}, not a file: left out unread (reading it could block forever)",
        "remove it from the knowledge base's folders",
        level=Level.WARNING,
        code="special-file",
    )


def _is_utf8(name: str) -> bool:
    if name.isascii():
        return True
    try:
        name.encode("utf-8")  # a byte that is not UTF-8 is read as a lone surrogate
    except UnicodeEncodeError:
        return False
    return True


def _not_utf8(entry: os.DirEntry, rel: str) -> Problem:
    raw = os.fsencode(entry.name)
    shown = raw.decode("utf-8", "backslashreplace")
    try:
        raw.decode("utf-8")
        bad = 0
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
    folder = entry.is_dir(follow_symlinks=False)
    what = "folder" if folder else "file"
    left_out = "its files are left out" if folder else "it is left out"
    return Problem(
        rel.rsplit("/", 1)[0] + "/" + shown,
        0,
        f"the {what} name is not UTF-8 (byte 0x{bad:02x}): no page or link can name it, "
        f"so {left_out}",
        f"rename the {what} using UTF-8 characters",
        code="encoding",
    )


def _below(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _link_problem(root: Path, path: Path, rel: str) -> Problem | None:
    """Why a symbolic link is left out: it leads out of the knowledge base, to nothing,
    round in a loop, or to a folder (documents are read at their real place only)."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return Problem(
            rel,
            0,
            "symbolic link to nothing (its target is missing): left out",
            "remove the link, or restore what it points to",
            level=Level.WARNING,
            code="dangling-link",
        )
    except (OSError, RuntimeError):  # a link to itself; Python 3.11 raises RuntimeError
        return _loop(rel, "symbolic link loop: the link never reaches a file")
    try:
        target.relative_to(root)
    except ValueError:
        return Problem(
            rel,
            0,
            "symbolic link points outside the knowledge base; it would publish what it points to",
            "copy the file or folder into the knowledge base instead",
            code="outside",
        )
    if not target.is_dir():
        return None
    holder = path.parent.resolve()
    if target == holder or target in holder.parents:
        return _loop(rel, "symbolic link loop: the link is to a folder holding it")
    return Problem(
        rel,
        0,
        "symbolic link to a folder: opskb reads the documents at their real place only",
        "remove the link, or move the folder here",
        level=Level.WARNING,
        code="folder-link",
    )


def _loop(rel: str, message: str) -> Problem:
    return Problem(
        rel,
        0,
        message + " (a site engine would follow it round and round): left out",
        "remove the link",
        level=Level.WARNING,
        code="link-loop",
    )


def _root_defaults(root: Path, tree: SourceTree) -> tuple[str, ...]:
    """The knowledge base root's own ``_defaults.yml``: it applies below it too, and
    so do the extensions its adoption map lists."""
    if not os.path.lexists(root / DEFAULTS_FILE):
        return ()
    try:
        with os.scandir(root) as found:
            entry = next((e for e in found if e.name == DEFAULTS_FILE), None)
    except OSError:
        return ()
    if entry is None:
        return ()
    kind, problem = _kind(root, entry, DEFAULTS_FILE)
    if problem is not None:
        tree.problems.append(problem)
    elif kind == "file":
        tree.defaults.append(SourceFile(DEFAULTS_FILE, entry))
        return listed_extensions(Path(entry.path))
    return ()


def relative_path(root: Path, path: Path) -> str:
    """``path`` below ``root`` with forward slashes (without pathlib's parsing)."""
    text, base = str(path), str(root) + os.sep
    if text.startswith(base):
        return text[len(base) :].replace(os.sep, "/")
    return path.relative_to(root).as_posix()
