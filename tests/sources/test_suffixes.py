"""``adopt.extensions``: the file suffixes read as Markdown too, each wrong one a problem."""

from __future__ import annotations

from opskb.sources.suffixes import read_extensions


def read(value):
    told = []
    found = read_extensions(value, lambda message, hint, *where: told.append((where, message)))
    return found, told


def test_plain_suffixes_are_kept_once_in_order():
    assert read([".txt", ".mdx", ".txt"]) == ((".txt", ".mdx"), [])
    assert read(".txt") == ((".txt",), [])
    assert read(None) == ((), [])


def test_a_suffix_read_already_or_of_files_that_are_not_text_is_left_out_and_named():
    found, told = read([".md", ".png", ".txt"])
    assert found == (".txt",)
    assert [where for where, _ in told] == [("extensions", 0), ("extensions", 1)]
    assert "reads as Markdown already" in told[0][1]
    assert "not Markdown text" in told[1][1]


def test_a_pattern_or_a_folder_is_not_a_suffix():
    found, told = read(["*.txt", "docs/.txt", 5])
    assert found == ()
    assert len(told) == 3


def test_a_mapping_is_one_problem_on_the_key():
    assert read({"a": 1}) == (
        (),
        [(("extensions",), "'adopt.extensions' must be a list of file suffixes")],
    )
