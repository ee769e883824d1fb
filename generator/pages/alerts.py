"""Alert pages: every alert and its runbook, and a stable page per alert.

``alerts/<AlertName>/`` is the URL a team writes once in a rule's
``runbook_url``: it sends the browser on to whichever runbook handles the
alert today (a ``<meta http-equiv="refresh">``, so it works without
JavaScript), and says so in words too. When no runbook handles the alert,
the page says that and leads to the escalation matrix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..check.alerts import handlers
from ..check.catalog import Catalog
from ..model import Document
from ..sources.alert_rules import AlertRule, alert_page_uri
from .contacts import contact_links
from .memo import MemoPass
from .render import Page, page_header, render_template

__all__ = ["URI", "alert_jobs"]

URI = "alerts/index.md"


def _rules_by_name(catalog: Catalog) -> dict[str, AlertRule]:
    found: dict[str, AlertRule] = {}
    for rule in catalog.alert_rules:
        found.setdefault(rule.name, rule)
    return found


def _escalation(catalog: Catalog, doc: Document | None) -> list[dict]:
    """Where the alert's runbook escalates: each of its systems' step at that tier."""
    if doc is None:
        return []
    _, steps = catalog.escalation_target(doc)
    return [
        {"system": system, "step": step, "contact": contact_links(step.contact or "")}
        for system, step in steps
    ]


def _rows(catalog: Catalog) -> list[dict]:
    rules = _rules_by_name(catalog)
    rows = []
    for name, doc in handlers(catalog).items():
        uri = alert_page_uri(name)
        if uri is None:
            continue
        rule = rules.get(name)
        rows.append(
            {
                "name": name,
                "uri": uri,
                "rule": rule,
                "runbook": doc,
                "escalation": _escalation(catalog, doc),
            }
        )
    return rows


def alerts_index(catalog: Catalog, rows: list[dict], *, memo: MemoPass | None = None) -> Page:
    markdown = render_template(
        "alerts.md.j2",
        memo,
        here=URI,
        directory_urls=catalog.settings.directory_urls,
        rows=rows,
    )
    return Page(URI, page_header("Alerts") + "\n" + markdown, "Alerts")


def alert_page(catalog: Catalog, row: dict, *, memo: MemoPass | None = None) -> Page:
    title = f"Alert {row['name']}"
    markdown = render_template(
        "alert.md.j2",
        memo,
        here=row["uri"],
        directory_urls=catalog.settings.directory_urls,
        row=row,
        title=title,
    )
    return Page(row["uri"], page_header(title) + "\n" + markdown, title)


def alert_jobs(
    catalog: Catalog, memo: MemoPass | None = None
) -> list[tuple[str, Callable[[], Page]]]:
    """The alerts page and each alert's page, when the knowledge base has alerts."""
    rows = _rows(catalog)
    if not rows:
        return []
    return [
        (URI, functools.partial(alerts_index, catalog, rows, memo=memo)),
        *((row["uri"], functools.partial(alert_page, catalog, row, memo=memo)) for row in rows),
    ]
