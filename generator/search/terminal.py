"""``opskb search`` output: ranked hits for a person at a terminal, or JSON for tools.

Kept apart from the command line so the wording can be tested without it.
Matched words are marked with ANSI bold; callers strip styles when the
output is not a terminal (click does). What documents hold is shown as
written, its control characters escaped, never sent to the terminal raw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import PurePosixPath

from ..terminal_text import terminal_json, terminal_safe
from .engine import Hit
from .index import Results

__all__ = [
    "did_you_mean",
    "hits_json",
    "hits_text",
    "live_text",
    "partial_note",
    "shown_title",
]

SOME_WORDS = "no page has every word; showing pages with some"

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def full_url(hit: Hit, site_url: str) -> str:
    """The page's address: absolute when the site's address is known."""
    if not site_url:
        return hit.url
    return site_url.rstrip("/") + "/" + hit.url.lstrip("/")


def shown_title(hit: Hit, repeated: bool) -> str:
    """The hit's title, with the folder it sits in when other hits have the same title
    (adopted repositories hold a "Readme" in every folder)."""
    if not repeated:
        return hit.title
    folder = str(PurePosixPath(hit.path).parent)
    return f"{hit.title} ({folder})" if folder != "." else hit.title


def _systems(hit: Hit, names: dict[str, str]) -> str:
    """The hit's systems by name (by id when a system has no page)."""
    return ", ".join(names.get(s) or s for s in hit.systems)


def live_text(results: Results, site_url: str = "", style: Style = _plain) -> list[str]:
    """The live incidents the query is about, before the hits: status, start, systems."""
    lines = []
    for hit in results.live:
        mark = style(f"LIVE {hit.status.upper()}", bold=True, fg="red")
        facts = " · ".join(b for b in (f"since {hit.started}", _systems(hit, results.names)) if b)
        title = style(terminal_safe(hit.title), bold=True)
        lines.append(f"{mark}  {title}  {style('[' + terminal_safe(facts) + ']', dim=True)}")
        lines.append("   " + style(terminal_safe(full_url(hit, site_url)), fg="cyan"))
    return lines


def hits_text(results: Results, site_url: str = "", style: Style = _plain) -> str:
    """The live incidents, then one block per hit: title and badges, the matching snippet,
    the page URL."""
    lines = live_text(results, site_url, style)
    width = len(str(len(results.hits)))
    titles = Counter(hit.title.casefold() for hit in results.hits)
    for number, hit in enumerate(results.hits, 1):
        badges = " · ".join(b for b in (hit.tier, hit.kind, _systems(hit, results.names)) if b)
        badges = terminal_safe(badges)
        title = shown_title(hit, titles[hit.title.casefold()] > 1)
        title = style(terminal_safe(title), bold=True)
        lines.append(f"{number:>{width}}. {title}  {style('[' + badges + ']', dim=True)}")
        if hit.snippet:
            snippet = "".join(
                style(terminal_safe(text), bold=True, fg="yellow")
                if matched
                else terminal_safe(text)
                for text, matched in hit.snippet
            )
            lines.append(" " * (width + 2) + snippet)
        url = terminal_safe(full_url(hit, site_url))
        lines.append(" " * (width + 2) + style(url, fg="cyan"))
    return "\n".join(lines)


def hits_json(results: Results, site_url: str = "") -> str:
    """A JSON array of hits: title, kind, tier, systems, path, url, score (and snippet); the
    live incidents first, with ``"live": true``, their status and start."""
    items = []
    for hit in [*results.live, *results.hits]:
        item = hit.as_json()
        item["url"] = full_url(hit, site_url)
        items.append(item)
    return terminal_json(items, indent=2)


def did_you_mean(results: Results) -> str:
    """``did you mean "…"?`` naming the corrected words (and saying when the hits are the
    corrected query's), or ``""``."""
    if not results.corrections:
        return ""
    fixes = ", ".join(f"'{bad}' → '{good}'" for bad, good in results.corrections.items())
    shown = "; showing its results" if results.corrected else ""
    return terminal_safe(f'did you mean "{results.did_you_mean}"? ({fixes}){shown}')


def partial_note(results: Results) -> str:
    """Says so when no hit holds every word of the query, else ``""``."""
    return SOME_WORDS if results.some_words else ""
