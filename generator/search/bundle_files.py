"""The search page bundle's own files, beside the index Pagefind writes.

The page reads the knowledge base's words ("did you mean"), its systems and
live incidents, and the folders of the index's parts; a rebuild reads the
fingerprints of what the bundle holds. All of them follow from the search
records alone, so they are worked out while Pagefind runs, or taken from a
bundle of the same records, and the build's wait for Pagefind ends with moves
only: the vocabulary alone took 0.27 s of a rebuild's tail at 1,000 documents.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .live import site_systems
from .records import SearchRecord
from .store import link_or_copy
from .vocabulary import site_vocabulary

__all__ = [
    "DIGESTS_FILE",
    "OWN_FILES",
    "PARTS_FILE",
    "RECORDS_FILE",
    "SYSTEMS_FILE",
    "WORDS_FILE",
    "keep_own_files",
    "own_files",
    "write_whole",
]

RECORDS_FILE = ".opskb-records"  # the fingerprint of what the bundle indexes
PARTS_FILE = "parts.json"  # the folders of its other parts, for the browser
WORDS_FILE = "words.json"  # the knowledge base's words, for "did you mean"
SYSTEMS_FILE = "systems.json"  # systems' names and their live incidents
DIGESTS_FILE = ".opskb-parts"  # the fingerprint of each part's records
OWN_FILES = (PARTS_FILE, WORDS_FILE, SYSTEMS_FILE, DIGESTS_FILE, RECORDS_FILE)


def own_files(
    records: Sequence[SearchRecord], parts: Sequence[str], digests: Sequence[str], digest: str
) -> dict[str, str]:
    """The text of each of the bundle's own files: of ``records`` (fingerprint ``digest``),
    indexed in the folders ``parts`` (the first is the bundle) of fingerprints ``digests``."""
    return {
        PARTS_FILE: json.dumps([f"{folder}/" for folder in parts[1:]]),
        WORDS_FILE: site_vocabulary(records),
        SYSTEMS_FILE: site_systems(records),
        DIGESTS_FILE: json.dumps(list(digests)),
        RECORDS_FILE: digest,
    }


def keep_own_files(previous: Iterable[Path], digest: str, folder: Path) -> bool:
    """Link into ``folder`` the own files of the first ``previous`` bundle that holds the
    records of fingerprint ``digest``; whether one did."""
    for bundle in previous:
        with contextlib.suppress(OSError):
            if (bundle / RECORDS_FILE).read_text(encoding="utf-8") == digest:
                write_whole(folder, lambda bundle=bundle: {n: bundle / n for n in OWN_FILES})
                return True
    return False


def write_whole(folder: Path, files: Callable[[], dict[str, str | Path]]) -> None:
    """Write ``folder`` once, and whole, from ``files()``: names and their text, or the file
    to link. Two processes may: the one that ends first is kept, the other's left out."""
    if folder.is_dir():
        return
    written = folder.with_name(f"{folder.name}.{os.getpid()}")
    shutil.rmtree(written, ignore_errors=True)
    written.mkdir()
    for name, text in files().items():
        if isinstance(text, Path):
            link_or_copy(text, written / name)
        else:
            (written / name).write_text(text, encoding="utf-8")
    try:
        written.rename(folder)
    except OSError:
        shutil.rmtree(written, ignore_errors=True)
