"""Groupings every overview page reads, computed once per build.

Pages look documents up by system and tier many times; asking the catalogue
each time would scan every document per system and make a large knowledge
base quadratic. One pass here builds every index the pages need.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..check.catalog import Catalog
from ..model import Document, Kind, Status, Tier
from .live import is_live

__all__ = ["Groups", "anchor", "anchors", "group"]


@dataclass
class Groups:
    """Published documents indexed by system and tier (lists keep a stable order)."""

    published: frozenset[str]  # paths of the documents the site shows
    systems: list[Document]  # published systems, by title
    incidents: list[Document]  # published incidents, newest first
    runbooks: dict[Tier, list[Document]] = field(default_factory=dict)  # by title
    runbooks_of: dict[tuple[str, Tier], list[Document]] = field(default_factory=dict)
    incidents_of: dict[str, list[Document]] = field(default_factory=dict)  # newest first
    live_of: dict[str, list[Document]] = field(default_factory=dict)  # not resolved, newest first

    def system_runbooks(self, system_id: str, tier: Tier) -> list[Document]:
        return self.runbooks_of.get((system_id, tier), [])

    def system_incidents(self, system_id: str) -> list[Document]:
        return self.incidents_of.get(system_id, [])

    def system_live_incidents(self, system_id: str) -> list[Document]:
        return self.live_of.get(system_id, [])


def _title_key(doc: Document) -> tuple[str, str]:
    return (doc.title.lower(), doc.path)


def group(catalog: Catalog) -> Groups:
    """Index the catalogue's published documents in one pass."""
    published = catalog.published_paths
    systems = sorted((d for d in catalog.systems.values() if d.path in published), key=_title_key)
    incidents = sorted(
        (d for d in catalog.published if d.kind is Kind.INCIDENT and d.incident),
        key=lambda d: (d.incident.date, d.path),
        reverse=True,
    )
    runbooks: dict[Tier, list[Document]] = {tier: [] for tier in Tier}
    runbooks_of: dict[tuple[str, Tier], list[Document]] = defaultdict(list)
    for doc in sorted(catalog.published, key=_title_key):
        if doc.kind is not Kind.RUNBOOK or doc.tier is None or doc.status is Status.RETIRED:
            continue
        runbooks[doc.tier].append(doc)
        for system_id in doc.systems:
            runbooks_of[(system_id, doc.tier)].append(doc)
    incidents_of: dict[str, list[Document]] = defaultdict(list)
    live_of: dict[str, list[Document]] = defaultdict(list)  # every page of a system shows these
    for doc in incidents:
        for system_id in doc.systems:
            incidents_of[system_id].append(doc)
            if is_live(doc):
                live_of[system_id].append(doc)
    return Groups(
        published,
        systems,
        incidents,
        runbooks,
        dict(runbooks_of),
        dict(incidents_of),
        dict(live_of),
    )


_UNSAFE_ID = re.compile(r"[^a-z0-9]+")


def anchor(prefix: str, text: str) -> str:
    """An HTML id made of ``[a-z0-9-]`` only, so front-matter text cannot break it."""
    slug = _UNSAFE_ID.sub("-", text.lower()).strip("-")
    return f"{prefix}-{slug}" if slug else prefix


def anchors(prefix: str, keys: list[str]) -> dict[str, str]:
    """A unique :func:`anchor` for each key (``-2``, ``-3`` … on collisions)."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        base = candidate = anchor(prefix, key)
        number = 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate)
        result[key] = candidate
    return result
