"""The offline copy's page: a template that asks for nothing outside the file."""

from __future__ import annotations

import re
import string

from opskb.publish.offline_template import SCRIPT, STYLE, TEMPLATE


def test_the_template_has_exactly_the_fields_the_copy_fills() -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(TEMPLATE) if name}
    assert fields == {
        "lang",
        "title",
        "site_name",
        "tier",
        "built",
        "count",
        "hosted",
        "contents",
        "sections",
        "matrix",
        "style",
        "script",
    }


def test_the_page_its_style_and_its_script_load_nothing_from_elsewhere() -> None:
    page = TEMPLATE.format_map(
        dict.fromkeys(["lang", "title", "site_name", "tier"], "x")
        | {
            "built": "2026-06-01",
            "count": 0,
            "hosted": "../",
            "contents": "",
            "sections": "",
            "matrix": "",
            "style": STYLE,
            "script": SCRIPT,
        }
    )
    assert not re.search(r"<link\b|\bsrc=|@import|url\(", page)
    assert "fetch(" not in SCRIPT and "XMLHttpRequest" not in SCRIPT
