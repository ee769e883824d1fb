"""Known issues: the workarounds from incident write-ups, by system, for L1.

This is the hand-off from L3's root-cause work to the service desk: what to
do if a problem comes back before its fix lands.
"""

from __future__ import annotations

from ..check.catalog import Catalog
from .groups import Groups
from .memo import MemoPass
from .render import Page, page_header, render_template

__all__ = ["known_issues_page"]

URI = "known-issues/index.md"


def known_issues_page(catalog: Catalog, groups: Groups, *, memo: MemoPass | None = None) -> Page:
    sections = []
    for system in groups.systems:
        found = [d for d in groups.system_incidents(system.system.id) if d.incident.workaround]
        if found:
            sections.append((system, found))
    runbooks_used = {
        doc.path: [
            d for d in catalog.runbooks_of_incident.get(doc.path, []) if d.path in groups.published
        ]
        for _, docs in sections
        for doc in docs
    }
    markdown = render_template(
        "known_issues.md.j2",
        memo,
        here=URI,
        directory_urls=catalog.settings.directory_urls,
        sections=sections,
        runbooks_used=runbooks_used,
    )
    return Page(URI, page_header("Known issues") + "\n" + markdown, "Known issues")
