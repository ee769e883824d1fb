"""Front matter read as YAML: simple shapes read fast, anything wrong one problem with a line."""

from __future__ import annotations

import datetime as dt

from opskb.sources.yaml_reader import (
    MAX_DEPTH,
    count_values,
    read_simple,
    read_yaml,
    too_deep,
)


def test_simple_front_matter_is_read_to_typed_values():
    source = "title: Reset\ntier: L1\nsystems: [vpn, mail]\nlast_reviewed: 2026-01-01\n"
    assert read_simple(source) == {
        "title": "Reset",
        "tier": "L1",
        "systems": ["vpn", "mail"],
        "last_reviewed": dt.date(2026, 1, 1),
    }


def test_front_matter_of_another_shape_is_left_to_the_loader_which_reads_it():
    source = "title: &t Reset\nalias: *t\n"
    assert read_simple(source) is None
    assert read_yaml("r.md", source, 2) == ({"title": "Reset", "alias": "Reset"}, None)


def test_broken_yaml_is_one_problem_on_its_line():
    value, problem = read_yaml("runbooks/vpn/r.md", "title: Reset\ntier: [L1\nowner: x\n", 2)
    assert value is None
    assert (problem.path, problem.code) == ("runbooks/vpn/r.md", "yaml")
    assert problem.line == 4  # where the unclosed list is found to end
    assert problem.message.startswith("front matter is not valid YAML: ")


def test_a_tab_indent_gets_the_fix_for_tabs():
    _, problem = read_yaml("r.md", "escalation:\n\tL1: x\n", 2)
    assert problem.hint == "indent YAML with spaces, not tabs"


def test_nesting_beyond_the_limit_is_found_before_parsing():
    deep = "x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    assert too_deep(deep) == 0
    assert too_deep("x: [[1]]\n") is None
    value, problem = read_yaml("r.md", deep, 2)
    assert value is None and problem is not None


def test_values_are_counted_with_every_alias_repeat():
    shared = [1, 2, 3]
    assert count_values({"a": shared, "b": shared}) > count_values({"a": shared})
