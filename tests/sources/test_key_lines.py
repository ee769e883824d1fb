"""Key lines: each problem about a front-matter key names the line the key is on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from opskb.sources.key_lines import KeyLines

# as it follows a '---' line: its first line is line 2 of the file
FRONT = """title: Reset a VPN token
'tier': L1
# owner: a comment, not a key
symptoms:
  - token code invalid
  - fob shows dashes
tags: [vpn, token]
escalation:
  L1:
    team: Service desk
  L2:
    team: Network
action_items:
- title: rotate the keys
  due: 2026-01-01
- title: audit the fobs
  due: 2026-02-01
"""


def test_top_level_keys_are_found_on_their_lines_counted_from_the_first():
    lines = KeyLines(FRONT, 2)
    assert lines.top == {
        "title": 2,
        "tier": 3,
        "symptoms": 5,
        "tags": 8,
        "escalation": 9,
        "action_items": 14,
    }
    assert lines.line("tier") == 3 and lines.duplicates == []


def test_comments_list_entries_and_nested_keys_are_not_top_level_keys():
    lines = KeyLines(FRONT, 2)
    assert {"owner", "team", "L1", "due", "- title"}.isdisjoint(lines.top)


def test_a_key_set_twice_is_reported_with_both_lines_and_the_last_one_counts():
    lines = KeyLines("title: One\ntier: L1\ntitle: Two\n", 2)
    assert lines.duplicates == [("title", 2, 4)]
    assert lines.line("title") == 4


def test_a_nested_key_is_found_below_its_parent():
    lines = KeyLines(FRONT, 2)
    assert lines.line("escalation", "L2") == 12
    assert lines.line("escalation", "L2", "team") == 13
    assert lines.line("escalation", "L1", "team") == 11


def test_a_list_entry_is_found_by_its_position():
    lines = KeyLines(FRONT, 2)
    assert lines.line("symptoms", 0) == 6
    assert lines.line("symptoms", 1) == 7
    assert lines.line("action_items", 1) == 17  # entries written without indentation
    assert lines.line("action_items", 1, "due") == 18


def test_what_cannot_be_found_below_a_key_falls_back_to_the_key_line():
    lines = KeyLines(FRONT, 2)
    assert lines.line("tags", 1) == 8  # a flow list has no entry lines
    assert lines.line("symptoms", 5) == 5
    assert lines.line("escalation", "L9") == 9


def test_a_missing_key_names_the_line_before_the_front_matter_or_none():
    assert KeyLines(FRONT, 2).line("owner") == 1  # the opening '---'
    assert KeyLines("", 1).line("owner") == 0  # a file without front matter


def test_a_key_is_only_a_name_followed_by_a_colon_and_a_space_or_the_line_end():
    lines = KeyLines("url: https://example.org\nratio:1\nnote:\n  text\n", 1)
    assert lines.top == {"url": 1, "note": 3}


def _plain_top_keys(front_matter: str, first_line: int) -> tuple[dict, list]:
    """Top-level keys found line by line, the obvious way: what the scan must agree with."""
    top: dict[str, int] = {}
    duplicates = []
    for number, line in enumerate(front_matter.split("\n"), first_line):
        colon = line.find(":")
        if not line or line[0] in " \t#:-" or colon < 0:
            continue
        if line[colon + 1 : colon + 2] not in ("", " ", "\t"):
            continue
        key = line[:colon].rstrip().strip("'\"")
        if key in top:
            duplicates.append((key, top[key], number))
        top[key] = number
    return top, duplicates


@given(
    st.lists(st.text(alphabet="ab1 _-#:'\t", max_size=10), max_size=25),
    st.integers(min_value=1, max_value=5),
)
def test_the_one_scan_finds_the_keys_a_line_by_line_reading_finds(lines, first_line):
    front_matter = "\n".join(lines)
    found = KeyLines(front_matter, first_line)
    assert (found.top, found.duplicates) == _plain_top_keys(front_matter, first_line)
