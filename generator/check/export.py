"""Exports: the catalogue as data for integrations.

``api/catalog.json`` lets chat bots, ticketing tools and alert rules find a
document without scraping HTML; the alert map gives Prometheus alerts their
``runbook_url``. Both are built from the catalogue alone, sorted, and hold no
timestamps but the build's date, so the same sources give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..model import Document, EscalationLadder
from ..sources.history import Change
from ..terminal_text import terminal_json
from .alerts import handlers
from .catalog import Catalog

__all__ = [
    "CATALOG_URI",
    "alert_map",
    "catalog_data",
    "catalog_json",
    "format_alert_map",
    "with_offline",
]

CATALOG_URI = "api/catalog.json"
FORMAT_VERSION = 1


def _date(value) -> str | None:
    return value.isoformat() if value is not None else None


def _change(change: Change | None) -> dict[str, str] | None:
    return {"date": change.date, "author": change.author} if change is not None else None


def _ladder(ladder: EscalationLadder) -> list[dict[str, Any]]:
    steps = []
    for step in ladder:
        entry = {
            "tier": step.tier.value,
            "team": step.team,
            "contact": step.contact,
            "hours": step.hours,
            "response": step.response,
            "response_minutes": step.response_minutes,
        }
        entry.update({k: getattr(step, k) for k in ("vendor", "contract", "portal")})
        steps.append(entry)
    return steps


def _urls(docs: list[Document]) -> list[str]:
    return sorted(d.url for d in docs)


def _document(doc: Document, catalog: Catalog) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": doc.id,
        "kind": doc.kind.value,
        "title": doc.title,
        "url": doc.url,
        "source": doc.path,
        "tier": doc.tier.value if doc.tier else None,
        "systems": list(doc.systems),
        "tags": sorted(doc.tags),
        "owner": doc.owner,
        "status": doc.status.value,
        "last_reviewed": _date(doc.last_reviewed),
        "review_due": _date(doc.review_due(catalog.settings.review_every)),
        "review_overdue": catalog.review_overdue(doc),
        "last_changed": _change(catalog.changes.get(doc.path)),
        "related": _urls(catalog.related.get(doc.path, [])),
    }
    if doc.runbook is not None:
        target, steps = catalog.escalation_target(doc)
        entry["runbook"] = {
            "symptoms": list(doc.runbook.symptoms),
            "escalate_when": list(doc.runbook.escalate_when),
            "escalate_to": target.value if target else None,
            "escalate_contacts": [
                {"system": system.system.id, "team": step.team, "contact": step.contact}
                for system, step in steps
            ],
            "prerequisites": list(doc.runbook.prerequisites),
            "estimated_time": doc.runbook.estimated_time,
            "alerts": sorted(doc.runbook.alerts),
            "incidents": _urls(catalog.incidents_of_runbook.get(doc.path, [])),
        }
    if doc.incident is not None:
        info = doc.incident
        duration = info.duration
        entry["incident"] = {
            "date": info.date.isoformat(),
            "severity": info.severity.value,
            "status": info.status.value,
            "detected_at": info.detected_at.isoformat() if info.detected_at else None,
            "resolved_at": info.resolved_at.isoformat() if info.resolved_at else None,
            "duration_minutes": round(duration.total_seconds() / 60) if duration else None,
            "root_cause": info.root_cause,
            "root_cause_category": (
                info.root_cause_category.value if info.root_cause_category else None
            ),
            "runbooks": _urls(catalog.runbooks_of_incident.get(doc.path, [])),
            "workaround": info.workaround,
            "action_items": [
                {
                    "title": item.title,
                    "owner": item.owner,
                    "due": _date(item.due),
                    "done": item.done,
                    "overdue": item.overdue(catalog.today),
                }
                for item in info.action_items
            ],
        }
    if doc.system is not None:
        entry["system"] = {
            "id": doc.system.id,
            "depends_on": sorted(doc.system.depends_on),
            "dependents": catalog.dependents.get(doc.system.id, []),
            "escalation": _ladder(doc.system.ladder),
        }
    return entry


def alert_map(catalog: Catalog, base_url: str = "") -> dict[str, str]:
    """Alert name → URL of the runbook that handles it (``alerts.handlers``): the first
    runbook by path listing it, else the page its rule's ``runbook_url`` leads to."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    return {name: base + doc.url for name, doc in handlers(catalog).items() if doc is not None}


def catalog_data(catalog: Catalog, offline: dict[str, dict] | None = None) -> dict[str, Any]:
    """Every document the site publishes, with its metadata and URL; ``offline``: each
    tier's offline copy (``offline.py``), once written."""
    documents = sorted(catalog.published, key=lambda d: d.path)
    return {
        "version": FORMAT_VERSION,
        "site_name": catalog.settings.site_name,
        "site_url": str(catalog.settings.raw.get("site_url") or ""),
        "built_on": catalog.today.isoformat(),
        "documents": [_document(d, catalog) for d in documents],
        "alerts": alert_map(catalog),
        **({"offline": offline} if offline else {}),
    }


def catalog_json(catalog: Catalog, offline: dict[str, dict] | None = None) -> str:
    """``catalog_data`` as JSON: one document per line, so the file reads and diffs well.

    Indenting every value would send the whole catalogue through the json
    module's Python encoder (measured ~1 s at 5,000 documents); each document
    on a line of its own goes through its C encoder.
    """
    data = catalog_data(catalog, offline)
    fields = []
    for key, value in data.items():
        if key == "documents":
            lines = ",\n    ".join(json.dumps(d, ensure_ascii=False) for d in value)
            text = f"[\n    {lines}\n  ]" if value else "[]"
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        fields.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def with_offline(text: str, offline: dict[str, dict]) -> str:
    """``catalog_json(catalog, offline)`` from ``text``, ``catalog_json(catalog)``: the
    copies are its last field, written once the site's pages are, so the documents
    are not encoded a second time (0.06 s at 1,000 documents)."""
    if not offline:
        return text
    copies = json.dumps(offline, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    return text.removesuffix("\n}\n") + f",\n  {json.dumps('offline')}: {copies}\n}}\n"


def format_alert_map(mapping: dict[str, str], fmt: str = "yaml") -> str:
    """The alert map as YAML (for rule files and templating) or JSON, to print."""
    if fmt == "json":
        return terminal_json(mapping, indent=2)
    if not mapping:
        return "{}"
    return yaml.safe_dump(mapping, sort_keys=True, allow_unicode=True, width=1000).rstrip("\n")
