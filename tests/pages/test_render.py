"""Rendering internals that pages rely on: spliced partials, the escape cache, choices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest
from opskb.model import IncidentStatus, Kind, RootCauseCategory, Severity, Status, Tier
from opskb.pages import render
from opskb.pages import render_site as render_pages
from opskb.pipeline import load_kb

from bench.synthetic import write_kb

_OPTIONS = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}

PARTS = {
    "_text.j2": "a line of {{ name }}\n\n",  # ends with a blank line
    "_tag.j2": "{% if name %}\n<p>{{ name }}</p>\n{% endif %}\n",  # ends with a tag
    "_comment.j2": "{# what this part is #}\n{% for n in names %}{{ n }};{% endfor %}\n",
    "page.j2": (
        "# top\n\n"
        '{% include "_text.j2" %}\n'
        "{% for name in names %}\n"
        '{% include "_tag.j2" %}\n'
        "{% endfor %}\n"
        '{% with name = "inner" %}{% include "_tag.j2" %}{% endwith %}\n'
        'between {% include "_comment.j2" %}\n'
        "end\n"
    ),
}


@pytest.mark.parametrize("names", [[], ["x"], ["x", "y", "z"]])
def test_spliced_partials_render_as_includes_do(tmp_path: Path, names: list[str]) -> None:
    for name, text in PARTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    included = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), **_OPTIONS)
    spliced = jinja2.Environment(loader=render._SplicingLoader(str(tmp_path)), **_OPTIONS)
    assert "include" not in spliced.loader.get_source(spliced, "page.j2")[0]
    context = {"name": "outer", "names": names}
    expected = included.get_template("page.j2").render(**context)
    assert spliced.get_template("page.j2").render(**context) == expected


def test_the_site_is_the_same_with_partials_included(tmp_path: Path) -> None:
    """Every page of a knowledge base with all kinds, rendered with our templates'
    partials spliced in and with Jinja's own includes, is the same Markdown."""
    write_kb(tmp_path, documents=150)
    catalog = load_kb(tmp_path).catalog
    spliced = render_pages(catalog)
    plain = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(render.TEMPLATES)),
        finalize=render._finalize,
        undefined=jinja2.StrictUndefined,
        **_OPTIONS,
    )
    plain.filters.update(render._env().filters)
    original = render._env
    render._env = lambda: plain
    try:
        included = render_pages(catalog)
    finally:
        render._env = original
    assert [p.src_uri for p in spliced.pages] == [p.src_uri for p in included.pages]
    kinds = {p.src_uri.split("/")[0] for p in spliced.pages}
    assert {"runbooks", "incidents", "systems", "playbooks", "known-issues"} <= kinds
    for ours, theirs in zip(spliced.pages, included.pages, strict=True):
        assert ours.markdown == theirs.markdown, ours.src_uri
        assert ours.authored == theirs.authored, ours.src_uri


def test_escaped_values_are_kept_apart_by_type() -> None:
    """Equal values of other types print as their own type does, whatever was printed first."""
    render._ESCAPED.clear()
    day = dt.date(2026, 3, 1)
    assert render._finalize(day) == "2026-03-01"
    assert render._finalize(dt.datetime(2026, 3, 1, 9, 30)) == "2026-03-01 09:30 UTC"
    assert render._finalize(day) == "2026-03-01"
    assert render._finalize(1) == "1"
    assert render._finalize(True) == "True"
    assert render._finalize(1.0) == "1.0"
    assert render._finalize("2026-03-01") == "2026-03-01"
    assert render._finalize("a_b") == "a&#95;b"
    assert render._finalize(render.Markup("a_b")) == "a_b"  # trusted: never escaped
    assert render._finalize("a_b") == "a&#95;b"


CHOICES = [Tier, Kind, Status, Severity, IncidentStatus, RootCauseCategory]


@pytest.mark.parametrize("choice", CHOICES)
def test_choices_have_their_text_and_slug_as_plain_attributes(choice) -> None:
    for member in choice:
        assert member.text == member.value == str(member)
        assert member.slug == member.value.lower()
        assert "text" in vars(member) and "slug" in vars(member)
