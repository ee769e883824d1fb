"""Static SVG charts, drawn at build time.

No JavaScript and no chart library: a chart is a handful of rectangles and
labels. Colours come from CSS classes (``pages.css``) and text uses
``currentColor``, so a chart follows the light or dark scheme and prints.
Every label is escaped; the SVG is meant to sit inline in a page.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["Bar", "Series", "grouped_bars", "stacked_columns"]

_WIDTH = 720
_FONT = 12


@dataclass(frozen=True)
class Series:
    """One named, coloured series; ``values`` line up with the chart's labels."""

    name: str
    css_class: str
    values: Sequence[float]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar of a row in :func:`grouped_bars`."""

    name: str
    css_class: str
    value: float


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _nice_step(maximum: float, ticks: int = 5) -> int:
    """A whole, round tick step (1, 2 or 5 × 10ⁿ) giving at most ``ticks`` intervals."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _svg(title: str, height: float, body: list[str], description: str) -> Markup:
    head = (
        f'<svg class="opskb-chart" viewBox="0 0 {_WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-label="{_text(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{_FONT}">'
        f"<title>{_text(title)}</title><desc>{_text(description)}</desc>"
    )
    return Markup("".join([head, *body, "</svg>"]))


def _legend(series: Sequence[Series | Bar], y: float) -> list[str]:
    parts, x = [], 0.0
    for item in series:
        parts.append(
            f'<rect class="{_text(item.css_class)}" x="{x:.1f}" y="{y - 10:.1f}" '
            'width="12" height="12" rx="2"/>'
        )
        parts.append(
            f'<text class="opskb-chart-text" x="{x + 16:.1f}" y="{y:.1f}">{_text(item.name)}</text>'
        )
        x += 24 + 7.2 * len(item.name)
    return parts


def stacked_columns(
    title: str, labels: Sequence[str], series: Sequence[Series], *, every: int = 1
) -> Markup:
    """Columns of stacked counts, one per label (e.g. incidents per month by severity).

    ``every`` prints only every n-th label under the columns, for long ranges.
    """
    left, right, top, bottom = 36, 8, 28, 28
    height = 240
    plot_w, plot_h = _WIDTH - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    step = _nice_step(max(totals, default=0))
    top_value = step * max(1, math.ceil(max(totals, default=0) / step))
    scale = plot_h / top_value
    body = _legend(series, 14)
    value = 0.0
    while value <= top_value + 1e-9:
        y = top + plot_h - value * scale
        body.append(
            f'<line class="opskb-chart-grid" x1="{left}" x2="{_WIDTH - right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        body.append(
            f'<text class="opskb-chart-text" x="{left - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{value:g}</text>'
        )
        value += step
    slot = plot_w / max(1, len(labels))
    width = max(2.0, slot * 0.7)
    for index, label in enumerate(labels):
        x = left + slot * index + (slot - width) / 2
        base = top + plot_h
        for item in series:
            count = item.values[index]
            if not count:
                continue
            h = count * scale
            base -= h
            body.append(
                f'<rect class="{_text(item.css_class)}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{width:.1f}" height="{h:.1f}"><title>{_text(label)} · '
                f"{_text(item.name)}: {count:g}</title></rect>"
            )
        if index % every == 0:
            body.append(
                f'<text class="opskb-chart-text" x="{x + width / 2:.1f}" y="{height - 8}" '
                f'text-anchor="middle">{_text(label)}</text>'
            )
    return _svg(title, height, body, _stacked_description(labels, series, totals))


def _stacked_description(
    labels: Sequence[str], series: Sequence[Series], totals: Sequence[float]
) -> str:
    """Every column's total and each series in it, so a screen reader hears what a reader sees.

    ``Jan 2026: 3 (SEV1 1, SEV2 0, SEV3 2, SEV4 0)`` — zeros are said too, so
    every column names every series in the legend's order.
    """
    columns = []
    for index, label in enumerate(labels):
        parts = ", ".join(f"{item.name} {item.values[index]:g}" for item in series)
        columns.append(f"{label}: {totals[index]:g} ({parts})" if series else f"{label}: 0")
    return "; ".join(columns)


def grouped_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[Bar]]],
    format_value: Callable[[float], str],
) -> Markup:
    """Horizontal bars, a group per row (e.g. median and worst time to resolve by system)."""
    label_w, right, top = 170, 90, 28
    bar_h, gap = 14, 10
    per_row = max((len(bars) for _, bars in rows), default=1) * bar_h + gap
    height = top + per_row * len(rows) + 6
    plot_w = _WIDTH - label_w - right
    largest = max((b.value for _, bars in rows for b in bars), default=0) or 1
    legend = rows[0][1] if rows else []
    body = _legend(legend, 14)
    for index, (label, bars) in enumerate(rows):
        y = top + per_row * index
        body.append(
            f'<text class="opskb-chart-text" x="{label_w - 8}" y="{y + per_row / 2:.1f}" '
            f'text-anchor="end">{_text(_clip(label, 26))}<title>{_text(label)}</title></text>'
        )
        for offset, bar in enumerate(bars):
            w = max(1.0, plot_w * bar.value / largest)
            by = y + offset * bar_h
            body.append(
                f'<rect class="{_text(bar.css_class)}" x="{label_w}" y="{by:.1f}" '
                f'width="{w:.1f}" height="{bar_h - 1}"><title>{_text(label)} · '
                f"{_text(bar.name)}: {_text(format_value(bar.value))}</title></rect>"
            )
            body.append(
                f'<text class="opskb-chart-text opskb-chart-small" x="{label_w + w + 4:.1f}" '
                f'y="{by + bar_h - 1:.1f}">{_text(format_value(bar.value))}</text>'
            )
    description = "; ".join(
        f"{label}: " + ", ".join(f"{b.name} {format_value(b.value)}" for b in bars)
        for label, bars in rows
    )
    return _svg(title, height, body, description)
