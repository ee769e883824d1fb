"""Per-tier playbooks: everything one tier works from, on one printable page.

A symptom → runbook lookup comes first (what an agent scans on a call), then
each system's runbooks with their steps, then whom that system escalates to.
Runbook bodies are embedded: their headings become bold lines (so the table
of contents lists systems and runbooks only) and their relative links are
re-based from the runbook's page to this one.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from markupsafe import Markup

from ..catalog import Catalog
from ..links import map_html_targets, map_targets
from ..markdown_lines import lines_outside_code
from ..model import Document, EscalationStep, Tier
from ..offline import offline_uri
from .groups import Groups, anchors
from .render import Page, page_header, page_url, relative_url, render_marked

__all__ = ["embed_body", "playbook_page", "playbook_pages", "playbook_uri"]

_HEADING = re.compile(r"^(#{1,6})(?=[ \t]|$)")


def playbook_uri(tier: Tier) -> str:
    return f"playbooks/{tier.slug}.md"


def _rebase(target: str, from_uri: str, to_uri: str) -> str:
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), target))
    return posixpath.relpath(resolved, posixpath.dirname(to_uri) or ".")


def _rebase_url(target: str, from_uri: str, to_uri: str, directory_urls: bool) -> str:
    """A raw HTML link's target (a URL from the page of ``from_uri``) from ``to_uri``'s."""
    end = min((target.find(c) for c in "?#" if c in target), default=len(target))
    path, rest = target[:end], target[end:]  # the query and anchor kept as written
    here = page_url(from_uri, directory_urls)
    folder = here.rstrip("/") if here.endswith("/") else posixpath.dirname(here)
    resolved = posixpath.normpath(posixpath.join(folder, path))
    rebased = relative_url(resolved + ("/" if path.endswith("/") else ""), to_uri, directory_urls)
    return rebased + rest


def embed_body(body: str, from_uri: str, to_uri: str, directory_urls: bool = True) -> str:
    """A page body moved from ``from_uri`` into ``to_uri``, its headings made bold lines."""
    out = []
    for _, line, in_code in lines_outside_code(body):
        if in_code:
            out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            text = line[heading.end() :].strip().rstrip("#").strip()
            line = f"\n**{text}**\n" if text else ""
        if "](" in line or "]:" in line:
            line = map_targets(line, lambda target: _rebase(target, from_uri, to_uri))
        if "<" in line:
            line = map_html_targets(
                line, lambda target: _rebase_url(target, from_uri, to_uri, directory_urls)
            )
        out.append(line)
    return "\n".join(out).strip()


#: A tier with more runbooks than this gets a playbook that links each runbook's steps
#: instead of repeating them: a page of thousands of procedures is neither scannable nor
#: printable, and rendering it would cost more than all the runbook pages together.
EMBED_LIMIT = 150


@dataclass(frozen=True, slots=True)
class _Section:
    """One system's part of a playbook (a class, not a dict: the template reads its
    fields as attributes, and a dict's miss each time with an exception)."""

    system: Document
    anchor: str
    own: EscalationStep | None
    next: EscalationStep | None
    next_tier: Tier | None
    entries: list


def playbook_page(tier: Tier, catalog: Catalog, groups: Groups) -> Page:
    here = playbook_uri(tier)
    embed = len(groups.runbooks[tier]) <= EMBED_LIMIT
    runbook_ids = anchors("rb", [d.path for d in groups.runbooks[tier]])
    section = anchors("sys", [s.system.id for s in groups.systems])
    sections = []
    first_seen: dict[str, str] = {}  # runbook path → the system section showing its steps
    for system in groups.systems:
        runbooks = groups.system_runbooks(system.system.id, tier)
        if not runbooks:
            continue
        entries = []
        for doc in runbooks:
            shown_in = first_seen.setdefault(doc.path, system.system.id)
            body = None
            if shown_in == system.system.id and not embed:
                body = Markup("")  # the template links to the runbook's page instead
            elif shown_in == system.system.id:
                source = catalog.bodies.get(doc.path, doc.body)
                urls = catalog.settings.directory_urls
                body = Markup(embed_body(source, doc.src_uri, here, urls))
            target, steps = catalog.escalation_target(doc)
            steps_by_system = {s.system.id: st for s, st in steps}
            entries.append((doc, doc.runbook, body, target, steps_by_system))
        next_tier = tier.next
        sections.append(
            _Section(
                system=system,
                anchor=section[system.system.id],
                own=system.system.ladder.get(tier),
                next=system.system.ladder.get(next_tier) if next_tier else None,
                next_tier=next_tier,
                entries=entries,
            )
        )
    lookup = []
    for doc in groups.runbooks[tier]:
        for symptom in doc.runbook.symptoms or ("",):
            lookup.append((symptom, doc))
    lookup.sort(key=lambda row: (not row[0], row[0].lower(), row[1].title.lower(), row[1].path))
    markdown, authored = render_marked(
        "playbook.md.j2",
        here=here,
        directory_urls=catalog.settings.directory_urls,
        tier=tier,
        embedded=embed,
        embed_limit=EMBED_LIMIT,
        lookup=lookup,
        sections=sections,
        runbook_ids=runbook_ids,
        systems={s.system.id: s for s in groups.systems},
        offline=offline_uri(tier) if runbook_ids else None,
        built=catalog.today,
    )
    title = f"{tier.value} playbook · {tier.label}"
    header = page_header(title, opskb_kind="playbook", opskb_tier=tier.value)
    return Page(
        here,
        header + "\n" + markdown,
        title,
        authored=authored,
    )


def playbook_pages(catalog: Catalog, groups: Groups) -> list[Page]:
    return [playbook_page(tier, catalog, groups) for tier in Tier]
