"""Problems: the one error type every stage of opskb returns.

A stage never raises on bad input. It records a :class:`Problem` naming the
file, the line, the key, what is wrong and how to fix it, and carries on, so
that a user sees every problem of the knowledge base in one run.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .terminal_text import terminal_json, terminal_safe

__all__ = ["FOLD", "Level", "Problem", "Problems", "format_problems"]

#: More files than this with the same problem in one folder are one line of ``check``'s text.
FOLD = 5


class Level(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file."""

    path: str  # relative to the knowledge base root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str
    hint: str = ""
    key: str = ""
    level: Level = Level.ERROR
    code: str = "invalid"
    #: Problems that depend on today's date (an overdue review) are governance
    #: findings: ``opskb check`` reports them, a site build does not fail on them.
    dated: bool = False

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def as_text(self) -> str:
        """For a terminal: the file, line, key, message and fix as written, never obeyed."""
        path = terminal_safe(self.path)
        where = f"{path}:{self.line}" if self.line else path
        key = f" [{terminal_safe(self.key)}]" if self.key else ""
        text = f"{where}: {self.level.value}{key}: {terminal_safe(self.message)}"
        if self.hint:
            text += f"\n    fix: {terminal_safe(self.hint)}"
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data["level"] = self.level.value
        return data

    def as_github(self) -> str:
        def esc(value: str) -> str:
            # the workflow command's own escapes, then no control a log viewer would obey
            value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return terminal_safe(value)

        def esc_prop(value: str) -> str:
            return esc(value).replace(":", "%3A").replace(",", "%2C")

        props = f"file={esc_prop(self.path)}"
        if self.line:
            props += f",line={self.line}"
        title = f"opskb {self.code}"
        message = self.message + (f" Fix: {self.hint}" if self.hint else "")
        return f"::{self.level.value} {props},title={esc_prop(title)}::{esc(message)}"


class Problems:
    """An ordered, de-duplicated collection of problems."""

    def __init__(self, items: Iterable[Problem] = ()) -> None:
        self._items: dict[Problem, None] = dict.fromkeys(items)

    def add(self, problem: Problem) -> None:
        self._items[problem] = None

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def error(self, path: str, line: int, message: str, hint: str = "", **kw) -> None:
        self.add(Problem(path, line, message, hint, level=Level.ERROR, **kw))

    def warning(self, path: str, line: int, message: str, hint: str = "", **kw) -> None:
        self.add(Problem(path, line, message, hint, level=Level.WARNING, **kw))

    def __iter__(self):
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Problem]:
        return sorted(self._items, key=lambda p: (p.path, p.line, p.key, p.message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if not p.is_error]

    def for_build(self) -> list[Problem]:
        """What a site build reports: everything but date-dependent findings."""
        return [p for p in self.sorted() if not p.dated]


def format_problems(problems: Iterable[Problem], fmt: str = "text", fold: int = 0) -> str:
    """Render problems as ``text``, ``json`` or ``github`` annotations.

    ``fold``: in text, the same problem in more than that many files of one folder
    is one line with the count (JSON and annotations keep every one, for tools).
    """
    items = list(problems)
    if fmt == "json":
        return terminal_json([p.as_dict() for p in items], indent=2)
    if fmt == "github":
        return "\n".join(p.as_github() for p in items)
    lines = _folded(items, fold) if fold else [p.as_text() for p in items]
    errors = sum(p.is_error for p in items)
    warnings = len(items) - errors
    files = len({p.path for p in items})
    if items:
        lines.append(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
            f"in {files} file{'s' * (files != 1)}"
        )
    return "\n".join(lines)


def _folded(items: list[Problem], fold: int) -> list[str]:
    """Each problem as text, but one line for a problem shared by many files of a folder."""
    groups: dict[tuple, list[Problem]] = {}
    for problem in items:
        folder = problem.path.rpartition("/")[0]
        same = (folder, problem.level, problem.code, problem.key, problem.message, problem.hint)
        groups.setdefault(same, []).append(problem)
    lines = []
    for (folder, *_), group in groups.items():
        if len({p.path for p in group}) <= fold:
            lines.extend(p.as_text() for p in group)
            continue
        first = group[0]
        names = ", ".join(p.path.rpartition("/")[2] for p in group[:3])
        shown = Problem(
            f"{folder}/ ({len(group)} files: {names}, ...)",
            0,
            first.message,
            first.hint,
            key=first.key,
            level=first.level,
            code=first.code,
        )
        lines.append(shown.as_text())
    return lines
