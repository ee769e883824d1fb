"""URLs: where each source's page sits in the site, and links between pages.

Every stage and engine names pages the same way, MkDocs' way: ``a/b.md`` is
``a/b/`` (or ``a/b.html``), a folder page (``README``, ``_index``) its folder.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Sequence
from urllib.parse import quote

from .model import Tier
from .names import FOLDER_PAGES, document_stem

__all__ = ["OFFLINE_DIR", "offline_uri", "page_stem", "page_url", "relative_url"]

OFFLINE_DIR = "offline"  # the site folder of the offline copies (``publish/offline.py``)
_URL_SAFE_MARKS = "/.-_~"  # what a quoted link keeps as it is, besides letters and digits
_URL_SAFE = re.compile(r"[A-Za-z0-9/._~-]*")


def page_stem(src_uri: str) -> str:
    """The page a source becomes, named as MkDocs names it: without its Markdown suffix,
    and a folder page (``README``, ``_index``) as its folder's ``index``."""
    stem = document_stem(src_uri)
    folder, _, name = stem.rpartition("/")
    if name in FOLDER_PAGES:
        return f"{folder}/index" if folder else "index"
    return stem


def offline_uri(tier: Tier) -> str:
    """The site path of a tier's offline copy."""
    return f"{OFFLINE_DIR}/{tier.slug}.html"


@functools.lru_cache(maxsize=8192)
def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The site path of the page written from ``src_uri``: ``a/b/`` (or ``a/b.html``)."""
    stem = page_stem(src_uri)
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index") + ("" if directory_urls else "index.html")
    return stem + ("/" if directory_urls else ".html")


@functools.lru_cache(maxsize=1024)
def _start(from_uri: str, directory_urls: bool) -> tuple[str, tuple[str, ...] | None]:
    """The folder relative links start from on the page written from ``from_uri``, and
    its parts when they are clean (no empty, ``.`` or ``..`` part)."""
    here = page_url(from_uri, directory_urls)
    folder = here.rstrip("/") if here.endswith("/") else posixpath.dirname(here)
    parts = folder.split("/") if folder else []
    return folder, None if _odd(parts) else tuple(parts)


def _odd(parts: list[str]) -> bool:
    return "" in parts or "." in parts or ".." in parts


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for two clean relative paths, without its look-ups of the
    working directory (a thousand-document site makes thousands of links)."""
    to, since = target.split("/"), start.split("/") if start else []
    if _odd(to) or _odd(since):
        return posixpath.relpath(target, start or ".")
    return _relative_parts(to, since)


def _relative_parts(to: Sequence[str], since: Sequence[str]) -> str:
    common, most = 0, min(len(to), len(since))
    while common < most and to[common] == since[common]:
        common += 1
    return "/".join([*[".."] * (len(since) - common), *to[common:]]) or "."


@functools.lru_cache(maxsize=8192)
def _target(target: str) -> tuple[str, tuple[str, ...] | None, bool]:
    """A site path as links to it start: stripped of slashes, its parts when clean, and
    whether it holds only characters a URL keeps as they are (so does any part of it)."""
    path = target.strip("/") or "."
    to = path.split("/")
    return path, None if _odd(to) else tuple(to), _URL_SAFE.fullmatch(path) is not None


def relative_url(target: str, from_uri: str, directory_urls: bool = True) -> str:
    """A link from the page at ``from_uri`` (a source URI) to the site path ``target``.

    Quoted, so it holds nothing HTML needs escaped either.
    """
    folder, since = _start(from_uri, directory_urls)
    path, to, safe = _target(target)
    if since is None or to is None:
        rel, safe = posixpath.relpath(path, folder or "."), False
    else:
        rel = _relative_parts(to, since)
    rel = "" if rel == "." else rel
    if target.endswith("/") or not target:
        rel = (rel + "/") if rel else "./"
    if safe or _URL_SAFE.fullmatch(rel):
        return rel
    return quote(rel, safe=_URL_SAFE_MARKS)  # a page's name may hold '#', '?' or '%'
