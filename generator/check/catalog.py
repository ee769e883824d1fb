"""Catalogue: the whole knowledge base, indexed and cross-referenced.

Built once from validated documents; every page and export reads from it.
Checks that need more than one document (systems that exist, references that
resolve) happen here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..config import Settings
from ..model import Document, EscalationStep, Kind, Status, Tier
from ..names import DOCUMENT_SUFFIXES, FOLDER_PAGES, is_markdown, markdown_stem
from ..problems import Problems
from ..sources.alert_rules import AlertRule
from ..sources.folders import folder_of, is_folder_page
from ..sources.history import Change
from ..sources.key_lines import KeyLines
from .shelves import Shelves, shelve

__all__ = ["Catalog", "build_catalog", "resolve_reference"]


def resolve_reference(
    ref: str, from_path: str, known: set[str], content_dir: str = "content"
) -> tuple[str | None, str]:
    """The source path a reference names, or ``None`` and why not.

    A reference may be written from the knowledge-base root
    (``runbooks/vpn/reset.md``), relative to the document (``../reset.md``),
    as a page URL (``runbooks/vpn/reset/``) or without ``.md``, and may end in
    an anchor (``#step-2``); a file whose name holds ``#`` is found as named.
    """
    ref = ref.strip()
    bare = ref.split("#", 1)[0]
    if not bare or "://" in ref or ref.startswith("mailto:"):
        return None, "is not a path inside the knowledge base"
    if "\\" in ref or "\x00" in ref:
        return None, "is not a valid path"
    here = posixpath.dirname(from_path)
    for written in dict.fromkeys([ref, bare]):
        found = _find(written, here, known, content_dir)
        if found is not None:
            return found, ""
    if any(b == ".." or b.startswith("../") for b in _bases(bare, here, content_dir)[:2]):
        return None, "leaves the knowledge base"
    return None, "does not exist"


def _bases(ref: str, here: str, content_dir: str) -> list[str]:
    """Where ``ref`` may point: from the root, from the document's folder, from content."""
    bases = [posixpath.normpath(ref.lstrip("/"))]
    if not ref.startswith("/"):
        bases.append(posixpath.normpath(posixpath.join(here, ref)))
        bases.append(posixpath.normpath(posixpath.join(content_dir, ref)))
    return bases


def _find(ref: str, here: str, known: set[str], content_dir: str) -> str | None:
    for base in _bases(ref, here, content_dir):
        if base == ".." or base.startswith("../"):
            continue
        stem = markdown_stem(base.rstrip("/"))
        if base in known:
            return base
        for candidate in _page_sources(stem):
            if candidate in known:
                return candidate
    return None


def _page_sources(stem: str) -> Iterator[str]:
    """The sources whose page ``stem`` names: ``x`` is ``x.md`` or the folder ``x``'s
    page, and ``x/index`` (or ``x/README``) is that folder's page whatever its name."""
    folder, _, name = stem.rpartition("/")
    names = [f"{stem}/{page}" for page in FOLDER_PAGES]
    if name in FOLDER_PAGES:
        names = [f"{folder}/{page}" if folder else page for page in FOLDER_PAGES]
    for written in (stem, *names):
        for suffix in DOCUMENT_SUFFIXES:
            yield written + suffix


@dataclass
class Catalog:
    settings: Settings
    today: dt.date
    documents: list[Document]  # every valid document, drafts included, in path order
    published: list[Document] = field(default_factory=list)  # what the site shows
    published_paths: frozenset[str] = frozenset()  # the same, for membership tests
    by_path: dict[str, Document] = field(default_factory=dict)
    systems: dict[str, Document] = field(default_factory=dict)
    related: dict[str, list[Document]] = field(default_factory=dict)
    runbooks_of_incident: dict[str, list[Document]] = field(default_factory=dict)
    incidents_of_runbook: dict[str, list[Document]] = field(default_factory=dict)
    dependents: dict[str, list[str]] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)  # bodies with links rewritten
    #: The other source files the site publishes (images, attachments), by source path.
    files: frozenset[str] = frozenset()
    #: Each source file's last change, when the knowledge base is a git checkout.
    changes: dict[str, Change] = field(default_factory=dict)
    #: The alerting rules of the files ``alert_rules`` names (``alerts.py``).
    alert_rules: list[AlertRule] = field(default_factory=list)

    @functools.cached_property
    def folders(self) -> frozenset[str]:
        """Every folder holding a document or a published file, by source path."""
        found = set()
        for path in (*self.by_path, *self.files):
            folder = posixpath.dirname(path)
            while folder and folder not in found:
                found.add(folder)
                folder = posixpath.dirname(folder)
        return frozenset(found)

    @functools.cached_property
    def folder_pages(self) -> dict[str, Document]:
        """Each folder's own page (its README, index or ``_index``), by the folder's path."""
        return {folder_of(d.path): d for d in self.documents if is_folder_page(d.path)}

    def page_at(self, path: str) -> Document | None:
        """The document whose page a link to the source ``path`` reaches: the document
        itself, or for a folder (or a folder page by another of its names) its page."""
        doc = self.by_path.get(path)
        if doc is None and path.endswith(".html") and path not in self.files:
            return self._page_of_html(path[: -len(".html")])
        if doc is not None or (is_markdown(path) and not is_folder_page(path)):
            return doc
        return self.folder_pages.get(folder_of(path) if is_markdown(path) else path)

    def _page_of_html(self, stem: str) -> Document | None:
        """The document a tech-docs link to ``stem.html`` means: ``stem.md`` (or
        ``stem.html.md.erb``), or for ``x/index.html`` the folder ``x``'s page."""
        if stem.rpartition("/")[2] in FOLDER_PAGES:
            return self.folder_pages.get(folder_of(stem))
        found = (self.by_path.get(stem + suffix) for suffix in DOCUMENT_SUFFIXES)
        return next((doc for doc in found if doc is not None), None)

    @functools.cached_property
    def _shelves(self) -> Shelves:
        # Made on the first question, once ``build_catalog`` has settled ``published``;
        # assigning ``published`` again forgets them (``__setattr__``).
        return shelve(self.published)

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if name == "published":
            self.__dict__.pop("_shelves", None)

    def of_kind(self, kind: Kind, *, published: bool = True) -> list[Document]:
        """The documents of a kind, in path order: published ones, or every valid one."""
        if published:
            return list(self._shelves.of_kind.get(kind, ()))
        return [d for d in self.documents if d.kind is kind]

    @property
    def runbooks(self) -> list[Document]:
        """Published runbooks but the retired ones, in path order."""
        return list(self._shelves.runbooks)

    @property
    def incidents(self) -> list[Document]:
        """Published incidents, newest first."""
        return list(self._shelves.incidents)

    def runbooks_at(self, tier: Tier) -> list[Document]:
        """The :attr:`runbooks` of a tier, in path order."""
        return list(self._shelves.runbooks_at.get(tier, ()))

    def runbooks_for(self, system_id: str, tier: Tier | None = None) -> list[Document]:
        """The :attr:`runbooks` naming a system (of a tier, if given), in path order."""
        shelves = self._shelves
        if tier is None:
            return list(shelves.runbooks_of.get(system_id, ()))
        return list(shelves.runbooks_of_at.get((system_id, tier), ()))

    def incidents_for(self, system_id: str) -> list[Document]:
        """The published incidents naming a system, newest first."""
        return list(self._shelves.incidents_of.get(system_id, ()))

    def escalation_target(
        self, doc: Document
    ) -> tuple[Tier | None, list[tuple[Document, EscalationStep]]]:
        """Where a runbook escalates to, and each of its systems' step at that tier."""
        if doc.tier is None:
            return None, []
        target = (
            doc.runbook.escalate_to if doc.runbook and doc.runbook.escalate_to else doc.tier.next
        )
        steps = []
        for system_id in doc.systems:
            system = self.systems.get(system_id)
            step = system.system.ladder.get(target) if system and target else None
            if system and step:
                steps.append((system, step))
        return target, steps

    def review_overdue(self, doc: Document) -> bool:
        return doc.review_overdue(self.today, self.settings.review_every)


