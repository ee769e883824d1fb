"""Source freshness: which files changed since the index last saw them.

``opskb search`` must answer at once even on 10,000 documents, so it never
loads the whole knowledge base to find out whether the index is current: it
compares each source file's modification time and size with what the index
recorded, and loads only the files that differ. A changed ``mkdocs.yml`` or
``_defaults.yml`` can change any document, so either one means "reload all".
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_FILE

__all__ = ["SourceScan", "scan_sources"]

DEFAULTS_FILE = "_defaults.yml"
SETTLE_NS = 2_000_000_000  # a file modified this recently may still be being written

Stamp = tuple[int, int]  # (mtime in ns, size in bytes)


@dataclass
class SourceScan:
    """The stamps of every file that decides what the index holds."""

    config: Stamp
    documents: dict[str, Stamp] = field(default_factory=dict)  # path → stamp
    defaults: dict[str, Stamp] = field(default_factory=dict)

    def to_json(self) -> dict:
        """Stamps to record; files still settling get none, so the next look reloads them."""
        fresh = time.time_ns() - SETTLE_NS
        return {
            "config": list(self.config),
            "documents": {
                p: list(s) if s[0] < fresh else [0, 0] for p, s in self.documents.items()
            },
            "defaults": {p: list(s) for p, s in self.defaults.items()},
        }

    def changes(self, recorded: dict | None) -> tuple[bool, list[str], list[str]]:
        """``(reload_all, changed_or_new, removed)`` against a recorded scan."""
        if not recorded or list(self.config) != recorded.get("config"):
            return True, [], []
        if {p: list(s) for p, s in self.defaults.items()} != recorded.get("defaults"):
            return True, [], []
        before = recorded.get("documents", {})
        changed = sorted(
            p for p, (mtime, size) in self.documents.items() if before.get(p) != [mtime, size]
        )
        removed = sorted(p for p in before if p not in self.documents)
        return False, changed, removed


def _stamp(path: str | os.DirEntry) -> Stamp:
    info = path.stat() if isinstance(path, os.DirEntry) else os.stat(path)
    return info.st_mtime_ns, info.st_size


def _walk(root: str, top: str, scan: SourceScan) -> None:
    """Stamp Markdown sources and folder defaults below ``top``, as the loader finds them.

    Plain strings and one ``stat`` per file: on 10,000 files this loop is
    most of what an up-to-date ``opskb search`` costs before its query.
    """
    documents, defaults = scan.documents, scan.defaults
    pending = [top]
    while pending:
        rel_dir = pending.pop()
        try:
            entries = os.scandir(os.path.join(root, rel_dir))
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                try:
                    if name.endswith(".md"):
                        if entry.is_file():
                            info = entry.stat()
                            documents[f"{rel_dir}/{name}"] = (info.st_mtime_ns, info.st_size)
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(f"{rel_dir}/{name}")
                    elif name == DEFAULTS_FILE:
                        defaults[f"{rel_dir}/{name}"] = _stamp(entry)
                except OSError:
                    continue


def scan_sources(root: Path, content_dir: str, runbooks_dir: str) -> SourceScan:
    """Stamp ``mkdocs.yml``, every Markdown source and every ``_defaults.yml``."""
    try:
        config = _stamp(str(root / CONFIG_FILE))
    except OSError:
        config = (0, 0)
    scan = SourceScan(config)
    for top in dict.fromkeys((content_dir.strip("/"), runbooks_dir.strip("/"))):
        if top and (root / top).is_dir():
            _walk(str(root), top, scan)
    if (root / DEFAULTS_FILE).is_file():  # the root folder's defaults apply below it too
        scan.defaults[DEFAULTS_FILE] = _stamp(str(root / DEFAULTS_FILE))
    return scan
