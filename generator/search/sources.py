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

from ..config import CONFIG_FILE, Settings
from ..sources.walk import walk_sources

__all__ = ["SourceScan", "scan_sources"]

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


def scan_sources(root: Path, content_dir: str, runbooks_dir: str) -> SourceScan:
    """Stamp ``mkdocs.yml``, and every document and ``_defaults.yml`` the loader reads
    (the walk of ``sources``: a file it leaves out is never indexed either)."""
    try:
        info = os.stat(root / CONFIG_FILE)
        config = (info.st_mtime_ns, info.st_size)
    except OSError:
        config = (0, 0)
    scan = SourceScan(config)
    tree = walk_sources(Settings(root=root, content_dir=content_dir, runbooks_dir=runbooks_dir))
    for found, stamps in ((tree.documents, scan.documents), (tree.defaults, scan.defaults)):
        for source in found:
            try:
                stamps[source.rel] = source.stamp()
            except OSError:
                continue
    return scan
