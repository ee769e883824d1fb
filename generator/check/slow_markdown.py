"""Markdown that is slow to convert: found before a build, named while one runs.

From every ``[`` Python-Markdown looks for the ``]`` that closes it, and from
every ``](`` for the ``)`` that ends the link's target, to the end of the
paragraph when there is none. A paragraph of 20,000 unclosed brackets took it
over a minute, with no word of which file it was on. :func:`slow_paragraph`
finds such a paragraph in linear time, so ``opskb check`` names its line;
:class:`ConversionWatch` names a page on the terminal while its conversion
runs long, for whatever the check does not foresee.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Document
from ..problems import Level, Problem, Problems
from ..sources.markdown_lines import lines_outside_code
from ..terminal_text import terminal_safe

__all__ = [
    "ConversionWatch",
    "SlowParagraph",
    "check_slow_markdown",
    "slow_paragraph",
    "terminal_notice",
]

#: Steps of Python-Markdown's bracket scanning above which a paragraph is reported: about
#: a second of conversion on a fast machine (measured: 8 million steps a second; 3,000
#: unclosed "[" take 13.5 million, 20,000 take 600 million).
STEP_LIMIT = 10_000_000
#: Each "[" is scanned for by this many of Python-Markdown's link patterns (link,
#: reference, short reference); a link target's "(" by one.
_BRACKET_PASSES = 3
_TOKEN = re.compile(r"\\.|[\[\]()]")  # a backslash escape, or a bracket


@dataclass(frozen=True)
class SlowParagraph:
    """The paragraph of a body that costs Markdown conversion most."""

    line: int  # of the bracket whose scan costs most, in the body (0-based)
    steps: int  # of Python-Markdown's bracket scanning, as estimated
    unclosed: int  # brackets in it that nothing closes


def _steps(block: str) -> tuple[int, int, int]:
    """(steps, offset of the costliest opening bracket, unclosed brackets) of a paragraph."""
    squares: list[int] = []  # offsets of "[" not closed yet
    parens: list[tuple[int, bool]] = []  # "(" not closed yet: offset, opens a link target
    steps, worst, worst_at = 0, -1, 0

    def scanned(start: int, end: int, passes: int) -> None:
        nonlocal steps, worst, worst_at
        cost = (end - start) * passes
        steps += cost
        if cost > worst:
            worst, worst_at = cost, start

    for match in _TOKEN.finditer(block):
        token, at = match.group(), match.start()
        if token == "[":
            squares.append(at)
        elif token == "]" and squares:
            scanned(squares.pop(), at, _BRACKET_PASSES)
        elif token == "(":
            parens.append((at, at > 0 and block[at - 1] == "]"))
        elif token == ")" and parens:
            start, target = parens.pop()
            if target:
                scanned(start, at, 1)
    for start in squares:
        scanned(start, len(block), _BRACKET_PASSES)
    targets = [start for start, target in parens if target]
    for start in targets:
        scanned(start, len(block), 1)
    return steps, worst_at, len(squares) + len(targets)


def _paragraphs(body: str):
    """(first line, text) of each run of lines outside code with no blank line in it."""
    lines: list[str] = []
    first = 0
    for offset, line, in_code in lines_outside_code(body):
        if in_code or not line.strip():
            if lines:
                yield first, "\n".join(lines)
            lines = []
            continue
        if not lines:
            first = offset
        lines.append(line)
    if lines:
        yield first, "\n".join(lines)


def slow_paragraph(body: str, limit: int = STEP_LIMIT) -> SlowParagraph | None:
    """The costliest paragraph of ``body`` if converting it takes over ``limit`` steps."""
    size = len(body)
    if (body.count("[") * _BRACKET_PASSES + body.count("](")) * size <= limit:
        return None  # no paragraph could cost that much (the case of every usual body)
    found = None
    for first, text in _paragraphs(body):
        steps, at, unclosed = _steps(text)
        if steps > limit and (found is None or steps > found.steps):
            found = SlowParagraph(first + text.count("\n", 0, at), steps, unclosed)
    return found


def check_slow_markdown(doc: Document, problems: Problems, limit: int = STEP_LIMIT) -> None:
    """A warning at the paragraph of ``doc`` that makes its page slow to build."""
    slow = slow_paragraph(doc.body, limit)
    if slow is None:
        return
    if slow.unclosed:
        what = f"{slow.unclosed:,} brackets left open in this paragraph"
    else:
        what = "brackets nested this deep"
    problems.warning(
        doc.path,
        doc.body_line + slow.line,
        f"{what} make the page slow to build (converting Markdown takes time that "
        "grows with the square of their number)",
        "close the brackets, write a literal one as \\[ or \\(, or put the text in a code block",
        code="slow-markdown",
    )


#: Seconds a page converts before the terminal hears which page it is.
NOTICE_AFTER = 2.0


def terminal_notice() -> Callable[[str], None] | None:
    """Where to name a page that converts for long: standard error if it is a terminal
    (a log file or a CI job hears of it only in the warning afterwards)."""
    if not sys.stderr.isatty():
        return None
    # from the start of a cleared line: a progress line may stand there unfinished
    return lambda message: print(f"\r\x1b[K{message}", file=sys.stderr, flush=True)


class ConversionWatch:
    """Times each page's Markdown conversion: names the page on ``notify`` while it
    converts for longer than ``notice_after`` seconds (again as the time doubles), and
    makes a warning of it once it took ``slow_after`` seconds or more.

    Pages convert one at a time in a process; one thread per process (forked build
    workers start their own) waits beside them and wakes only when a notice is due.
    Without ``notify`` (no terminal) pages are only timed.
    """

    def __init__(
        self,
        notify: Callable[[str], None] | None,
        slow_after: float,
        notice_after: float = NOTICE_AFTER,
    ) -> None:
        self._notify = notify
        self._slow_after = slow_after
        self._notice_after = min(notice_after, slow_after)
        self._current: tuple[str, float] | None = None  # the page converting, since when
        self._pid = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def started(self, name: str) -> None:
        """The page of the source ``name`` starts converting."""
        if self._pid != os.getpid():  # the first page in this process
            self._pid, self._cond, self._closed = os.getpid(), threading.Condition(), False
            self._thread = None
            if self._notify is not None:
                self._thread = threading.Thread(
                    target=self._run, args=(self._cond,), name="opskb-conversion-watch"
                )
                self._thread.daemon = True
                self._thread.start()
        with self._cond:
            self._current = (name, time.monotonic())
            self._cond.notify()

    def finished(self) -> Problem | None:
        """The page that was converting has converted: a warning if it took long."""
        with self._cond:
            current, self._current = self._current, None
        if current is None:
            return None
        name, seconds = current[0], time.monotonic() - current[1]
        if seconds < self._slow_after:
            return None
        return Problem(
            name,
            0,
            f"converting its Markdown took {seconds:.1f} s (slow_page: {self._slow_after:g})",
            "`opskb check` names a paragraph that makes a page slow; pages that embed "
            "runbooks (playbooks) are slow when one of them is",
            level=Level.WARNING,
            code="slow-page",
        )

    def close(self) -> None:
        """Stop this process's thread (a build ends)."""
        thread = self._thread
        if thread is None or self._pid != os.getpid():
            return
        with self._cond:
            self._closed = True
            self._cond.notify()
        thread.join()
        self._thread, self._pid = None, 0

    def _run(self, cond: threading.Condition) -> None:
        assert self._notify is not None
        watching: tuple[str, float] | None = None
        wait = self._notice_after
        while True:
            with cond:
                if self._closed:
                    return
                current = self._current
                if current is None:
                    cond.wait()
                    continue
                if current is not watching:
                    watching, wait = current, self._notice_after
                due = current[1] + wait - time.monotonic()
                if due > 0:
                    cond.wait(due)
                    continue
                wait *= 2
                seconds = time.monotonic() - current[1]
            self._notify(f"still converting {terminal_safe(current[0])} ({seconds:.1f} s so far) …")
