"""Escalation path diagrams as static SVG, drawn at build time.

A knowledge base is needed most when things are broken, often on an intranet
with no route to a CDN: so the diagram needs no JavaScript and no diagram
library, prints, and follows the light or dark scheme (text is
``currentColor``; tier colours come from CSS). Every label is escaped.
"""

from __future__ import annotations

import html
import math
import textwrap

from markupsafe import Markup

from ..model import Document, EscalationStep

__all__ = ["ladder_svg"]

_BOX_W = 158  # the narrowest box; wider when a word (an address, say) needs it
_BOX_MAX = 420  # the widest: a longer word than fits is then broken, not the diagram
_PAD = 10  # text inset on either side of a box
_GAP = 30
_LINE = 15
# average advance of a character at the diagram's sizes (12 px bold team, 11 px details),
# measured on the sample's labels in Chromium's sans-serif with a margin for wide letters
_PX_TEAM = 7.4
_PX_SMALL = 6.6


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _lines(text: str, chars: int) -> list[str]:
    """``text`` wrapped to ``chars`` a line, whole: no word, address or number is split
    (at a hyphen either) and nothing is cut short; the box grows to hold its longest word
    (only a word wider than the widest box is broken)."""
    flat = " ".join(text.split())
    return textwrap.wrap(flat, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _parts(step: EscalationStep) -> list[tuple[str, str]]:
    """(css class, text) for each part of a tier's box, before wrapping."""
    parts = [("opskb-dia-team", step.team or "(no team)")]
    if step.vendor and step.vendor != step.team:
        parts.append(("opskb-dia-small", step.vendor))
    if step.contact:
        parts.append(("opskb-dia-small", step.contact))
    timing = " · ".join(p for p in (step.response and f"response {step.response}", step.hours) if p)
    if timing:
        parts.append(("opskb-dia-small", timing))
    return parts


def _px(css: str) -> float:
    return _PX_TEAM if css == "opskb-dia-team" else _PX_SMALL


def _box_width(boxes: list[list[tuple[str, str]]]) -> int:
    """One width for every box of a diagram: the narrowest that holds its longest word."""
    widest = max(
        (len(word) * _px(css) for parts in boxes for css, text in parts for word in text.split()),
        default=0.0,
    )
    return min(_BOX_MAX, max(_BOX_W, math.ceil(widest) + 2 * _PAD))


def _box_lines(parts: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """(css class, text) for each line of a tier's box ``width`` wide."""
    return [
        (css, line)
        for css, text in parts
        for line in _lines(text, int((width - 2 * _PAD) / _px(css)))
    ]


def ladder_svg(system: Document) -> Markup:
    """A left-to-right diagram of a system's ladder: one box per tier, arrows between."""
    steps = sorted(system.system.ladder, key=lambda s: s.tier.number)
    if not steps:
        return Markup("")
    parts = [_parts(step) for step in steps]
    box_w = _box_width(parts)
    boxes = [_box_lines(p, box_w) for p in parts]
    height = 34 + _LINE * max(len(b) for b in boxes) + 12
    width = len(steps) * box_w + (len(steps) - 1) * _GAP + 2
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
        x = 1 + index * (box_w + _GAP)
        slug = step.tier.slug
        parts.append(
            f'<rect class="opskb-dia-box" x="{x}" y="1" width="{box_w}" height="{height}" '
            'rx="6"/>'
            f'<rect class="opskb-dia-tier opskb-dia-{slug}" x="{x}" y="1" width="{box_w}" '
            'height="24" rx="6"/>'
            f'<text class="opskb-dia-head" x="{x + _PAD}" y="18">{_esc(step.tier.value)} · '
            f"{_esc(step.tier.label)}</text>"
        )
        for row, (css, text) in enumerate(lines):
            y = 44 + row * _LINE
            parts.append(f'<text class="{css}" x="{x + _PAD}" y="{y}">{_esc(text)}</text>')
        if index < len(steps) - 1:
            ax, ay = x + box_w + 3, 1 + height // 2
            parts.append(
                f'<path class="opskb-dia-arrow" d="M{ax} {ay} H{ax + _GAP - 8} '
                f'M{ax + _GAP - 13} {ay - 5} L{ax + _GAP - 7} {ay} L{ax + _GAP - 13} {ay + 5}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
