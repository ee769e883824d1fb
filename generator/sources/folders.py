"""Folder pages: a folder's ``README.md``, ``index.md`` or Hugo ``_index.md`` is its page.

Such a page is usually a section index (a list of what the folder holds), not
steps to follow: it is an article unless it says it is a runbook (``kind:``,
or a runbook's own keys), so it is neither in the playbooks nor warned about
a missing ``escalate_when``. A folder page with no text of its own (a Hugo
section page is often front matter only) lists the folder's documents.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..model import Document, Kind
from ..names import FOLDER_PAGES, document_stem
from .markdown_lines import lines_outside_code

__all__ = ["folder_listing", "folder_of", "is_folder_page", "section_kind"]

#: Keys only a runbook has: a folder page holding one is a runbook after all.
RUNBOOK_KEYS = (
    "symptoms",
    "escalate_when",
    "escalate_to",
    "prerequisites",
    "estimated_time",
    "ticket_note",
)

_LINK = re.compile(r"\]\(|\[\[|<a\s", re.IGNORECASE)
_NO_TEXT = re.compile(r"^(#.*|<!--.*-->|<%.*|\[\[_TOC_\]\]|\[TOC\]|[|:\- ]*|[-=]+)$", re.IGNORECASE)


def is_folder_page(path: str) -> bool:
    """Whether the source ``path`` is its folder's own page."""
    return document_stem(path).rpartition("/")[2] in FOLDER_PAGES


def folder_of(path: str) -> str:
    """The folder whose page the folder page ``path`` is."""
    return posixpath.dirname(path)


def section_kind(path: str, kind: Kind, own: Mapping[str, Any], body: str) -> Kind:
    """The kind of the document at ``path``: a folder page that would be a runbook only
    by its folder, and is a Hugo section page or a list of links, is an article."""
    if kind is not Kind.RUNBOOK or "kind" in own or not is_folder_page(path):
        return kind
    if any(key in own for key in RUNBOOK_KEYS):
        return kind
    if document_stem(path).endswith("_index") or _only_lists(body):
        return Kind.ARTICLE
    return kind


def _only_lists(body: str) -> bool:
    """Whether ``body`` is mostly links (at least half its lines of text, besides its
    headings) and holds no code: a table of contents of its folder, not steps."""
    links = lines = 0
    for _, line, in_code in lines_outside_code(body):
        text = line.strip()
        if in_code:
            return False
        if not text or _NO_TEXT.match(text):
            continue
        lines += 1
        links += bool(_LINK.search(text))
    return links > 0 and links * 2 >= lines


def folder_listing(page: Document, documents: Iterable[Document]) -> list[Document]:
    """The documents a folder page with no text lists: those in its folder, and the
    pages of the folders in it, in path order."""
    folder = folder_of(page.path)
    found = []
    for doc in documents:
        if doc is page:
            continue
        parent = folder_of(doc.path)
        if parent == folder or (is_folder_page(doc.path) and folder_of(parent) == folder):
            found.append(doc)
    return sorted(found, key=lambda d: d.path)
