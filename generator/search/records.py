"""Search records: what of a document is searchable, as plain data.

The Whoosh index (terminal search, related documents) and the site's
in-browser index both read documents through :func:`search_record`, so the
two searches match the same text. A record's digest tells an index whether a
document changed since it was last indexed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, fields

from ..model import Document

__all__ = ["SearchRecord", "plain_text", "search_record"]

BODY_LIMIT = 20_000  # characters of body text kept per document; runbooks are far shorter

_FENCE_LINE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_HTML_TAG = re.compile(r"<[^>\n]{1,400}>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_ATTR_LIST = re.compile(r"\{:?[^}\n]*\}")
_MARKS = re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)]|!!!|\?\?\?\+?|\|)\s*|[*_`~|]+", re.MULTILINE)


@functools.lru_cache(maxsize=1 << 15)  # a live preview asks again for every unchanged body
def plain_text(markdown: str) -> str:
    """The words of a Markdown body without its markup, for indexing and snippets.

    Crude on purpose: search needs the words in order, not a faithful render.
    Code inside fences is kept (commands are worth finding), fence lines are not.
    """
    text = _FENCE_LINE.sub(" ", markdown)
    text = _HTML_TAG.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _ATTR_LIST.sub(" ", text)
    text = _MARKS.sub(" ", text)
    return " ".join(text.split())[:BODY_LIMIT]


@dataclass(frozen=True)
class SearchRecord:
    """One published document as both indexes see it."""

    path: str
    url: str
    title: str
    kind: str
    tier: str  # "" when the document has no tier
    systems: tuple[str, ...]
    tags: tuple[str, ...]
    symptoms: tuple[str, ...]
    body: str  # plain text
    date: str = ""  # an incident's date, ISO; "" otherwise

    @functools.cached_property
    def digest(self) -> str:
        """A fingerprint of everything indexed: equal digests, nothing to re-index."""
        data = json.dumps([getattr(self, f.name) for f in fields(self)], ensure_ascii=False)
        return hashlib.blake2b(data.encode("utf-8"), digest_size=12).hexdigest()


def search_record(doc: Document) -> SearchRecord:
    """The record of ``doc``, from the document alone (so a single file can be re-indexed)."""
    return SearchRecord(
        path=doc.path,
        url=doc.url,
        title=doc.title,
        kind=doc.kind.value,
        tier=doc.tier.value if doc.tier else "",
        systems=tuple(doc.systems),
        tags=tuple(doc.tags),
        symptoms=tuple(doc.runbook.symptoms) if doc.runbook else (),
        body=plain_text(doc.body),
        date=doc.incident.date.isoformat() if doc.incident else "",
    )
