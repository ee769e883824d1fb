"""Make Pagefind's output reproducible: the same sources, the same bytes.

Pagefind 1.5 writes its filter files with values in hash-map order, which
changes from run to run (and with them the file names and the two files
naming them). Builds must be deterministic, so after Pagefind has written
its bundle we rewrite each filter file with its values sorted, name it after
its content as Pagefind does, and update the names in the metadata file and
the entry file. Only the small filter files and those two are touched.

Filter files are gzip-compressed ``pagefind_dcd`` + CBOR holding
``[name, [[value, [page numbers…]]…]]``: unsigned integers, text and arrays,
which is all the CBOR this module reads and writes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["canonicalise_filters"]

SIGNATURE = b"pagefind_dcd"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def _head(self) -> tuple[int, int]:
        byte = self.data[self.at]
        self.at += 1
        major, info = byte >> 5, byte & 0x1F
        if info < 24:
            return major, info
        size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
        if size is None:
            raise ValueError(f"unsupported CBOR length {info} at byte {self.at - 1}")
        value = int.from_bytes(self.data[self.at : self.at + size], "big")
        self.at += size
        return major, value

    def item(self) -> Any:
        major, value = self._head()
        if major == 0:
            return value
        if major == 3:
            text = self.data[self.at : self.at + value].decode("utf-8")
            self.at += value
            return text
        if major == 4:
            return [self.item() for _ in range(value)]
        raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _encode(item: Any) -> bytes:
    if isinstance(item, bool) or not isinstance(item, int | str | list):
        raise TypeError(f"cannot encode {type(item).__name__}")
    if isinstance(item, int):
        return _head(0, item)
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(item)) + b"".join(_encode(x) for x in item)


def _read(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind file")
    return data


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def _name(data: bytes, language: str, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def canonicalise_filters(bundle: Path) -> None:
    """Rewrite the bundle's filter files (and the names pointing at them) in sorted order."""
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    entry_text = entry_file.read_text(encoding="utf-8")
    for language, info in sorted(entry.get("languages", {}).items()):
        meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_file)
        for old in sorted((bundle / "filter").glob(f"{language}_*.pf_filter")):
            data = _read(old)
            name, values = _Reader(data[len(SIGNATURE) :]).item()
            values = sorted([value, sorted(pages)] for value, pages in values)
            canonical = SIGNATURE + _encode([name, values])
            old_hash = old.name.removesuffix(".pf_filter")
            new_hash = _name(canonical, language, len(old_hash) - len(language) - 1)
            if meta.count(old_hash.encode()) != 1:
                raise ValueError(f"{meta_file.name} does not name {old.name} exactly once")
            meta = meta.replace(old_hash.encode(), new_hash.encode())
            old.unlink()
            _write(bundle / "filter" / f"{new_hash}.pf_filter", canonical)
        new_meta_hash = _name(meta, language, len(info["hash"]) - len(language) - 1)
        meta_file.unlink()
        _write(bundle / f"pagefind.{new_meta_hash}.pf_meta", meta)
        entry_text = entry_text.replace(f'"{info["hash"]}"', f'"{new_meta_hash}"')
    entry_file.write_text(entry_text, encoding="utf-8")
