"""Escalation path diagrams as static SVG, drawn at build time.

A knowledge base is needed most when things are broken, often on an intranet
with no route to a CDN: so the diagram needs no JavaScript and no diagram
library, prints, and follows the light or dark scheme (text is
``currentColor``; tier colours come from CSS). Every label is escaped.
"""

from __future__ import annotations

import html
import textwrap

from markupsafe import Markup

from ..model import Document, EscalationStep

__all__ = ["ladder_svg"]

_BOX_W = 158
_GAP = 30
_LINE = 15
_CHARS = 22  # characters per line inside a box at the chosen font size


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _lines(text: str, limit: int = 2, chars: int = _CHARS) -> list[str]:
    """``text`` wrapped to the box width, at most ``limit`` lines (the last clipped)."""
    wrapped = textwrap.wrap(" ".join(text.split()), chars, break_long_words=True) or [""]
    if len(wrapped) > limit:
        wrapped = [*wrapped[: limit - 1], wrapped[limit - 1][: chars - 1] + "…"]
    return wrapped


def _box_lines(step: EscalationStep) -> list[tuple[str, str]]:
    """(css class, text) for each line of a tier's box."""
    rows = [("opskb-dia-team", line) for line in _lines(step.team or "(no team)", chars=19)]
    if step.vendor and step.vendor != step.team:
        rows += [("opskb-dia-small", line) for line in _lines(step.vendor, 1)]
    if step.contact:
        rows += [("opskb-dia-small", line) for line in _lines(step.contact)]
    timing = " · ".join(p for p in (step.response and f"response {step.response}", step.hours) if p)
    if timing:
        rows += [("opskb-dia-small", line) for line in _lines(timing)]
    return rows


def ladder_svg(system: Document) -> Markup:
    """A left-to-right diagram of a system's ladder: one box per tier, arrows between."""
    steps = sorted(system.system.ladder, key=lambda s: s.tier.number)
    if not steps:
        return Markup("")
    boxes = [_box_lines(step) for step in steps]
    height = 34 + _LINE * max(len(b) for b in boxes) + 12
    width = len(steps) * _BOX_W + (len(steps) - 1) * _GAP + 2
    label = f"Escalation path of {system.title}: " + " → ".join(
        f"{s.tier.value} {s.team}" for s in steps
    )
    parts = [
        f'<svg class="opskb-diagram" viewBox="0 0 {width} {height + 2}" width="{width}" '
        f'height="{height + 2}" role="img" aria-label="{_esc(label)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_esc(label)}</title>",
    ]
    for index, (step, lines) in enumerate(zip(steps, boxes, strict=True)):
        x = 1 + index * (_BOX_W + _GAP)
        slug = step.tier.slug
        parts.append(
            f'<rect class="opskb-dia-box" x="{x}" y="1" width="{_BOX_W}" height="{height}" '
            'rx="6"/>'
            f'<rect class="opskb-dia-tier opskb-dia-{slug}" x="{x}" y="1" width="{_BOX_W}" '
            'height="24" rx="6"/>'
            f'<text class="opskb-dia-head" x="{x + 10}" y="18">{_esc(step.tier.value)} · '
            f"{_esc(step.tier.label)}</text>"
        )
        for row, (css, text) in enumerate(lines):
            y = 44 + row * _LINE
            parts.append(f'<text class="{css}" x="{x + 10}" y="{y}">{_esc(text)}</text>')
        if index < len(steps) - 1:
            ax, ay = x + _BOX_W + 3, 1 + height // 2
            parts.append(
                f'<path class="opskb-dia-arrow" d="M{ax} {ay} H{ax + _GAP - 8} '
                f'M{ax + _GAP - 13} {ay - 5} L{ax + _GAP - 7} {ay} L{ax + _GAP - 13} {ay + 5}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
