"""Validate: turn raw documents into typed :class:`Document` objects and problems.

This stage checks one document at a time (types, allowed values, required
keys). Checks that need the whole knowledge base, such as whether a system
exists, belong to the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from .. import fields as f
from ..config import Settings
from ..fields import Field
from ..model import (
    ActionItem,
    Document,
    EscalationLadder,
    EscalationStep,
    IncidentInfo,
    IncidentStatus,
    Kind,
    RootCauseCategory,
    RunbookInfo,
    Severity,
    Status,
    SystemInfo,
    Tier,
)
from ..names import ADOPTED_SUFFIXES, MARKDOWN_SUFFIXES, document_stem
from ..problems import Problem, Problems
from ..sources.adoption import AliasedLines
from ..sources.erb import inert_erb
from ..sources.folders import section_kind
from ..sources.headings import title_and_body
from ..sources.load import RawDocument
from ..sources.walk import DEFAULTS_FILE
from ..urls import page_stem
from .reserved import reserved_problem

__all__ = ["page_location", "page_stem", "validate_document", "validator"]

_SYSTEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_STEP_KEYS = (
    "team",
    "contact",
    "hours",
    "response",
    "vendor",
    "contract",
    "portal",
    "after_hours",
)


def page_location(path: str, settings: Settings) -> tuple[str, str]:
    """(src_uri, url) of the page for a source path; the URL mirrors the path.

    MkDocs makes ``README.md`` its folder's page itself; a Hugo ``_index.md``
    is handed to it as the folder's ``index.md``, a tech-docs ``x.html.md.erb``
    or a file of a suffix an adoption map lists (``x.txt``) as ``x.md``.
    """
    top, _, rest = path.partition("/")  # a source path is relative, with single slashes
    src_uri = rest if rest and top == settings.content_dir else path
    stem = page_stem(src_uri)
    name = document_stem(src_uri).rpartition("/")[2]
    if (
        name == "_index"
        or src_uri.endswith(ADOPTED_SUFFIXES)
        or not src_uri.endswith(MARKDOWN_SUFFIXES)
    ):
        src_uri = stem + ".md"
    if stem == "index":
        return src_uri, ""
    if stem.endswith("/index"):
        return src_uri, stem.removesuffix("index")
    return src_uri, stem + "/"


def kind_from_path(path: str, settings: Settings) -> Kind:
    parts = path.split("/")
    if parts[0] == settings.runbooks_dir:
        return Kind.RUNBOOK
    if parts[0] == settings.content_dir and len(parts) > 2:
        if parts[1] == "incidents":
            return Kind.INCIDENT
        if parts[1] == "systems":
            return Kind.SYSTEM
    return Kind.ARTICLE


def _title(raw: RawDocument, meta: Mapping[str, Any], fld: Field) -> tuple[str, str]:
    """The title and the body, without the heading the page shows as its title."""
    return title_and_body(fld.read(meta, "title", f.text, default=""), raw.body, raw.path)


def _runbook(meta: Mapping[str, Any], fld: Field) -> RunbookInfo:
    return RunbookInfo(
        symptoms=fld.read(meta, "symptoms", f.text_list, default=()),
        escalate_when=fld.read(meta, "escalate_when", f.text_list, default=()),
        escalate_to=fld.read(meta, "escalate_to", f.choice(Tier)),
        prerequisites=fld.read(meta, "prerequisites", f.text_list, default=()),
        estimated_time=fld.read(meta, "estimated_time", f.text, default=""),
        alerts=fld.read(meta, "alerts", f.text_list, default=()),
        ticket_note=fld.read(meta, "ticket_note", f.text_lines, default=()),
    )


def _action_items(value: Any, fld: Field) -> tuple[ActionItem, ...]:
    if not isinstance(value, list):
        fld.report(
            "action_items",
            "'action_items' must be a list of {title, owner, due, done}",
            "write each item as - {title: ..., owner: ..., due: YYYY-MM-DD, done: false}",
        )
        return ()
    items = []
    for index, entry in enumerate(value):
        inner = fld.nested("action_items").nested(index)
        if isinstance(entry, str):
            entry = {"title": entry}
        if not isinstance(entry, dict):
            fld.nested("action_items").report(
                index,
                f"action item {index + 1} must be a mapping",
                "write it as {title: ..., owner: ..., due: ...}",
            )
            continue
        entry = {str(k): v for k, v in entry.items()}
        title = inner.read(entry, "title", f.text, required=True, default="")
        if not title:
            continue
        items.append(
            ActionItem(
                title=title,
                owner=inner.read(entry, "owner", f.text, default=""),
                due=inner.read(entry, "due", f.date),
                done=inner.read(entry, "done", f.flag, default=False),
            )
        )
    return tuple(items)


def _incident(meta: Mapping[str, Any], fld: Field) -> IncidentInfo | None:
    date = fld.read(meta, "date", f.date, required=True)
    severity = fld.read(meta, "severity", f.choice(Severity), required=True)
    status = fld.read(meta, "status", f.choice(IncidentStatus), required=True)
    root_cause = fld.read(meta, "root_cause", f.text, default="")
    if status is IncidentStatus.RESOLVED and not root_cause:
        fld.report(
            "root_cause",
            "a resolved incident needs 'root_cause'",
            "add 'root_cause:' with one line on why it happened (or 'unknown')",
            code="missing",
        )
    detected = fld.read(meta, "detected_at", f.timestamp)
    resolved = fld.read(meta, "resolved_at", f.timestamp)
    if detected and resolved and resolved < detected:
        fld.report(
            "resolved_at",
            "'resolved_at' is before 'detected_at'",
            "check both timestamps and their time zones",
        )
    items = (
        ()
        if meta.get("action_items") in (None, [], "")
        else _action_items(meta["action_items"], fld)
    )
    if date is None or severity is None or status is None:
        return None
    return IncidentInfo(
        date=date,
        severity=severity,
        status=status,
        detected_at=detected,
        resolved_at=resolved,
        root_cause=root_cause,
        root_cause_category=fld.read(meta, "root_cause_category", f.choice(RootCauseCategory)),
        runbooks=fld.read(meta, "runbooks", f.text_list, default=()),
        workaround=fld.read(meta, "workaround", f.text, default=""),
        action_items=items,
    )


def _ladder(value: Any, fld: Field) -> EscalationLadder:
    try:
        ladder = f.mapping(value)
    except f.Invalid as exc:
        fld.report(
            "escalation",
            f"'escalation' {exc.message}",
            "map each tier to its team, e.g. L1: {team: Service Desk, response: 15m}",
        )
        return EscalationLadder()
    steps = []
    for key, entry in ladder.items():
        tier = Tier.parse(key)
        if tier is None:
            fld.nested("escalation").report(
                key,
                f"'{key}' is not a tier; allowed: L1, L2, L3, L4",
                "use the tiers L1 to L4 as keys",
            )
            continue
        inner = fld.nested("escalation").nested(key)
        try:
            entry = f.mapping(entry)
        except f.Invalid as exc:
            fld.nested("escalation").report(
                key, f"'escalation.{key}' {exc.message}", "give team, contact, hours and response"
            )
            continue
        values = {k: inner.read(entry, k, f.text, default="") for k in _STEP_KEYS}
        if not values["team"]:
            inner.report(
                "team",
                f"'escalation.{key}.team' is required",
                "name the team that answers at this tier",
                code="missing",
            )
        if values["response"] and f.parse_response(values["response"]) is None:
            inner.report(
                "response",
                f"'escalation.{key}.response' is {values['response']!r}, not a response time",
                "write a number and a unit, e.g. 15m, 4h or 1d",
            )
            values["response"] = ""
        steps.append(
            EscalationStep(
                tier=tier,
                response_minutes=f.parse_response(values["response"])
                if values["response"]
                else None,
                **values,
            )
        )
    steps.sort(key=lambda s: s.tier.number)
    return EscalationLadder(tuple(steps))


class _WithDefaults(Mapping):
    """A document's own keys over its folder's defaults, noting the defaults read.

    A defaults file may hold many keys no document reads: only those read are
    copied into each document, so the others are not copied, fingerprinted
    and sent between processes once per document below the file.
    """

    def __init__(self, own: dict[str, Any], defaults: dict[str, Any]) -> None:
        self.own, self.defaults = own, defaults
        self.used: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self.own:
            return self.own[key]
        value = self.defaults[key]
        self.used[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        yield from self.own
        yield from (key for key in self.defaults if key not in self.own)

    def __len__(self) -> int:
        return len(self.own.keys() | self.defaults.keys())


def validate_document(raw: RawDocument, settings: Settings, problems: Problems) -> Document | None:
    """A typed document, or ``None`` when it cannot be built at all."""
    if raw.broken:
        return None
    inherited = raw.inherited
    own, written = inherited.adoption.apply(raw.meta, raw.path)
    meta = _WithDefaults(own, raw.defaults)
    lines = AliasedLines(raw.lines, written) if written else raw.lines
    folder = raw.path.rpartition("/")[0]
    nearest = inherited.nearest or (f"{folder}/{DEFAULTS_FILE}" if folder else DEFAULTS_FILE)
    fld = Field(raw.path, lines, problems, defaults_file=nearest)
    kind = fld.read(meta, "kind", f.choice(Kind)) or kind_from_path(raw.path, settings)
    kind = section_kind(raw.path, kind, raw.meta, raw.body)
    title, body = _title(raw, meta, fld)
    if raw.path.endswith(ADOPTED_SUFFIXES):
        body = inert_erb(body, raw.path, raw.body_line, problems)
    status = fld.read(meta, "status", f.text, default="published")
    if kind is Kind.INCIDENT:
        doc_status = Status.PUBLISHED  # an incident's `status` is its own lifecycle
    else:
        doc_status = Status.parse(status)
        if doc_status is None:
            fld.report(
                "status",
                f"'status' is {status!r}; allowed: draft, published, retired",
                "use draft, published or retired",
            )
            doc_status = Status.PUBLISHED
    systems = meta.get("systems")
    if systems in (None, "", []) and meta.get("system") not in (None, ""):
        systems = meta["system"]
        meta_key = "system"
    else:
        meta_key = "systems"
    system_ids = fld.read({meta_key: systems}, meta_key, f.text_list, default=())
    tier_required = kind is Kind.RUNBOOK
    why = " for a runbook" if tier_required else ""
    tier = fld.read(meta, "tier", f.choice(Tier), required=tier_required, why=why)
    if kind in (Kind.RUNBOOK, Kind.INCIDENT) and not system_ids:
        what = "a runbook" if kind is Kind.RUNBOOK else "an incident"
        fld.report(
            "systems",
            f"'systems' is required for {what}",
            f"add e.g. 'systems: [vpn]' naming a system id to {fld.add_to('systems')}",
            code="missing",
        )

    runbook = _runbook(meta, fld) if kind is Kind.RUNBOOK else None
    incident = _incident(meta, fld) if kind is Kind.INCIDENT else None
    system = None
    if kind is Kind.SYSTEM:
        system_id = fld.read(meta, "id", f.text, default="") or PurePosixPath(raw.path).stem
        if not _SYSTEM_ID.match(system_id):
            fld.report(
                "id",
                f"system id {system_id!r} may hold only letters, digits, '.', '_' and '-'",
                "rename the file or set 'id:' to e.g. payments-api",
            )
        system = SystemInfo(
            id=system_id,
            depends_on=fld.read(meta, "depends_on", f.text_list, default=()),
            ladder=_ladder(meta["escalation"], fld)
            if meta.get("escalation") is not None
            else EscalationLadder(),
        )
    if kind is Kind.INCIDENT and incident is None:
        return None
    src_uri, url = page_location(raw.path, settings)
    reserved = reserved_problem(raw.path, url, page=True)
    if reserved is not None:
        problems.add(reserved)
    common = {
        "tags": fld.read(meta, "tags", f.text_list, default=()),
        "owner": fld.read(meta, "owner", f.text, default=""),
        "last_reviewed": fld.read(meta, "last_reviewed", f.date),
        "review_every": fld.read(meta, "review_every", f.days),
        "related": fld.read(meta, "related", f.text_list, default=()),
    }
    return Document(
        path=raw.path,
        src_uri=src_uri,
        url=url,
        kind=kind,
        title=title or raw.path,
        body=body,
        body_line=raw.body_line,
        tier=tier,
        systems=system_ids,
        status=doc_status,
        meta={**meta.used, **own},  # every key is read by now
        **common,
        runbook=runbook,
        incident=incident,
        system=system,
    )


def validator(settings: Settings) -> Callable[[RawDocument], tuple[Document | None, list[Problem]]]:
    """Validation of one document on its own, with its problems (``load_all``'s ``check``)."""

    def check(raw: RawDocument) -> tuple[Document | None, list[Problem]]:
        problems = Problems()
        return validate_document(raw, settings, problems), problems.sorted()

    return check
