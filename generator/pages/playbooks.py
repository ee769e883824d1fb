"""Per-tier playbooks: everything one tier works from, on one printable page.

A symptom → runbook lookup with a filter box comes first (what an agent scans
on a call), then each system: its contacts first, then its runbooks, each with
the runbook page's escalation card beside it (when to escalate, to whom, how to
reach them) and its steps folded under the heading, so the page reads as a list
of runbooks and whom to call. Runbook bodies are embedded: their headings become
bold lines (so the table of contents lists systems and runbooks only) and their
relative links are re-based from the runbook's page to this one.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from markupsafe import Markup

from ..check.catalog import Catalog
from ..model import Document, EscalationStep, Tier
from ..sources.markdown_lines import lines_outside_code
from ..sources.markdown_links import map_html_targets, map_targets, may_link_html, may_link_markdown
from ..urls import offline_uri, page_url, relative_url
from .card import card_entries
from .contacts import contact_links
from .groups import Groups, anchors
from .memo import MemoPass
from .render import Page, page_header, render_marked

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
        if may_link_markdown(line):
            line = map_targets(line, lambda target: _rebase(target, from_uri, to_uri))
        if may_link_html(line):
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
    own_contact: Markup
    next_contact: Markup
    next_after_hours: Markup


def _in_page_order(first_seen: dict[str, str], runbooks: list[Document]) -> list[Document]:
    """``runbooks`` in the order their steps appear on the page (any shown in no section
    last, so the lookup still lists every one)."""
    by_path = {doc.path: doc for doc in runbooks}
    shown = [by_path[path] for path in first_seen if path in by_path]
    return shown + [doc for doc in runbooks if doc.path not in first_seen]


def playbook_page(
    tier: Tier, catalog: Catalog, groups: Groups, *, memo: MemoPass | None = None
) -> Page:
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
            entries.append((doc, doc.runbook, body, target, card_entries(steps)))
        next_tier = tier.next
        own = system.system.ladder.get(tier)
        up = system.system.ladder.get(next_tier) if next_tier else None
        sections.append(
            _Section(
                system=system,
                anchor=section[system.system.id],
                own=own,
                next=up,
                next_tier=next_tier,
                entries=entries,
                own_contact=contact_links(own.contact if own else ""),
                next_contact=contact_links(up.contact if up else ""),
                next_after_hours=contact_links(up.after_hours if up else ""),
            )
        )
    # one row a runbook, in the order of the sections below, its symptoms side by side: a
    # row a symptom, sorted alphabetically, made the sample's L1 lookup 50 rows (2,800 px)
    ordered = _in_page_order(first_seen, groups.runbooks[tier])
    lookup = [(doc.runbook.symptoms, doc) for doc in ordered]
    markdown, authored = render_marked(
        "playbook.md.j2",
        memo,
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
