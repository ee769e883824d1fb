"""Live incidents first: open and monitoring incidents lead the results for their systems.

While an incident is being worked, the agent taking a call about it must see it
before any runbook: a live incident is listed above the results (with its status
and start time) when the query holds a word of one of its systems (the system's
id or a word of its name) or a word of the incident's own title, another form
of the word counting too ("laptop" for "laptops"). Open incidents come before
monitoring ones, then the latest first. The terminal asks this module; the
search page and the header box get the same words in ``pagefind/systems.json``
(``site_systems``) and apply the rule in ``search-ranking.js``, as text only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import LIVE_STATUSES
from .records import SearchRecord
from .synonyms import Groups, variants
from .vocabulary import is_correctable

__all__ = [
    "LIVE_STATUSES",
    "LiveIncident",
    "live_incidents",
    "matching",
    "site_systems",
    "system_names",
]

_WORD = re.compile(r"[^\W_]+(?:['.-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class LiveIncident:
    """An open or monitoring incident, and the words that bring it to the top."""

    path: str
    url: str
    title: str
    status: str
    started: str
    systems: tuple[str, ...]  # system ids
    words: tuple[str, ...]  # lower case, as written, A–Z


def _words(text: str) -> list[str]:
    """The words of ``text`` worth matching, lower case; a hyphenated id also by its parts
    ("payments-api" is "payments" and "api" too)."""
    found = []
    for word in _WORD.findall(text.lower()):
        found += [word, *word.split("-")] if "-" in word else [word]
    return [w for w in found if is_correctable(w)]


def system_names(records: Iterable[SearchRecord]) -> dict[str, str]:
    """Each system's id → its page's title, from the system pages' records."""
    return {r.systems[0]: r.title for r in records if r.kind == "system" and r.systems}


def live_incidents(
    records: Iterable[SearchRecord], names: Mapping[str, str] | None = None
) -> list[LiveIncident]:
    """The open and monitoring incidents among ``records``: open first, then the latest."""
    records = list(records)
    names = system_names(records) if names is None else names
    live = []
    for r in records:
        if r.kind != "incident" or r.status not in LIVE_STATUSES:
            continue
        text = [r.title, *r.systems, *(names.get(s, "") for s in r.systems)]
        words = tuple(sorted(set(_words(" ".join(text)))))
        live.append(LiveIncident(r.path, r.url, r.title, r.status, r.started, r.systems, words))
    live.sort(key=lambda i: i.path)
    live.sort(key=lambda i: i.started, reverse=True)
    live.sort(key=lambda i: LIVE_STATUSES.index(i.status))
    return live


def matching(
    query: str, incidents: Iterable[LiveIncident], synonyms: Groups = ()
) -> list[LiveIncident]:
    """The incidents whose words hold a word of ``query`` (or of a synonym's version of it),
    in their order."""
    from .terms import analyze  # the terms both sides are compared by (Snowball stems)

    asked = {term for version in variants(query, synonyms) for term in analyze(version)}
    if not asked:
        return []
    return [i for i in incidents if asked & set(analyze(" ".join(i.words)))]


def site_systems(records: Iterable[SearchRecord]) -> str:
    """``pagefind/systems.json`` for the page: ``{"names": {id: name}, "live": [...]}``,
    each live incident's url, title, status, start, system ids and words; keys sorted, so
    the same records give the same bytes. The page puts every value in as text."""
    records = list(records)
    names = system_names(records)
    live = [
        {
            "url": i.url,
            "title": i.title,
            "status": i.status,
            "started": i.started,
            "systems": list(i.systems),
            "words": list(i.words),
        }
        for i in live_incidents(records, names)
    ]
    data = {"names": dict(sorted(names.items())), "live": live}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
