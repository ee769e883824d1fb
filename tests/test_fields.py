"""Reading front-matter keys: each value typed, or one problem on its own line with a fix."""

from __future__ import annotations

import pytest
from opskb.fields import Field, Invalid, parse_response
from opskb.problems import Problems
from opskb.sources.key_lines import KeyLines

FRONT = """\
title: Reset VPN token
escalation:
  L2: {team: NetOps, response: soon}
hours: 8
"""


def field(prefix: tuple = ()) -> tuple[Field, Problems]:
    problems = Problems()
    return Field("runbooks/vpn/reset.md", KeyLines(FRONT, 2), problems, prefix), problems


def shouting(value):
    if not isinstance(value, str):
        raise Invalid("must be text", "write it in words")
    return value.upper()


@pytest.mark.parametrize(
    ("written", "minutes"), [("15m", 15), ("4h", 240), ("1d", 1440), ("1.5 hours", 90)]
)
def test_a_response_target_is_read_in_minutes(written, minutes):
    assert parse_response(written) == minutes


def test_a_response_target_without_a_unit_is_not_one():
    assert parse_response("soon") is None
    assert parse_response("15") is None


def test_a_key_is_read_through_its_reader_with_no_problem():
    reader, problems = field()
    assert reader.read({"title": "Reset VPN token"}, "title", shouting) == "RESET VPN TOKEN"
    assert list(problems) == []


def test_a_missing_required_key_is_one_error_saying_where_to_add_it():
    reader, problems = field()
    assert reader.read({}, "owner", shouting, required=True, default="?") == "?"
    [problem] = problems
    assert problem.message == "'owner' is required"
    assert problem.hint == "add 'owner:' to the front matter"
    assert (problem.path, problem.code) == ("runbooks/vpn/reset.md", "missing")


def test_a_value_the_reader_refuses_is_an_error_on_the_keys_line_with_the_readers_fix():
    reader, problems = field()
    assert reader.read({"hours": 8}, "hours", shouting) is None
    [problem] = problems
    assert (problem.line, problem.key) == (5, "hours")
    assert (problem.message, problem.hint) == ("'hours' must be text", "write it in words")


def test_a_nested_key_is_named_in_full_and_found_on_its_own_line():
    reader, problems = field()
    nested = reader.nested("escalation").nested("L2")
    nested.report("response", "'escalation.L2.response' is 'soon', not a response time")
    [problem] = problems
    assert (problem.key, problem.line) == ("escalation.L2.response", 4)
