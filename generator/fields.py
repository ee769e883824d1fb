"""Field readers: turn one front-matter value into a typed value or a problem.

Each reader takes the raw value and a :class:`Field` context that knows the
file, the line and the key, so every message names all three and says what
is allowed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import OpskbError
from .problems import Problems

__all__ = ["Field", "Invalid", "KeyLineFinder", "parse_response"]

_RESPONSE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)\s*$", re.IGNORECASE
)
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440}
#: Dates and periods are bounded so that date arithmetic (review due dates,
#: durations) can never overflow, whatever a file says.
MAX_DAYS = 36_500
YEARS = range(1900, 3000)


class KeyLineFinder(Protocol):
    """Finds the line of a key (and of keys nested below it) in the file being read:
    ``key_lines.KeyLines`` for front matter, ``config`` for ``mkdocs.yml``."""

    def line(self, key: str, *inner: str | int) -> int: ...


class Invalid(OpskbError):
    """Raised by a reader; the caller records it as a problem and moves on."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_response(value: str) -> int | None:
    """Minutes for a response target such as ``15m``, ``4h`` or ``1d``."""
    match = _RESPONSE.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)[0].lower()
    return round(number * _UNIT_MINUTES[unit])


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.datetime | dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    text = str(value)
    return repr(text if len(text) < 60 else text[:57] + "...")


@dataclass
class Field:
    """Reads the keys of one mapping of one document, recording problems."""

    path: str
    lines: KeyLineFinder
    problems: Problems
    prefix: tuple[str | int, ...] = ()
    #: where a missing key may be added for every document of the folder
    defaults_file: str = ""

    def line(self, key: str | int) -> int:
        parts = (*self.prefix, key)
        return self.lines.line(str(parts[0]), *parts[1:])

    def add_to(self, key: str) -> str:
        """The fix for a missing top-level ``key``: where it can be written."""
        also = f" or to {self.defaults_file}" if self.defaults_file and not self.prefix else ""
        return f"the front matter{also}"

    def name(self, key: str | int) -> str:
        return ".".join(str(p) for p in (*self.prefix, key))

    def report(
        self,
        key: str | int,
        message: str,
        hint: str = "",
        *,
        warning: bool = False,
        code: str = "invalid",
    ) -> None:
        add = self.problems.warning if warning else self.problems.error
        add(self.path, self.line(key), message, hint, key=self.name(key), code=code)

    def nested(self, key: str | int) -> Field:
        return Field(self.path, self.lines, self.problems, (*self.prefix, key))

    def read(
        self,
        data: dict[str, Any],
        key: str,
        reader,
        *,
        required: bool = False,
        default: Any = None,
        why: str = "",
    ) -> Any:
        """``reader(value)`` of ``data[key]``; records a problem and returns ``default``."""
        value = data.get(key)
        if value is None or value == "" or value == []:
            if required:
                self.report(
                    key,
                    f"'{self.name(key)}' is required{why}",
                    f"add '{key}:' to {self.add_to(key)}",
                    code="missing",
                )
            return default
        try:
            return reader(value)
        except Invalid as exc:
            self.report(key, f"'{self.name(key)}' {exc.message}", exc.hint)
        except (ValueError, TypeError, OverflowError) as exc:  # a reader's bug: still no traceback
            self.report(key, f"'{self.name(key)}' could not be read: {exc}", "write a plain value")
        return default


# Readers. Each takes a raw YAML value and returns a typed one or raises Invalid.


def text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise Invalid(f"must be text, not {_describe(value)}", "write it as a single line of text")


def text_list(value: Any) -> tuple[str, ...]:
    if type(value) is list and all(type(item) is str for item in value):  # most lists
        return tuple(item for item in map(str.strip, value) if item)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise Invalid(
            f"must be a list of text, not {_describe(value)}",
            "write it as [one, two] or as lines starting with '- '",
        )
    items = []
    for index, item in enumerate(value):
        if isinstance(item, dict | list) or item is None:
            raise Invalid(
                f"item {index + 1} must be text, not {_describe(item)}",
                "quote items that contain ': ', e.g. - \"Error: access denied\"",
            )
        items.append(text(item))
    return tuple(i for i in items if i)


