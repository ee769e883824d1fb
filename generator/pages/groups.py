"""What the overview pages show of the catalogue, in the order they show it.

The catalogue indexes the documents (by kind, tier and system); here they are
put in display order, by title, once per build, and the live incidents of each
system are kept apart, since every page of a system shows them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..check.catalog import Catalog
from ..model import Document, Tier
from .live import is_live

__all__ = ["Groups", "anchor", "anchors", "group"]


@dataclass
class Groups:
    """The catalogue's published documents in display order."""

    published: frozenset[str]  # paths of the documents the site shows
    systems: list[Document]  # published systems, by title
    incidents: list[Document]  # published incidents, newest first
    runbooks: dict[Tier, list[Document]] = field(default_factory=dict)  # by title
    runbooks_of: dict[tuple[str, Tier], list[Document]] = field(default_factory=dict)  # by title
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


def _by_title(docs: list[Document]) -> list[Document]:
    return sorted(docs, key=_title_key)


def group(catalog: Catalog) -> Groups:
    """The catalogue's published documents, put in display order once."""
    published = catalog.published_paths
    systems = _by_title([d for d in catalog.systems.values() if d.path in published])
    incidents = catalog.incidents
    runbooks_of = {  # for every known system: pages ask for no other
        (system_id, tier): found
        for system_id in catalog.systems
        for tier in Tier
        if (found := _by_title(catalog.runbooks_for(system_id, tier)))
    }
    live_of: dict[str, list[Document]] = defaultdict(list)  # every page of a system shows these
    for doc in incidents:
        if is_live(doc):
            for system_id in doc.systems:
                live_of[system_id].append(doc)
    return Groups(
        published,
        systems,
        incidents,
        {tier: _by_title(catalog.runbooks_at(tier)) for tier in Tier},
        runbooks_of,
        {s: found for s in catalog.systems if (found := catalog.incidents_for(s))},
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
