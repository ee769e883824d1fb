"""Governance: findings that keep a knowledge base from rotting.

Validation (one document at a time) and the catalogue (references between
documents) report what is wrong; governance reports what is missing or
stale across the whole knowledge base. Most findings are warnings: the site
still builds, and ``opskb check --strict`` in CI makes them fail. Those that
depend on today's date (an overdue review, an action item past due) are
marked ``dated`` so that a site build never fails just because time passed.
Two documents on one page URL is an error: one of them would vanish.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..config import Settings
from ..model import Document, Status, Tier
from ..names import virtual_path
from ..problems import Problems
from ..sources.key_lines import KeyLines
from .catalog import Catalog

__all__ = ["check_governance", "document_findings"]


def document_findings(
    doc: Document, settings: Settings, today: dt.date, problems: Problems, lines: KeyLines
) -> None:
    """Add the findings about ``doc`` on its own to ``problems``: found in the process
    that validated it (see ``pipeline.load_kb``), so that they are shared too."""
    if doc.status is Status.DRAFT:
        return
    if doc.status is not Status.RETIRED:
        _check_review(doc, settings, today, problems, lines)
        _check_escalation(doc, problems, lines)
    if doc.incident is not None:
        _check_incident(doc, today, problems, lines)
    if settings.allowed_tags is not None:
        _check_tags(doc, settings.allowed_tags, problems, lines)


def check_governance(catalog: Catalog, problems: Problems, key_lines: dict[str, KeyLines]) -> None:
    """Add the findings about ``catalog`` as a whole to ``problems`` (those about each
    document on its own are :func:`document_findings`)."""
    _check_page_urls(catalog, problems)
    _check_alerts(catalog, problems, key_lines)
    _check_l1_coverage(catalog, problems)


def _check_page_urls(catalog: Catalog, problems: Problems) -> None:
    """``x.md`` and ``x/index.md`` (or a runbook under content/) would share one page,
    and a file named ``x`` beside ``x.md`` would be where the page's folder is."""
    by_url: dict[str, list[Document]] = defaultdict(list)
    for doc in catalog.documents:
        by_url[doc.url].append(doc)
    for path in sorted(catalog.files):
        docs = by_url.get(virtual_path(path, catalog.settings.content_dir) + "/")
        if docs:
            problems.error(
                path,
                0,
                f"the site would copy this file where the page of {docs[0].path} is "
                f"('/{docs[0].url}'); one would replace the other",
                "rename the file, or remove it if the document holds the same text",
                code="duplicate-id",
            )
    for url, docs in sorted(by_url.items()):
        if len(docs) < 2:
            continue
        for doc in docs:
            others = ", ".join(sorted(d.path for d in docs if d is not doc))
            problems.error(
                doc.path,
                0,
                f"its page URL '/{url}' is also the page of {others}; one would hide the other",
                "rename or move one of these files",
                code="duplicate-id",
            )


def _check_review(
    doc: Document, settings: Settings, today: dt.date, problems: Problems, lines: KeyLines
) -> None:
    if not doc.review_overdue(today, settings.review_every):
        return
    due = doc.review_due(settings.review_every)
    problems.warning(
        doc.path,
        lines.line("last_reviewed"),
        f"review overdue since {due.isoformat()}",
        "review the document and set 'last_reviewed' to today's date",
        key="last_reviewed",
        code="review-overdue",
        dated=True,
    )


def _check_escalation(doc: Document, problems: Problems, lines: KeyLines) -> None:
    """An L1–L3 runbook must say when its reader stops and hands over."""
    if doc.runbook is None or doc.runbook.escalate_when or doc.tier in (Tier.L4, None):
        return
    problems.warning(
        doc.path,
        lines.line("tier"),
        "runbook has no 'escalate_when'",
        "list the conditions under which the reader hands over to the next tier",
        key="escalate_when",
        code="no-escalation",
    )


def _check_incident(doc: Document, today: dt.date, problems: Problems, lines: KeyLines) -> None:
    info = doc.incident
    for index, item in enumerate(info.action_items):
        if item.overdue(today):
            problems.warning(
                doc.path,
                lines.line("action_items", index),
                f"action item '{item.title}' was due {item.due.isoformat()} and is not done",
                "finish it and set 'done: true', or agree a new 'due' date",
                key="action_items",
                code="action-overdue",
                dated=True,
            )
    if not info.runbooks and not info.workaround:
        problems.warning(
            doc.path,
            lines.line("status"),
            "incident names no runbook used and no workaround: "
            "L1 has nothing to follow if it recurs",
            "add 'workaround:' for L1, or 'runbooks:' that were used",
            key="workaround",
            code="l1-gap",
        )


def _check_tags(
    doc: Document, allowed: tuple[str, ...], problems: Problems, lines: KeyLines
) -> None:
    for tag in doc.tags:
        if tag not in allowed:
            problems.warning(
                doc.path,
                lines.line("tags"),
                f"tag '{tag}' is not in the allowed list",
                f"use one of: {', '.join(sorted(set(allowed)))}; "
                "or add it to 'tags:' in mkdocs.yml",
                key="tags",
                code="unknown-tag",
            )


def _check_alerts(catalog: Catalog, problems: Problems, key_lines: dict[str, KeyLines]) -> None:
    """An alert can link to one runbook only; the alert map keeps the first by path."""
    owner: dict[str, str] = {}
    for doc in sorted(catalog.runbooks, key=lambda d: d.path):
        for alert in doc.runbook.alerts:
            if alert not in owner:
                owner[alert] = doc.path
                continue
            problems.warning(
                doc.path,
                key_lines[doc.path].line("alerts"),
                f"alert '{alert}' is already handled by {owner[alert]}",
                "map each alert to one runbook, and link the other from it",
                key="alerts",
                code="duplicate-alert",
            )


def _check_l1_coverage(catalog: Catalog, problems: Problems) -> None:
    for system_id, system in sorted(catalog.systems.items()):
        if system.status is not Status.PUBLISHED:
            continue
        if not catalog.runbooks_for(system_id, Tier.L1):
            problems.warning(
                system.path,
                1,
                f"system '{system_id}' has no L1 runbook",
                f"add one with `opskb new runbook --tier L1 --system {system_id}`",
                code="no-l1-runbook",
            )
