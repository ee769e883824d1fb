"""The escalation matrix: systems × tiers, and each system's path as a diagram.

Each diagram is static SVG drawn at build time (``diagrams.py``): it works
offline, in print and without JavaScript.
"""

from __future__ import annotations

from ..check.catalog import Catalog
from ..model import Document, EscalationStep, Tier
from .diagrams import ladder_svg
from .groups import Groups, anchors
from .memo import MemoPass
from .render import Page, page_header, render_template

__all__ = ["escalation_page"]

URI = "escalation/index.md"


def _vendor_rows(groups: Groups) -> list[tuple[Document, EscalationStep]]:
    rows = []
    for system in groups.systems:
        step = system.system.ladder.get(Tier.L4)
        if step and (step.vendor or step.contract or step.portal):
            rows.append((system, step))
    return rows


def escalation_page(catalog: Catalog, groups: Groups, *, memo: MemoPass | None = None) -> Page:
    section = anchors("sys", [s.system.id for s in groups.systems])
    rows = []
    for system in groups.systems:
        cells = [
            (
                tier,
                system.system.ladder.get(tier),
                len(groups.system_runbooks(system.system.id, tier)),
            )
            for tier in Tier
        ]
        rows.append((system, cells, section[system.system.id]))
    markdown = render_template(
        "escalation.md.j2",
        memo,
        here=URI,
        tiers=list(Tier),
        rows=rows,
        diagrams=[(s, ladder_svg(s)) for s in groups.systems if s.system.ladder],
        vendors=_vendor_rows(groups),
    )
    return Page(
        URI,
        page_header("Escalation matrix", hide=["toc"]) + "\n" + markdown,
        "Escalation matrix",
    )
