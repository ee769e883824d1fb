"""Document pages: one page per published source document."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from ..check.catalog import Catalog
from ..model import Document, Kind, Tier
from ..sources.erb import LISTING
from ..sources.folders import folder_listing, is_folder_page
from .card import card_entries
from .groups import Groups, group
from .live import live_of, workarounds_shown
from .memo import MemoPass
from .render import Page, doc_link, page_header, render_marked
from .similar import SimilarDocuments
from .ticket_note import USERNAME, ticket_note

__all__ = ["document_page"]


def _body(doc: Document, catalog: Catalog) -> Markup:
    """The document's text; for a folder page with none, a list of what the folder holds."""
    body = catalog.bodies.get(doc.path, doc.body)
    if LISTING in body:  # a tech-docs page listed its folder's pages there
        return Markup(body.replace(LISTING, "\n" + _listing(doc, catalog), 1))
    if body.strip() or not is_folder_page(doc.path):
        return Markup(body)
    return Markup(_listing(doc, catalog))


def _listing(doc: Document, catalog: Catalog) -> str:
    listed = folder_listing(doc, catalog.published)
    return "".join(f"- {doc_link(d, doc.src_uri)}\n" for d in listed)


def _common(doc: Document, catalog: Catalog, groups: Groups) -> dict:
    return {
        "doc": doc,
        "here": doc.src_uri,
        "directory_urls": catalog.settings.directory_urls,
        "today": catalog.today,
        "body": _body(doc, catalog),
        "systems": [catalog.systems[s] for s in doc.systems if s in catalog.systems],
        "overdue": catalog.review_overdue(doc),
        "review_due": doc.review_due(catalog.settings.review_every),
        "changed": catalog.changes.get(doc.path),
        "related": [d for d in catalog.related.get(doc.path, []) if d.path in groups.published],
        "live": live_of(doc, groups),
        "note": None,  # a runbook's ticket note (see _note_context)
        "username": False,
    }


def _system_context(doc: Document, catalog: Catalog, groups: Groups) -> dict:
    system_id = doc.system.id
    incidents = groups.system_incidents(system_id)
    published = groups.published
    actions = [
        (inc, item) for inc in incidents for item in inc.incident.action_items if not item.done
    ]
    actions.sort(key=lambda p: (p[1].due is None, p[1].due or dt.date.min, p[1].title))
    return {
        "depends_on": [
            catalog.systems[s]
            for s in doc.system.depends_on
            if s in catalog.systems and catalog.systems[s].path in published
        ],
        "dependents": [
            catalog.systems[s]
            for s in catalog.dependents.get(system_id, [])
            if catalog.systems[s].path in published
        ],
        "runbooks_by_tier": [(tier, groups.system_runbooks(system_id, tier)) for tier in Tier],
        "incidents": incidents,
        "action_items": actions,
        "known_issues": [inc for inc in incidents if inc.incident.workaround],
    }


def _parts(context: dict) -> dict:
    """The document's runbook and incident parts, and its escalation card: what the
    memo's key says already (the document's fingerprint, the card's steps), worked out
    only for a page that renders."""
    doc = context["doc"]
    card = card_entries(context["steps"]) if "steps" in context else []
    return {"runbook": doc.runbook, "incident": doc.incident, "card": card}


def _runbook_context(context: dict) -> dict:
    return {**_parts(context), **_note_context(context)}


def _note_context(context: dict) -> dict:
    """The runbook's ticket note, the body around it, and whether the page asks for the
    caller's user name (its body's commands or note hold the placeholder): worked out
    from the page's context alone, and only when the page is rendered."""
    doc, target, steps = context["doc"], context["target"], context["steps"]
    body = str(context["body"])
    escalates_to = ""
    if target is not None:
        escalates_to = target.text + (f" · {steps[0][1].team}" if steps else "")
    systems = tuple(s.title for s in context["systems"])
    note = ticket_note(doc, body, systems, escalates_to)
    found = {"note": note, "username": USERNAME in body}
    if note.before is not None:
        found.update(body_before=Markup(note.before), body_after=Markup(note.after))
    return found


def document_page(
    doc: Document,
    catalog: Catalog,
    groups: Groups | None = None,
    similar: SimilarDocuments | None = None,
    *,
    memo: MemoPass | None = None,
) -> Page:
    """The page of one document; pass ``groups`` when rendering many (see :func:`group`)."""
    similar = similar or SimilarDocuments()
    groups = groups or group(catalog)
    context = _common(doc, catalog, groups)
    context["related"] = similar.related_to(doc, catalog, context["related"])
    if doc.kind is Kind.SYSTEM:
        context.update(_system_context(doc, catalog, groups))
        markdown, authored = render_marked("system.md.j2", memo, _parts, **context)
    else:
        target, steps = catalog.escalation_target(doc) if doc.runbook else (None, [])
        used = catalog.incidents_of_runbook.get(doc.path, [])
        context.update(
            workarounds=workarounds_shown(doc, context["live"]) if doc.runbook else None,
            target=target,
            steps=steps,
            incidents_used=used,
            past_incidents=similar.past_incidents_of(doc, catalog),
            runbooks_used=[
                d
                for d in catalog.runbooks_of_incident.get(doc.path, [])
                if d.path in groups.published
            ],
        )
        derive = _runbook_context if doc.runbook else _parts
        markdown, authored = render_marked("document.md.j2", memo, derive, **context)
    meta = {"opskb_kind": doc.kind.text}
    if doc.tier:
        meta["opskb_tier"] = doc.tier.text
    header = page_header(doc.title, **meta)
    return Page(
        doc.src_uri,
        header + "\n" + markdown,
        doc.title,
        source=doc.path,
        authored=authored,
    )
