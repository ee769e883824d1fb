"""Shelves: the published documents indexed by kind, tier and system, in one pass.

Pages and checks ask the catalogue for a system's runbooks at a tier, or its
incidents, once per system and tier; scanning every document for each answer
made a large knowledge base quadratic. The catalogue shelves its documents
once, and answers every such question from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from ..model import Document, Kind, Status, Tier

__all__ = ["Shelves", "shelve"]

_Key = TypeVar("_Key")


@dataclass(frozen=True)
class Shelves:
    """Published documents, each shelf in a stable order: path order, but incidents
    newest first (by date, then path). Retired runbooks are on ``of_kind`` only."""

    of_kind: dict[Kind, tuple[Document, ...]]
    runbooks: tuple[Document, ...]
    runbooks_at: dict[Tier, tuple[Document, ...]]
    runbooks_of: dict[str, tuple[Document, ...]]  # by system id
    runbooks_of_at: dict[tuple[str, Tier], tuple[Document, ...]]  # by system id and tier
    incidents: tuple[Document, ...]
    incidents_of: dict[str, tuple[Document, ...]]  # by system id


def shelve(published: list[Document]) -> Shelves:
    """The shelves of ``published``, a list in path order."""
    of_kind: dict[Kind, list[Document]] = defaultdict(list)
    at: dict[Tier, list[Document]] = defaultdict(list)
    of: dict[str, list[Document]] = defaultdict(list)
    of_at: dict[tuple[str, Tier], list[Document]] = defaultdict(list)
    runbooks = []
    for doc in published:
        of_kind[doc.kind].append(doc)
        if doc.kind is not Kind.RUNBOOK or doc.status is Status.RETIRED:
            continue
        runbooks.append(doc)
        for system_id in doc.systems:
            of[system_id].append(doc)
        if doc.tier is not None:
            at[doc.tier].append(doc)
            for system_id in doc.systems:
                of_at[(system_id, doc.tier)].append(doc)
    incidents = sorted(
        of_kind.get(Kind.INCIDENT, []), key=lambda d: (d.incident.date, d.path), reverse=True
    )
    incidents_of: dict[str, list[Document]] = defaultdict(list)
    for doc in incidents:
        for system_id in doc.systems:
            incidents_of[system_id].append(doc)
    return Shelves(
        of_kind=_tuples(of_kind),
        runbooks=tuple(runbooks),
        runbooks_at=_tuples(at),
        runbooks_of=_tuples(of),
        runbooks_of_at=_tuples(of_at),
        incidents=tuple(incidents),
        incidents_of=_tuples(incidents_of),
    )


def _tuples(found: dict[_Key, list[Document]]) -> dict[_Key, tuple[Document, ...]]:
    """Each list as a tuple: a shelf cannot be changed through what it hands out."""
    return {key: tuple(docs) for key, docs in found.items()}
