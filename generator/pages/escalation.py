"""The escalation matrix: systems × tiers, and each system's path as a diagram.

The diagram is Mermaid source inside ``<pre class="mermaid">``, the markup
Material for MkDocs renders as a diagram; without JavaScript the matrix above
it still says everything. Front-matter text reaches Mermaid only as entity
codes, so no label can end a string, start a new statement or become HTML.
"""

from __future__ import annotations

import html
import itertools
import string

from markupsafe import Markup

from ..catalog import Catalog
from ..model import Document, EscalationStep, Tier
from .groups import Groups, anchors
from .render import Page, page_header, render_template

__all__ = ["escalation_page", "mermaid_label", "mermaid_ladder"]

URI = "escalation/index.md"
_SAFE = frozenset(string.ascii_letters + string.digits + " .,:/@+-_()'")
_LABEL_LIMIT = 80


def mermaid_label(value: object) -> str:
    """Text for a quoted Mermaid label: every character outside a small safe set as ``#NN;``."""
    text = " ".join(str(value).split())
    if len(text) > _LABEL_LIMIT:
        text = text[: _LABEL_LIMIT - 1] + "…"
    return "".join(c if c in _SAFE else f"#{ord(c)};" for c in text)


def mermaid_ladder(system: Document) -> str:
    """A left-to-right flowchart of a system's ladder, L1 first."""
    lines = ["flowchart LR"]
    steps = [s for s in system.system.ladder if s.tier is not None]
    steps.sort(key=lambda s: s.tier.number)
    for step in steps:
        parts = [f"{step.tier.value} {step.team}".strip()]
        if step.vendor:
            parts.append(step.vendor)
        if step.contact:
            parts.append(step.contact)
        timing = " ".join(
            p for p in (step.response and f"{step.response} response", step.hours) if p
        )
        if timing:
            parts.append(timing)
        label = "<br>".join(mermaid_label(p) for p in parts)
        lines.append(f'  {step.tier.value}["{label}"]')
    for before, after in itertools.pairwise(steps):
        lines.append(f"  {before.tier.value} --> {after.tier.value}")
    return "\n".join(lines)


def _diagram(system: Document) -> Markup:
    source = html.escape(mermaid_ladder(system), quote=False)
    return Markup(f'<pre class="mermaid"><code>{source}</code></pre>')


def _vendor_rows(groups: Groups) -> list[tuple[Document, EscalationStep]]:
    rows = []
    for system in groups.systems:
        step = system.system.ladder.get(Tier.L4)
        if step and (step.vendor or step.contract or step.portal):
            rows.append((system, step))
    return rows


def escalation_page(catalog: Catalog, groups: Groups) -> Page:
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
        here=URI,
        tiers=list(Tier),
        rows=rows,
        diagrams=[(s, _diagram(s)) for s in groups.systems if s.system.ladder],
        vendors=_vendor_rows(groups),
    )
    return Page(
        URI,
        page_header("Escalation matrix", hide=["toc"]) + "\n" + markdown,
        "Escalation matrix",
        depends={"*systems", "*runbooks"},
    )
