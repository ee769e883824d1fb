"""Markdown that is slow to convert: named by `opskb check`, and while a build runs."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import MKDOCS_YML, page, run_cli

ARTICLE = "---\ntitle: Brackets\n---\nIntro.\n\n"  # the brackets' line: 6


def test_check_names_the_line_of_a_paragraph_of_unclosed_brackets_and_passes(make_kb) -> None:
    """20,000 "[" took Python-Markdown over a minute with no file named; the check says
    which line, at once, without converting anything."""
    root = make_kb({"content/articles/brackets.md": ARTICLE + "[" * 20_000 + "\n"})
    result = run_cli("check", "--kb", root)
    assert result.exit_code == 0, result.output  # a warning: the page still builds
    assert (
        "content/articles/brackets.md:6: warning: 20,000 brackets left open in this paragraph "
        "make the page slow to build"
    ) in result.output
    assert "fix: close the brackets, write a literal one as \\[" in result.output


def test_a_page_with_a_slow_paragraph_still_builds(make_kb) -> None:
    root = make_kb({"content/articles/brackets.md": ARTICLE + "[" * 3_000 + "\n"})
    result = run_cli("build", "--kb", root, "-q")
    assert result.exit_code == 0, result.output
    assert "content/articles/brackets.md:6: warning: 3,000 brackets left open" in result.output
    assert "[" * 3_000 in page(root / "site", "articles/brackets/")


def _slow_kb(make_kb) -> Path:
    """A page that converts in about half a second, and a limit far below that."""
    config = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      slow_page: 0.05\n")
    return make_kb({"content/articles/brackets.md": ARTICLE + "[" * 1_500 + "\n"}, config=config)


def _build(root: Path, *, terminal: bool) -> str:
    """``opskb build`` in a fresh interpreter; what it printed on standard error (a
    terminal's or a pipe's)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "-m", "opskb.cli", "build", "--kb", str(root)]
    if not terminal:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, env=env
    )
    os.close(follower)
    printed = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the build ended and closed the terminal
            break
        if not chunk:
            break
        printed += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0, printed
    return printed.decode("utf-8", "replace")


def test_a_terminal_hears_which_page_is_converting_while_it_takes_long(make_kb) -> None:
    printed = _build(_slow_kb(make_kb), terminal=True)
    assert "still converting content/articles/brackets.md (" in printed
    assert "content/articles/brackets.md: warning: converting its Markdown took" in printed


def test_without_a_terminal_a_slow_page_is_only_a_warning_afterwards(make_kb) -> None:
    printed = _build(_slow_kb(make_kb), terminal=False)
    assert "still converting" not in printed
    assert "content/articles/brackets.md: warning: converting its Markdown took" in printed
    assert "(slow_page: 0.05)" in printed
