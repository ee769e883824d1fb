"""Governance: findings that keep a knowledge base from rotting.

These are warnings, not errors: the site still builds. Those that depend on
today's date (an overdue review, an action item past due) are marked
``dated`` so that a site build never fails just because time passed.
"""

from __future__ import annotations

from .catalog import Catalog
from .load import KeyLines
from .model import Kind, Status, Tier
from .problems import Problems

__all__ = ["check_governance"]


def check_governance(catalog: Catalog, problems: Problems, key_lines: dict[str, KeyLines]) -> None:
    settings = catalog.settings
    allowed = set(settings.allowed_tags) if settings.allowed_tags is not None else None
    for doc in catalog.documents:
        lines = key_lines[doc.path]
        if doc.status is Status.DRAFT:
            continue
        if catalog.review_overdue(doc):
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
        if (
            doc.kind is Kind.RUNBOOK
            and doc.runbook
            and not doc.runbook.escalate_when
            and doc.tier is not Tier.L4
        ):
            problems.warning(
                doc.path,
                lines.line("tier"),
                "runbook has no 'escalate_when'",
                "list the conditions under which the reader hands over to the next tier",
                key="escalate_when",
                code="no-escalation",
            )
        if doc.incident is not None:
            for index, item in enumerate(doc.incident.action_items):
                if item.overdue(catalog.today):
                    problems.warning(
                        doc.path,
                        lines.line("action_items", index),
                        f"action item '{item.title}' was due "
                        f"{item.due.isoformat()} and is not done",
                        "finish it and set 'done: true', or agree a new 'due' date",
                        key="action_items",
                        code="action-overdue",
                        dated=True,
                    )
            if not doc.incident.runbooks and not doc.incident.workaround:
                problems.warning(
                    doc.path,
                    lines.line("status"),
                    "incident names no runbook used and no workaround: "
                    "L1 has nothing to follow if it recurs",
                    "add 'workaround:' for L1, or 'runbooks:' that were used",
                    key="workaround",
                    code="l1-gap",
                )
        if allowed is not None:
            for tag in doc.tags:
                if tag not in allowed:
                    problems.warning(
                        doc.path,
                        lines.line("tags"),
                        f"tag '{tag}' is not in the allowed list",
                        f"use one of: {', '.join(sorted(allowed))}",
                        key="tags",
                        code="unknown-tag",
                    )
    for system_id, system in sorted(catalog.systems.items()):
        if system.status is Status.DRAFT:
            continue
        if not catalog.runbooks_for(system_id, Tier.L1):
            problems.warning(
                system.path,
                1,
                f"system '{system_id}' has no L1 runbook",
                f"add one with `opskb new runbook --tier L1 --system {system_id}`",
                code="no-l1-runbook",
            )
