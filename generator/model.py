"""The content model: tiers, kinds, and the documents a knowledge base holds.

Everything here is plain data. Loading and validating produce these objects;
every later stage only reads them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from dataclasses import dataclass, field
from typing import Any

from .names import markdown_stem
from .packs import Digest

__all__ = [
    "ActionItem",
    "Document",
    "EscalationLadder",
    "EscalationStep",
    "IncidentInfo",
    "IncidentStatus",
    "Kind",
    "RootCauseCategory",
    "RunbookInfo",
    "Severity",
    "Status",
    "SystemInfo",
    "Tier",
]


_BY_TEXT: dict[type, dict[str, Any]] = {}  # each choice by its lower-case text


class _Choice(enum.Enum):
    def __init__(self, text: str) -> None:
        # plain attributes: an enum's ``value`` is a property, two Python calls a read,
        # and templates read these on page after page
        self.text = text
        self.slug = text.lower()

    @classmethod
    def choices(cls) -> list[str]:
        return [m.text for m in cls]

    @classmethod
    def parse(cls, value: Any):
        """The member for ``value`` (case-insensitive), or ``None``."""
        if isinstance(value, cls):
            return value
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        table = _BY_TEXT.get(cls)
        if table is None:
            table = _BY_TEXT[cls] = {member.slug: member for member in cls}
        return table.get(str(value).strip().lower())

    def __str__(self) -> str:
        return self.value


class Tier(_Choice):
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"

    @property
    def number(self) -> int:
        return int(self.value[1])

    @property
    def next(self) -> Tier | None:
        return TIERS[self.number] if self.number < len(TIERS) else None

    @property
    def label(self) -> str:
        return TIER_LABELS[self]


TIERS = list(Tier)
TIER_LABELS = {
    Tier.L1: "Service desk",
    Tier.L2: "Technical support",
    Tier.L3: "Engineering",
    Tier.L4: "Vendors and experts",
}


class Kind(_Choice):
    RUNBOOK = "runbook"
    INCIDENT = "incident"
    SYSTEM = "system"
    ARTICLE = "article"


class Status(_Choice):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Severity(_Choice):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


class IncidentStatus(_Choice):
    OPEN = "open"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def live(self) -> bool:
        """Still being worked on: every status but resolved, however old the incident."""
        return self is not IncidentStatus.RESOLVED


#: The live statuses' names, in the order live incidents are listed (search records).
LIVE_STATUSES = tuple(status.value for status in IncidentStatus if status.live)


class RootCauseCategory(_Choice):
    CHANGE = "change"
    CAPACITY = "capacity"
    DEPENDENCY = "dependency"
    SOFTWARE_BUG = "software-bug"
    HARDWARE = "hardware"
    CONFIGURATION = "configuration"
    SECURITY = "security"
    HUMAN_ERROR = "human-error"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EscalationStep:
    """Who answers at one tier for one system."""

    tier: Tier
    team: str = ""
    contact: str = ""
    hours: str = ""
    response: str = ""
    response_minutes: int | None = None
    vendor: str = ""
    contract: str = ""
    portal: str = ""
    after_hours: str = ""


@dataclass(frozen=True)
class EscalationLadder:
    steps: tuple[EscalationStep, ...] = ()

    def get(self, tier: Tier | None) -> EscalationStep | None:
        for step in self.steps:
            if step.tier is tier:
                return step
        return None

    def __iter__(self):
        return iter(self.steps)

    def __bool__(self) -> bool:
        return bool(self.steps)


@dataclass(frozen=True)
class ActionItem:
    title: str
    owner: str = ""
    due: dt.date | None = None
    done: bool = False

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.due is not None and self.due < today


@dataclass(frozen=True)
class RunbookInfo:
    symptoms: tuple[str, ...] = ()
    escalate_when: tuple[str, ...] = ()
    escalate_to: Tier | None = None
    prerequisites: tuple[str, ...] = ()
    estimated_time: str = ""
    alerts: tuple[str, ...] = ()
    ticket_note: tuple[str, ...] = ()  # its lines, as written


@dataclass(frozen=True)
class IncidentInfo:
    date: dt.date
    severity: Severity
    status: IncidentStatus
    detected_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    root_cause: str = ""
    root_cause_category: RootCauseCategory | None = None
    runbooks: tuple[str, ...] = ()  # source paths of runbooks used
    workaround: str = ""
    action_items: tuple[ActionItem, ...] = ()

    @property
    def duration(self) -> dt.timedelta | None:
        if self.detected_at and self.resolved_at and self.resolved_at >= self.detected_at:
            return self.resolved_at - self.detected_at
        return None


@dataclass(frozen=True)
class SystemInfo:
    id: str
    depends_on: tuple[str, ...] = ()
    ladder: EscalationLadder = field(default_factory=EscalationLadder)


@dataclass(frozen=True, eq=False)
class Document:
    """One validated source document.

    Compared by identity: a load makes exactly one object per source file, and
    field-by-field equality made every ``doc in documents`` test compare whole
    bodies and metadata (quadratic time on large knowledge bases).
    """

    path: str  # source path relative to the knowledge base, e.g. runbooks/vpn/x.md
    src_uri: str  # where it sits in the site's page tree, e.g. runbooks/vpn/x.md
    url: str  # the page's URL relative to the site root, e.g. runbooks/vpn/x/
    kind: Kind
    title: str
    body: str
    body_line: int  # the line of the source file the body starts on
    tier: Tier | None = None
    systems: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    owner: str = ""
    status: Status = Status.PUBLISHED
    last_reviewed: dt.date | None = None
    review_every: int | None = None
    related: tuple[str, ...] = ()  # source paths
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    runbook: RunbookInfo | None = None
    incident: IncidentInfo | None = None
    system: SystemInfo | None = None

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of every field: equal fingerprints, the same document in every way."""
        fields = [getattr(self, f) for f in _FIELDS if f != "body"]
        # the body, the largest field, as a part of its own: without repr's escaping
        return "D" + Digest(repr(fields), self.body).hexdigest()

    @property
    def is_draft(self) -> bool:
        return self.status is Status.DRAFT

    @property
    def id(self) -> str:
        """A stable identifier: the system id for systems, else the path without .md."""
        if self.system is not None:
            return self.system.id
        return markdown_stem(self.path)

    def review_due(self, default_every: int) -> dt.date | None:
        if self.last_reviewed is None:
            return None
        return self.last_reviewed + dt.timedelta(days=self.review_every or default_every)

    def review_overdue(self, today: dt.date, default_every: int) -> bool:
        due = self.review_due(default_every)
        return due is not None and due < today


_FIELDS = tuple(f.name for f in dataclasses.fields(Document))
