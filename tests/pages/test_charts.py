"""Chart descriptions: what a screen reader hears carries every series, escaped."""

from __future__ import annotations

import re

from opskb.pages import charts


def _desc(svg: str) -> str:
    match = re.search(r"<desc>(.*?)</desc>", svg)
    assert match, svg
    return match.group(1)


def test_a_stacked_chart_describes_every_series_of_every_column() -> None:
    svg = charts.stacked_columns(
        "Incidents per month by severity",
        ["2026-04", "2026-05"],
        [
            charts.Series("SEV1", "opskb-fill-sev1", [1, 0]),
            charts.Series("SEV2", "opskb-fill-sev2", [0, 4]),
            charts.Series("SEV3", "opskb-fill-sev3", [2, 1]),
        ],
    )
    assert _desc(svg) == "2026-04: 3 (SEV1 1, SEV2 0, SEV3 2); 2026-05: 5 (SEV1 0, SEV2 4, SEV3 1)"


def test_a_grouped_chart_describes_every_bar_of_every_row() -> None:
    svg = charts.grouped_bars(
        "Time to resolve by system",
        [("VPN", [charts.Bar("median", "a", 30), charts.Bar("worst", "b", 90)])],
        lambda minutes: f"{minutes:g} min",
    )
    assert _desc(svg) == "VPN: median 30 min, worst 90 min"


def test_series_and_column_names_are_inert_in_the_description() -> None:
    hostile = '</desc><script>alert(1)</script>"'
    svg = charts.stacked_columns("t", [hostile], [charts.Series(hostile, "opskb-fill-sev1", [2])])
    assert "<script>" not in svg
    assert _desc(svg).count("&lt;/desc&gt;&lt;script&gt;") == 2