def _is_public(doc: Document, settings: Settings) -> bool:
    return settings.include_drafts or doc.status is not Status.DRAFT


def _entry_line(doc: Document, lines: KeyLines, key: str, index: int) -> int:
    """The line of entry ``index`` of the list under ``key`` (of ``key``, if not a list)."""
    return lines.line(key, index) if isinstance(doc.meta.get(key), list) else lines.line(key)


def _check_systems(doc: Document, catalog: Catalog, problems: Problems, lines: KeyLines) -> None:
    key = "systems" if "systems" in doc.meta or "system" not in doc.meta else "system"
    for index, system_id in enumerate(doc.systems):
        if system_id in catalog.systems:
            continue
        close = difflib.get_close_matches(system_id, list(catalog.systems), n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"add content/systems/{system_id}.md, or use one of: "
            f"{', '.join(sorted(catalog.systems)) or '(no systems yet)'}"
        )
        problems.error(
            doc.path,
            _entry_line(doc, lines, key, index),
            f"unknown system '{system_id}'",
            hint,
            key=key,
            code="unknown-system",
        )


def _resolve_list(
    doc: Document,
    key: str,
    refs: tuple[str, ...],
    catalog: Catalog,
    known: set[str],
    problems: Problems,
    lines: KeyLines,
    want: Kind | None = None,
) -> list[Document]:
    found = []
    for index, ref in enumerate(refs):
        path, why = resolve_reference(ref, doc.path, known, catalog.settings.content_dir)
        if path is None:
            problems.error(
                doc.path,
                _entry_line(doc, lines, key, index),
                f"'{key}' entry '{ref}' {why}",
                "write a path from the knowledge-base root, e.g. runbooks/vpn/reset-token.md",
                key=key,
                code="dangling-reference",
            )
            continue
        target = catalog.by_path[path]
        if want is not None and target.kind is not want:
            problems.error(
                doc.path,
                _entry_line(doc, lines, key, index),
                f"'{key}' entry '{ref}' is a {target.kind}, not a {want}",
                f"list only {want}s here",
                key=key,
                code="wrong-reference",
            )
            continue
        if target not in found:
            found.append(target)
    return found


