"""Pagefind's filter files rewritten in sorted order: the same records, the same bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from opskb.search.pagefind_files import SIGNATURE, canonicalise_filters

FILTER_HASH = "en_0f1e2d3c"
META_HASH = "en_aa11bb22"


def _cbor(item) -> bytes:
    """A small CBOR writer of our own, for unsigned integers, text and arrays."""

    def head(major: int, value: int) -> bytes:
        if value < 24:
            return bytes([major << 5 | value])
        for info, size in ((24, 1), (25, 2), (26, 4)):
            if value < 256**size:
                return bytes([major << 5 | info]) + value.to_bytes(size, "big")
        raise ValueError(value)

    if isinstance(item, int):
        return head(0, item)
    if isinstance(item, str):
        raw = item.encode()
        return head(3, len(raw)) + raw
    return head(4, len(item)) + b"".join(_cbor(x) for x in item)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _bundle(folder: Path, values: list) -> Path:
    """A bundle as Pagefind writes it: one language, one filter file named in its meta file."""
    (folder / "filter").mkdir(parents=True)
    filter_data = SIGNATURE + _cbor(["facet", values])
    (folder / "filter" / f"{FILTER_HASH}.pf_filter").write_bytes(_gzip(filter_data))
    meta = SIGNATURE + _cbor(["1.5.0", [[FILTER_HASH, "facet"]]])
    (folder / f"pagefind.{META_HASH}.pf_meta").write_bytes(_gzip(meta))
    entry = {"version": "1.5.0", "languages": {"en": {"hash": META_HASH, "page_count": 3}}}
    (folder / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


UNSORTED = [["tier=L2", [300, 1]], ["kind=runbook", [2, 0, 1]], ["tier=L1", [0]]]
SORTED = [["kind=runbook", [0, 1, 2]], ["tier=L1", [0]], ["tier=L2", [1, 300]]]


def test_filter_values_and_their_pages_are_sorted_and_the_file_named_after_them(
    tmp_path: Path,
) -> None:
    bundle = _bundle(tmp_path / "b", UNSORTED)
    canonicalise_filters(bundle)
    [written] = (bundle / "filter").glob("*.pf_filter")
    data = gzip.decompress(written.read_bytes())
    assert data == SIGNATURE + _cbor(["facet", SORTED])
    assert written.name == f"en_{hashlib.sha256(data).hexdigest()[:8]}.pf_filter"


def test_the_meta_and_entry_files_name_the_rewritten_files(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b", UNSORTED)
    canonicalise_filters(bundle)
    [written] = (bundle / "filter").glob("*.pf_filter")
    [meta_file] = bundle.glob("pagefind.*.pf_meta")
    meta = gzip.decompress(meta_file.read_bytes())
    assert written.name.removesuffix(".pf_filter").encode() in meta
    assert FILTER_HASH.encode() not in meta
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["hash"] == meta_file.name[len("pagefind.") : -len(".pf_meta")]
    assert entry["languages"]["en"]["page_count"] == 3
    assert len(meta_file.name) == len(f"pagefind.{META_HASH}.pf_meta")


def test_bundles_differing_only_in_hash_map_order_become_the_same_bytes(tmp_path: Path) -> None:
    first = _bundle(tmp_path / "first", UNSORTED)
    second = _bundle(tmp_path / "second", list(reversed(UNSORTED)))
    assert _files(first) != _files(second)
    canonicalise_filters(first)
    canonicalise_filters(second)
    assert _files(first) == _files(second)
    done = _files(first)
    canonicalise_filters(first)
    assert _files(first) == done  # already sorted: unchanged


def test_a_file_that_is_not_pagefinds_is_refused(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b", UNSORTED)
    (bundle / "filter" / f"{FILTER_HASH}.pf_filter").write_bytes(_gzip(b"something else"))
    with pytest.raises(ValueError, match="not a Pagefind file"):
        canonicalise_filters(bundle)


def test_a_meta_file_that_does_not_name_the_filter_once_is_refused(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b", UNSORTED)
    (bundle / f"pagefind.{META_HASH}.pf_meta").write_bytes(_gzip(SIGNATURE + _cbor(["1.5.0"])))
    with pytest.raises(ValueError, match="exactly once"):
        canonicalise_filters(bundle)
