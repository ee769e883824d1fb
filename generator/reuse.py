"""Reuse: a page whose Markdown and surroundings did not change keeps its last HTML.

Turning Markdown into HTML and putting it in the theme is most of a build.
Our stages are cheap, so every build renders every page's Markdown again;
a page whose Markdown, navigation, configuration and theme are byte-for-byte
what the previous build of the same site folder saw would come out the same,
so its HTML is taken from that site instead of being rendered. One edited
runbook therefore costs its own page and the generated pages that show it
(the tier's playbook, its system page, …): their Markdown changed too.

A :class:`BuildRecord` (one digest per page, plus one for everything else that
reaches a page) is kept per site folder in the cache folder, written only
after the site it describes is in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .sources.walk import walk_folder

__all__ = [
    "BuildRecord",
    "Digest",
    "context_digest",
    "digest",
    "forget_record",
    "load_record",
    "reusable_pages",
    "save_record",
]

RECORD_VERSION = 1
DIGEST_SIZE = 16  # bytes: 32 hexadecimal characters
ENGINE_PACKAGES = ("material", "mkdocs")  # their versions are part of every digest


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


@dataclass
class BuildRecord:
    """What one build put in one site folder: a digest per page and of its context."""

    context: str
    pages: dict[str, str] = field(default_factory=dict)  # src_uri → digest of its Markdown


def _tree_stamp(folder: Path) -> list[tuple[str, int, int]] | str:
    """Every file below ``folder`` with its size and modification time; for a theme
    installed with a program whose version the digest holds, the program's name."""
    for package in ENGINE_PACKAGES:
        home = _package_folder(package)
        if home is not None and home in (folder, *folder.parents):
            return package  # Material ships some 15,000 files: its version says it all
    stamp = []
    for file in walk_folder(folder):  # what the theme offers, as the staged tree copies it
        try:
            modified, size = file.stamp()
        except OSError:
            continue
        stamp.append((file.rel, size, modified))
    return stamp


def _package_folder(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    locations = spec.submodule_search_locations if spec is not None else None
    return Path(locations[0]).resolve() if locations else None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def context_digest(config_file: Path, nav: Any, theme_dirs: Iterable[str], **extra: Any) -> str:
    """A digest of everything besides its own Markdown that shapes a page's HTML.

    The configuration file, the whole navigation (themes print it on every
    page), every theme file, and the versions of the programs involved.
    """
    parts: dict[str, Any] = {
        "config": digest(config_file.read_bytes()) if config_file.is_file() else "",
        "nav": nav,
        "themes": [(d, _tree_stamp(Path(d).resolve())) for d in theme_dirs],
        "versions": [_version(p) for p in ("opskb", "mkdocs", "mkdocs-material", "markdown")],
        "extra": extra,
    }
    return digest(json.dumps(parts, sort_keys=True, default=str))


def _record_file(cache_dir: Path, site_dir: Path) -> Path:
    return cache_dir / f"pages-{digest(str(site_dir.resolve()))[:16]}.json"


def load_record(cache_dir: Path, site_dir: Path) -> BuildRecord | None:
    """The record of the build now in ``site_dir``, if there is a readable one."""
    try:
        data = json.loads(_record_file(cache_dir, site_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        return None
    pages = data.get("pages")
    if not isinstance(pages, dict) or not isinstance(data.get("context"), str):
        return None
    return BuildRecord(data["context"], {str(k): str(v) for k, v in pages.items()})


def save_record(cache_dir: Path, site_dir: Path, record: BuildRecord) -> None:
    """Remember what is now in ``site_dir``; a cache that cannot be written is skipped."""
    data = {"version": RECORD_VERSION, "context": record.context, "pages": record.pages}
    target = _record_file(cache_dir, site_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass


def forget_record(cache_dir: Path, site_dir: Path) -> None:
    """Drop the record of ``site_dir`` before its content changes."""
    with contextlib.suppress(OSError):
        _record_file(cache_dir, site_dir).unlink()


def reusable_pages(previous: BuildRecord | None, current: BuildRecord) -> set[str]:
    """The pages whose previous HTML is what this build would write."""
    if previous is None or previous.context != current.context:
        return set()
    return {uri for uri, sha in current.pages.items() if previous.pages.get(uri) == sha}
