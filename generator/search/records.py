"""Search records: what of a document is searchable, as plain data.

The Whoosh index (terminal search, related documents) and the site's
in-browser index both read documents through :func:`search_record`, so the
two searches match the same text. A record's digest tells an index whether a
document changed since it was last indexed. A build keeps the records it made
(``RecordStore``), so the next makes only those of documents that changed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

from ..fork_map import fork_map
from ..model import Document
from ..packs import PackStore, code_digest, digest
from ..sources.markdown_links import link_texts

__all__ = [
    "RecordStore",
    "SearchRecord",
    "plain_text",
    "search_record",
    "search_records",
    "spelled_out",
]

STORE_FOLDER = "records"  # in the knowledge base's cache folder
BODY_LIMIT = 20_000  # characters of body text kept per document; runbooks are far shorter

# Linear on hostile bodies: neither leading blanks nor an attribute list may run into
# the next line or the next "{" (40,000 newlines, or "{", took 5 to 12 s each).
_FENCE_LINE = re.compile(r"^[ \t]*(```|~~~).*$", re.MULTILINE)
_HTML_TAG = re.compile(r"<[^>\n]{1,400}>")
_ATTR_LIST = re.compile(r"\{:?[^{}\n]*\}")
_MARKS = re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)]|!!!|\?\?\?\+?|\|)\s*|[*_`~|]+", re.MULTILINE)


@functools.lru_cache(maxsize=1 << 15)  # a live preview asks again for every unchanged body
def plain_text(markdown: str) -> str:
    """The words of a Markdown body without its markup, for indexing and snippets.

    Crude on purpose: search needs the words in order, not a faithful render.
    Code inside fences is kept (commands are worth finding), fence lines are not.
    """
    text = _FENCE_LINE.sub(" ", markdown)
    text = _HTML_TAG.sub(" ", text)
    text = link_texts(text)
    text = _ATTR_LIST.sub(" ", text)
    text = _MARKS.sub(" ", text)
    return " ".join(text.split())[:BODY_LIMIT]


_WORD_JOIN = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def spelled_out(title: str) -> str:
    """A title's joined-up words apart (``etcdNoLeader`` → ``etcd No Leader``), or ``""``
    when it has none: runbooks named after their alert are titled that way, and a caller
    types the words."""
    apart = _WORD_JOIN.sub(" ", title)
    return apart if apart != title else ""


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
    status: str = ""  # an incident's status (open, monitoring, resolved); "" otherwise
    started: str = ""  # when an incident was detected ("2026-11-03 09:20 UTC"), else its date

    @functools.cached_property
    def digest(self) -> str:
        """A fingerprint of everything indexed: equal digests, nothing to re-index."""
        data = json.dumps([getattr(self, f.name) for f in fields(self)], ensure_ascii=False)
        return digest(data)


def search_record(doc: Document) -> SearchRecord:
    """The record of ``doc``, from the document alone (so a single file can be re-indexed)."""
    return SearchRecord(
        path=doc.path,
        url=doc.url,
        title=doc.title,
        kind=doc.kind.value,
        tier=doc.tier.value if doc.tier else "",
        # a system's page is one of its own: found by the system filter, and named by it
        systems=tuple(doc.systems) or ((doc.system.id,) if doc.system else ()),
        tags=tuple(doc.tags),
        symptoms=tuple(doc.runbook.symptoms) if doc.runbook else (),
        body=plain_text(doc.body),
        date=doc.incident.date.isoformat() if doc.incident else "",
        status=doc.incident.status.value if doc.incident else "",
        started=_started(doc.incident) if doc.incident else "",
    )


def _started(incident) -> str:
    """When an incident began, as a person reads it: the detection time in UTC (as written
    when it names no zone), else the incident's date."""
    at = incident.detected_at
    if at is None:
        return incident.date.isoformat()
    if at.tzinfo is not None:
        return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return at.strftime("%Y-%m-%d %H:%M")


class RecordStore(PackStore):
    """Search records by the fingerprint of the document they were made from."""

    def __init__(self, cache_dir: Path | None) -> None:
        super().__init__(cache_dir / STORE_FOLDER / _code() if cache_dir else None)

    def record(self, doc: Document) -> SearchRecord | None:
        found = self.get(doc.fingerprint)
        if found is None:
            return None
        try:
            body, (path, url, title, kind, tier, systems, tags, symptoms, *rest) = found
            date, status, started, digest = rest
            lists = tuple(systems), tuple(tags), tuple(symptoms)
            record = SearchRecord(path, url, title, kind, tier, *lists, body, date, status, started)
        except (TypeError, ValueError):
            return None  # an entry of another shape: made again
        if path != doc.path:
            return None
        record.__dict__["digest"] = digest  # as worked out when it was stored
        return record

    def remember(self, doc: Document, record: SearchRecord) -> None:
        fields = [record.path, record.url, record.title, record.kind, record.tier]
        fields += [record.systems, record.tags, record.symptoms, record.date, record.status]
        fields += [record.started, record.digest]
        self.put(doc.fingerprint, (record.body, fields))


@functools.cache
def _code() -> str:
    """The code a record is made by: this module, the content model, and the link scanner
    that gives links' texts."""
    package = Path(__file__).parent.parent
    code = [package / "search" / "records.py", package / "model.py"]
    return code_digest("records-2", [*code, package / "sources" / "markdown_links.py"])


def search_records(
    documents: list[Document], store: RecordStore | None = None, workers: int = 1
) -> list[SearchRecord]:
    """The records of ``documents``, in order: from ``store`` where it holds them, else
    made by ``workers`` processes (and added to it). The caller saves the store."""
    if store is None:
        return fork_map(search_record, documents, workers)
    records = [store.record(doc) for doc in documents]
    todo = [n for n, record in enumerate(records) if record is None]
    made = fork_map(lambda n: search_record(documents[n]), todo, workers)
    for n, record in zip(todo, made, strict=True):
        records[n] = record
        store.remember(documents[n], record)
    return records  # type: ignore[return-value]