def build_catalog(
    documents: list[Document],
    settings: Settings,
    today: dt.date,
    problems: Problems,
    key_lines: dict[str, KeyLines],
    files: frozenset[str] = frozenset(),
) -> Catalog:
    """The catalogue of ``documents``; ``files``: the other files the site publishes."""
    published = [d for d in documents if _is_public(d, settings)]
    catalog = Catalog(
        settings=settings,
        today=today,
        documents=documents,
        published=published,
        published_paths=frozenset(d.path for d in published),
        by_path={d.path: d for d in documents},
        files=files,
    )
    for doc in documents:
        if doc.system is None:
            continue
        other = catalog.systems.get(doc.system.id)
        if other is not None:
            problems.error(
                doc.path,
                key_lines[doc.path].line("id"),
                f"system id '{doc.system.id}' is also used by {other.path}",
                "give each system a unique id (file name or 'id:')",
                key="id",
                code="duplicate-id",
            )
            continue
        catalog.systems[doc.system.id] = doc
    known = set(catalog.by_path)
    dependents: dict[str, list[str]] = defaultdict(list)
    for doc in documents:
        lines = key_lines[doc.path]
        _check_systems(doc, catalog, problems, lines)
        related = _resolve_list(doc, "related", doc.related, catalog, known, problems, lines)
        catalog.related[doc.path] = [d for d in related if d.path != doc.path]
        if doc.incident is not None:
            used = _resolve_list(
                doc,
                "runbooks",
                doc.incident.runbooks,
                catalog,
                known,
                problems,
                lines,
                want=Kind.RUNBOOK,
            )
            catalog.runbooks_of_incident[doc.path] = used
            if _is_public(doc, settings):
                for runbook in used:
                    catalog.incidents_of_runbook.setdefault(runbook.path, []).append(doc)
        if doc.system is not None:
            for index, dep in enumerate(doc.system.depends_on):
                if dep not in catalog.systems:
                    problems.error(
                        doc.path,
                        _entry_line(doc, lines, "depends_on", index),
                        f"'depends_on' names unknown system '{dep}'",
                        f"use one of: {', '.join(sorted(catalog.systems))}",
                        key="depends_on",
                        code="dangling-reference",
                    )
                elif dep != doc.system.id:
                    dependents[dep].append(doc.system.id)
    catalog.dependents = {k: sorted(set(v)) for k, v in dependents.items()}
    for used_in in catalog.incidents_of_runbook.values():
        used_in.sort(key=lambda d: (d.incident.date, d.path), reverse=True)
    return catalog
