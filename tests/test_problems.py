"""Problems: sorted by file and line, de-duplicated, printed with their fix, never obeyed."""

from __future__ import annotations

import json

from opskb.problems import FOLD, Level, Problem, Problems, format_problems


def test_problems_sort_by_file_then_line_and_drop_duplicates() -> None:
    problems = Problems()
    problems.error("runbooks/vpn/reset.md", 12, "no owner")
    problems.warning("content/index.md", 3, "short title")
    problems.error("runbooks/vpn/reset.md", 2, "bad tier")
    problems.error("runbooks/vpn/reset.md", 2, "bad tier")
    assert len(problems) == 3
    assert [(p.path, p.line) for p in problems] == [
        ("content/index.md", 3),
        ("runbooks/vpn/reset.md", 2),
        ("runbooks/vpn/reset.md", 12),
    ]
    assert [p.message for p in problems.errors] == ["bad tier", "no owner"]
    assert [p.message for p in problems.warnings] == ["short title"]


def test_a_build_leaves_out_date_dependent_findings() -> None:
    problems = Problems(
        [
            Problem("a.md", 1, "review overdue", dated=True),
            Problem("a.md", 2, "no title"),
        ]
    )
    assert [p.message for p in problems.for_build()] == ["no title"]
    assert len(problems) == 2


def test_text_names_file_line_key_message_and_fix() -> None:
    problem = Problem("runbooks/vpn/reset.md", 4, "unknown tier 'L9'", "use L1 to L4", key="tier")
    assert problem.as_text() == (
        "runbooks/vpn/reset.md:4: error [tier]: unknown tier 'L9'\n    fix: use L1 to L4"
    )
    whole_file = Problem("a.md", 0, "empty file", level=Level.WARNING)
    assert whole_file.as_text() == "a.md: warning: empty file"
    assert not whole_file.is_error


def test_text_shows_control_characters_from_a_file_as_escapes() -> None:
    problem = Problem("evil\x1b]0;pwned\x07.md", 1, "title\nforged: line", "\u202efix", key="k\x1b")
    text = problem.as_text()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.count("\n") == 1  # only the line before the fix
    assert "\\x1b]0;pwned\\x07" in text and "title\\nforged" in text


def test_format_counts_errors_warnings_and_files() -> None:
    items = [
        Problem("a.md", 1, "one"),
        Problem("a.md", 2, "two"),
        Problem("b.md", 1, "three", level=Level.WARNING),
    ]
    text = format_problems(items)
    assert text.splitlines()[0] == "a.md:1: error: one"
    assert text.splitlines()[-1] == "2 errors, 1 warning in 2 files"
    assert format_problems([]) == ""


def test_json_keeps_every_field_for_tools() -> None:
    problem = Problem("a.md", 3, "bad\x1b", "fix it", key="owner", code="missing", dated=True)
    data = json.loads(format_problems([problem], "json"))
    assert data == [
        {
            "path": "a.md",
            "line": 3,
            "message": "bad\x1b",
            "hint": "fix it",
            "key": "owner",
            "level": "error",
            "code": "missing",
            "dated": True,
        }
    ]


def test_github_annotations_escape_their_properties_and_message() -> None:
    problem = Problem("dir,x/a:b.md", 7, "50% done\nnext", "add owner", code="missing")
    assert format_problems([problem], "github") == (
        "::error file=dir%2Cx/a%3Ab.md,line=7,title=opskb missing::50%25 done%0Anext Fix: add owner"
    )


def test_text_folds_the_same_problem_in_many_files_of_a_folder() -> None:
    many = [Problem(f"runbooks/db/r{i}.md", 0, "no owner", "add owner") for i in range(FOLD + 2)]
    other = Problem("runbooks/vpn/x.md", 0, "no owner", "add owner")
    text = format_problems([*many, other], fold=FOLD)
    lines = text.splitlines()
    assert lines[0] == (
        f"runbooks/db/ ({FOLD + 2} files: r0.md, r1.md, r2.md, ...): error: no owner"
    )
    assert "runbooks/vpn/x.md: error: no owner" in lines
    assert lines[-1] == f"{FOLD + 3} errors, 0 warnings in {FOLD + 3} files"
    unfolded = format_problems([*many, other])
    assert unfolded.count("error: no owner") == FOLD + 3
