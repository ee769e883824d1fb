"""Reuse: a page whose Markdown and surroundings did not change keeps its last HTML.

Turning Markdown into HTML and putting it in the theme is most of a build.
Our stages are cheap, so every build renders every page's Markdown again;
a page whose Markdown, navigation, configuration and theme are byte-for-byte
what the previous build of the same site folder saw would come out the same,
so its HTML is taken from that site instead of being rendered. One edited
runbook therefore costs its own page and the generated pages that show it
(the tier's playbook, its system page, …): their Markdown changed too.

A :class:`BuildRecord` (one digest per page, plus one for everything else that
reaches a page) is kept per site folder in the cache folder's pack store of
them (:class:`SiteRecords`), written only after the site it describes is in
place.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .packs import PackStore, code_digest, digest
from .sources.walk import walk_folder

__all__ = [
    "BuildRecord",
    "SiteRecords",
    "context_digest",
    "load_record",
    "reusable_pages",
    "save_record",
]

SITES_FOLDER = "sites"  # in the cache folder: the store of build records
ENGINE_PACKAGES = ("material", "mkdocs")  # their versions are part of every digest


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


class SiteRecords(PackStore):
    """The build record of every site folder built from one knowledge base, in one pack
    store (``packs.py``) below ``cache_dir``: an entry per folder, keyed by its path.

    An entry also holds the folder's identity when it was saved (device, inode,
    modification time): a build puts a new folder in place, so a record made for
    another folder at that path (an interrupted build, another engine's site, a
    copy) never matches. Records of folders that are gone are dropped on saving.
    """

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(cache_dir / SITES_FOLDER / code_digest(SITES_FOLDER, [Path(__file__)]))
        self._cache_dir = cache_dir
        for key, (_, extra) in self.entries.items():
            if isinstance(extra, dict) and Path(str(extra.get("site"))).is_dir():
                self.used.add(key)  # kept by the next save, as every record of a folder still there

    def record(self, site_dir: Path) -> BuildRecord | None:
        """The record of the build now in ``site_dir``, if there is a readable one."""
        found = self.get(_site_key(site_dir))
        identity = _identity(site_dir)
        if found is None or identity is None or not isinstance(found[1], dict):
            return None
        if found[1].get("identity") != identity:
            return None
        try:
            data = json.loads(found[0])
        except ValueError:
            return None
        pages = data.get("pages") if isinstance(data, dict) else None
        if not isinstance(pages, dict) or not isinstance(data.get("context"), str):
            return None
        return BuildRecord(data["context"], {str(k): str(v) for k, v in pages.items()})

    def keep(self, site_dir: Path, record: BuildRecord) -> None:
        """Remember what is now in ``site_dir`` (call once it is in place), and save."""
        identity = _identity(site_dir)
        if identity is not None:
            text = json.dumps({"context": record.context, "pages": record.pages}, sort_keys=True)
            extra = {"site": str(site_dir.resolve()), "identity": identity}
            self.put(_site_key(site_dir), (text, extra))
        self.save(rewrite=len(self.used) < len(self.entries))  # a folder is gone: drop its record
        for old in self._cache_dir.glob("pages-*.json"):
            with contextlib.suppress(OSError):
                old.unlink()  # one file per site folder: how earlier releases kept records


def _site_key(site_dir: Path) -> str:
    return digest(str(site_dir.resolve()))


def _identity(folder: Path) -> list[int] | None:
    try:
        info = folder.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_mtime_ns]


def load_record(cache_dir: Path, site_dir: Path) -> BuildRecord | None:
    """The record of the build now in ``site_dir`` (see :class:`SiteRecords`)."""
    return SiteRecords(cache_dir).record(site_dir)


def save_record(cache_dir: Path, site_dir: Path, record: BuildRecord) -> None:
    """Remember what is now in ``site_dir``; a cache that cannot be written is skipped."""
    SiteRecords(cache_dir).keep(site_dir, record)


def reusable_pages(previous: BuildRecord | None, current: BuildRecord) -> set[str]:
    """The pages whose previous HTML is what this build would write."""
    if previous is None or previous.context != current.context:
        return set()
    return {uri for uri, sha in current.pages.items() if previous.pages.get(uri) == sha}