def text_lines(value: Any) -> tuple[str, ...]:
    """Lines of text, kept as written (a ticket note): one string, its lines, or a list."""
    if isinstance(value, str):
        lines = value.strip("\n").split("\n")
    elif type(value) is list and all(isinstance(i, str | int | float) for i in value):
        lines = [item if isinstance(item, str) else text(item) for item in value]
    else:
        raise Invalid(
            f"must be text or a list of lines, not {_describe(value)}",
            "write it as a block (note: |, then indented lines) or as lines starting with '- '",
        )
    lines = [line.rstrip() for line in lines]
    return tuple(lines) if any(lines) else ()


def choice(enum_type):
    def read(value: Any):
        member = enum_type.parse(value)
        if member is None:
            allowed = ", ".join(enum_type.choices())
            raise Invalid(f"is {_describe(value)}; allowed: {allowed}", f"use one of: {allowed}")
        return member

    return read


def _in_range(value: dt.date, what: str) -> None:
    if value.year not in YEARS:
        raise Invalid(
            f"is {value.isoformat()}, outside the years {YEARS.start}-{YEARS.stop - 1}",
            f"write the {what} as YYYY-MM-DD",
        )


def date(value: Any) -> dt.date:
    result = None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            result = dt.date.fromisoformat(value.strip()[:10])
    if result is None:
        raise Invalid(f"must be a date, not {_describe(value)}", "write it as YYYY-MM-DD")
    _in_range(result, "date")
    return result


def timestamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            result = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(
                f"must be a timestamp, not {_describe(value)}", "write it as YYYY-MM-DDTHH:MM:SSZ"
            ) from None
    else:
        raise Invalid(
            f"must be a timestamp, not {_describe(value)}", "write it as YYYY-MM-DDTHH:MM:SSZ"
        )
    _in_range(result, "timestamp")
    try:
        if result.tzinfo is None:
            result = result.replace(tzinfo=dt.UTC)
        return result.astimezone(dt.UTC)
    except OverflowError:
        raise Invalid(
            f"must be a timestamp, not {_describe(value)}", "write it as YYYY-MM-DDTHH:MM:SSZ"
        ) from None


_PERIOD = re.compile(r"([0-9]{1,6})\s*(days?|weeks?|months?|years?)?", re.IGNORECASE)
#: a period as other tools write it (GOV.UK tech-docs' ``review_in: 12 months``), in days
_PERIOD_DAYS = {"d": 1.0, "w": 7.0, "m": 365 / 12, "y": 365.0}  # 12 months are a year


def days(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid(f"must be a number of days, not {_describe(value)}", "e.g. 90")
    period = _PERIOD.fullmatch(value.strip()) if isinstance(value, str) else None
    if period:
        value = round(int(period.group(1)) * _PERIOD_DAYS[(period.group(2) or "d")[0].lower()])
    if isinstance(value, int) and 0 < value <= MAX_DAYS:
        return value
    raise Invalid(
        f"must be a whole number of days from 1 to {MAX_DAYS:,}, not {_describe(value)}",
        "e.g. 90, or a period such as '12 months'",
    )


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "no", "true", "false"}:
        return value.strip().lower() in {"yes", "true"}
    raise Invalid(f"must be true or false, not {_describe(value)}", "write true or false")


def mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    raise Invalid(
        f"must be a mapping of keys, not {_describe(value)}",
        "write it as indented 'key: value' lines",
    )


def response(value: Any) -> str:
    result = text(value)
    if parse_response(result) is None:
        raise Invalid(
            f"is {_describe(value)}, not a response time",
            "write a number and a unit, e.g. 15m, 4h or 1d",
        )
    return result


def exactly(types: tuple[type, ...], what: str, hint: str):
    """A reader of a value that must already be one of ``types``, as written: settings
    MkDocs reads too, which converts nothing (``"5"`` is no number, ``5`` no text)."""

    def read(value: Any) -> Any:
        if isinstance(value, types) and (bool in types or not isinstance(value, bool)):
            return value
        raise Invalid(f"must be {what}, not {_describe(value)}", hint)

    return read
