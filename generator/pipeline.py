"""The pipeline: sources → raw documents → documents + problems → catalogue → pages.

``load_kb`` loads and checks a knowledge base (the CLI, every engine, search
and the tests alike); ``render_kb`` makes its pages and search records, which
an engine adapter hands its engine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .check.alerts import check_alert_rules
from .check.catalog import Catalog, build_catalog
from .check.governance import check_governance, document_findings
from .check.links import LinkedBody, link_body, rewrite_links
from .check.reserved import reserved_files
from .check.slow_markdown import check_slow_markdown
from .check.validate import validator
from .config import Settings, load_settings, today
from .executor import available_cpus, collector_paused
from .model import Document
from .packs import digest
from .pages import RenderMemo, Site, render_site
from .problems import Problem, Problems
from .search.records import RecordStore, SearchRecord, search_records
from .sources.alert_rules import read_alert_rules
from .sources.flavours import expand_blocks, read_flavours
from .sources.history import last_changes
from .sources.kept_loads import keep_for_next, read_kept_loads
from .sources.lists import commonmark_lists
from .sources.load import LoadCache, RawDocument, load_all
from .sources.walk import walk_sources

__all__ = ["KnowledgeBase", "load_kb", "render_kb"]


@dataclass
class KnowledgeBase:
    settings: Settings
    catalog: Catalog
    problems: Problems

    @property
    def root(self) -> Path:
        return self.settings.root


def load_kb(
    root: Path,
    *,
    on_date: dt.date | None = None,
    cache: LoadCache | None = None,
    workers: int | None = 1,
    history: bool = False,
    kept: bool = False,
) -> KnowledgeBase:
    """Load, validate and catalogue the knowledge base at ``root``. Never raises on content.

    ``cache`` (a ``LoadCache``) keeps loaded files for the next call;
    ``workers`` processes share reading the files (``None``: as the settings say);
    ``history``: read each file's last change from git, for what shows it (pages,
    the catalogue export), not for checks and searches. ``kept``: without a
    ``cache``, reuse what the last command loaded, and keep this load for the next
    (``sources/kept_loads.py``).
    """
    settings, config_problems = load_settings(Path(root).resolve())
    if workers is None:
        workers = settings.workers or available_cpus()
    on_date = on_date or today()
    problems = Problems(config_problems)
    with collector_paused():
        sources = walk_sources(settings)
        problems.extend(sources.problems)
        files = frozenset(source.rel for source in sources.files)
        problems.extend(reserved_files(files, settings.content_dir))
        check = _checker(settings, on_date)
        disk = read_kept_loads(settings.cache_dir) if kept and cache is None else None
        loaded, found = load_all(settings, sources, cache or disk, workers, check, on_date)
        problems.extend(found)
        checked = [(doc, linked) for _, (doc, linked) in loaded if doc is not None]
        documents = [doc for doc, _ in checked]
        key_lines = {raw.path: raw.lines for raw, _ in loaded}
        catalog = build_catalog(documents, settings, on_date, problems, key_lines, files)
        if history:
            catalog.changes = last_changes(settings.root, settings.cache_dir)
        linked = {doc.path: body for doc, body in checked}
        catalog.bodies = rewrite_links(catalog, problems, linked)
        if settings.markdown_flavours:
            catalog.bodies = _in_commonmark(catalog.bodies, cache or disk)
        if disk is not None:
            keep_for_next(disk, settings.cache_dir)
        check_governance(catalog, problems, key_lines)
        catalog.alert_rules = read_alert_rules(settings, problems)
        check_alert_rules(
            catalog,
            problems,
            {
                doc.path: key_lines[doc.path].line("alerts")
                for doc in catalog.runbooks
                if doc.runbook.alerts and doc.path in key_lines
            },
        )
    return KnowledgeBase(settings, catalog, _as_reported(problems, loaded))


def _in_commonmark(bodies: dict[str, str], cache: LoadCache | None) -> dict[str, str]:
    """Each body with other tools' blocks and lists read (``flavours.py``, ``lists.py``).

    That is a body's text alone, so ``cache`` keeps what it gave by the body's
    digest (nothing where it changed nothing): a load after one edit works out
    one body again, not all of them."""
    if cache is None:
        return {path: commonmark_lists(expand_blocks(body)) for path, body in bodies.items()}
    known, kept, out = cache.flavoured, {}, {}
    for path, body in bodies.items():
        key = digest(body)
        found = known.get(key, body)
        if found is body:  # not known (a known body that reads alike is kept as None)
            converted = commonmark_lists(expand_blocks(body))
            found = None if converted == body else converted
        kept[key] = found
        out[path] = body if found is None else found
    if kept.keys() != known.keys():
        cache.changed = True
    cache.flavoured = kept
    return out


def render_kb(
    kb: KnowledgeBase,
    records: RecordStore,
    memo: RenderMemo,
    *,
    workers: int,
    searching: Callable[[list[SearchRecord]], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> tuple[Site, list[SearchRecord]]:
    """The pages of ``kb`` and its search records, worked out anew only where ``records``
    and ``memo`` (what earlier builds worked out, saved again here) do not hold them.

    ``searching`` gets the records as soon as they are known (an engine indexes
    them while the pages render). Related documents keep a cache: when it cannot
    be written, they are left out and ``warn`` is told (without ``warn``, it raises).
    """
    found = search_records(kb.catalog.published, records, workers)
    records.save()
    if searching is not None:
        searching(found)
    similar = None
    if kb.settings.related:
        from .search.related import similar_documents

        try:
            similar = similar_documents(kb.root, kb.catalog, records=found, workers=workers)
        except OSError as exc:
            if warn is None:
                raise
            warn(f"related documents left out: cannot write their cache ({exc})")
    site = render_site(kb.catalog, similar, workers=workers, memo=memo)
    memo.save()
    return site, found


def _as_reported(problems: Problems, loaded: list[tuple[RawDocument, object]]) -> Problems:
    """``problems`` as a user should read them: one caused by a value a document took
    from a folder's defaults file is reported once, at that file's line (not once in
    each document below it), and the warnings a folder's adoption map silences go."""
    inherited = {
        raw.path: raw for raw, _ in loaded if raw.inherited.origins or raw.inherited.adoption.quiet
    }
    if not inherited:
        return problems
    own: dict[str, dict] = {}
    reported = Problems()
    for problem in problems:
        raw = inherited.get(problem.path)
        if raw is None:
            reported.add(problem)
            continue
        if raw.inherited.adoption.silences(problem):
            continue
        top, *inner = problem.key.split(".") if problem.key else ("",)
        origin = raw.inherited.origins.get(top)
        if origin is not None:
            if raw.path not in own:
                own[raw.path] = raw.inherited.adoption.apply(raw.meta, raw.path)[0]
            if top not in own[raw.path]:
                path, lines = origin
                parts = (int(p) if p.isdigit() else p for p in inner)
                problem = dataclasses.replace(problem, path=path, line=lines.line(top, *parts))
        reported.add(problem)
    return reported


Checked = tuple[Document | None, LinkedBody | None]


def _checker(
    settings: Settings, on_date: dt.date
) -> Callable[[RawDocument], tuple[Checked, list[Problem]]]:
    """What is done with each document where it is read: validation, other tools'
    Markdown flavours read (``flavours.py``), the governance
    findings about it on its own, its links rewritten (as far as they can be
    without the catalogue), and a paragraph that would be slow to convert."""
    validate = validator(settings)

    def check(raw: RawDocument) -> tuple[Checked, list[Problem]]:
        doc, found = validate(raw)
        if doc is None:
            return (None, None), found
        findings = Problems(found)
        if settings.markdown_flavours:
            body = read_flavours(doc.body, doc.path, doc.body_line, findings)
            doc = doc if body == doc.body else dataclasses.replace(doc, body=body)
        document_findings(doc, settings, on_date, findings, raw.lines)
        linked = link_body(doc, settings, findings)
        check_slow_markdown(doc, findings)
        return (doc, linked), findings.sorted()

    return check
