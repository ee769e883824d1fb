"""YAML reading for front matter and folder defaults, hardened against hostile input.

Front matter is written by many hands and read during outages, so the reader
must never crash, hang or run code, whatever a file holds:

- only the safe loader is used (no ``!!python/...`` tags);
- a scalar YAML cannot construct (``2026-02-30``, an integer of 10,000
  digits) stays text, so the field reader reports it with its key and line
  instead of the whole front matter failing;
- a value that expands to more than :data:`MAX_VALUES` values (an alias
  "billion laughs" bomb) is refused before anything walks it;
- lists or mappings nested deeper than :data:`MAX_DEPTH` are refused before
  they are composed, because LibYAML's composer recurses in C and crashes the
  whole process on tens of thousands of levels (no exception to catch).

Most front matter is simple: ``key: value`` lines, lists of ``- item``
lines, and mappings nested by indentation (an escalation ladder, an
incident's action items). :func:`read_simple` reads exactly that shape
without building YAML's node tree (the larger part of loading a knowledge
base), resolving and constructing each value with the loader's own rules;
anything else goes to the loader. Both give the same values (a property test
holds them to it).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import OpskbError
from ..problems import Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "FrontMatterLoader",
    "count_values",
    "read_simple",
    "read_yaml",
    "too_deep",
    "yaml_problem",
]

MAX_VALUES = 20_000  # values a front matter may expand to (guards against alias bombs)
MAX_DEPTH = 500  # flow brackets ([ and {) nested inside each other

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, except that unconstructible scalars stay text."""


def _lenient(tag: str):
    constructor = yaml.SafeLoader.yaml_constructors[tag]

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return constructor(loader, node)
        except (ValueError, OverflowError, TypeError):
            return loader.construct_scalar(node)

    return construct


for _tag in ("timestamp", "int", "float"):
    _full = f"tag:yaml.org,2002:{_tag}"
    FrontMatterLoader.add_constructor(_full, _lenient(_full))


# What read_simple accepts, line by line; anything else is the loader's to read.
_KEY = r"([A-Za-z][A-Za-z0-9_-]*)"
# (runs of ordinary characters are taken whole, ++: nothing after a value but spaces
# could take a character back)
_PLAIN = r"([^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^\s:#]++|:(?! |$)| (?!#)|(?<! )#)*(?<![ :]))"
_QUOTED = r"(?:\"([^\"\\]*)\"|'([^']*)')"
_VALUE = rf"(?:{_PLAIN}|{_QUOTED})"
# a one-line list, [a, b c, "d"]: words and quoted text
_WORDS = r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\s:#,\[\]{}]*(?: [^\s:#,\[\]{}]+)*"
_IN_LIST = rf"(?:{_WORDS}|{_QUOTED})"
_LIST = rf"\[( *|{_IN_LIST}(?: *, *{_IN_LIST})* *)\]"
_NEXT_IN_LIST = re.compile(rf" *(?:({_WORDS})|{_QUOTED}) *(?:,|$)")
_ENTRY = re.compile(rf"{_KEY}:(?: +(?:{_VALUE}|{_LIST}))? *")
_SCALAR = re.compile(rf"{_VALUE} *")
MAX_SIMPLE_DEPTH = 16  # deeper nesting is the loader's (and its depth check's) to read
# characters YAML refuses, reads as line breaks, or strips as a byte-order mark
_UNUSUAL = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_SCALARS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float", "timestamp")
}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # what the loader's constructors are given
_SEEN: dict[str, Any] = {}  # plain scalars' values, by their text (see _plain)
_UNSEEN = object()
MAX_SEEN = 100_000


def _plain(text: str) -> Any:
    """A plain scalar's value, resolved and constructed as the loader would.

    Values are immutable and front matter repeats them (tiers, systems, owners,
    keys), so each text's value is kept once worked out.
    """
    value = _SEEN.get(text, _UNSEEN)
    if value is _UNSEEN:
        if len(_SEEN) >= MAX_SEEN:
            _SEEN.clear()
        try:
            value = _resolve(text)
        except _NotSimple:
            value = _NotSimple
        _SEEN[text] = value
    if value is _NotSimple:
        raise _NotSimple
    return value


def _resolve(text: str) -> Any:
    resolvers = FrontMatterLoader.yaml_implicit_resolvers
    candidates = resolvers.get(text[0], []) + resolvers.get(None, [])
    tag = next((tag for tag, pattern in candidates if pattern.match(text)), None)
    if tag is None:
        return text
    if tag not in _SCALARS:
        raise _NotSimple
    node = yaml.ScalarNode(tag, text)
    return FrontMatterLoader.yaml_constructors[tag](_CONSTRUCTOR, node)


class _NotSimple(OpskbError):
    """Front matter the fast reader does not read; the YAML loader reads it."""


def _value(match: re.Match, first: int) -> Any:
    plain, double, single = match.group(first, first + 1, first + 2)
    if plain is not None:
        return _plain(plain)
    return double if double is not None else single


def _list(inside: str) -> list[Any]:
    values: list[Any] = []
    position = 0
    while inside[position:].strip(" "):
        item = _NEXT_IN_LIST.match(inside, position)
        values.append(_value(item, 1))
        position = item.end()
    return values


def read_simple(source: str) -> dict[Any, Any] | None:
    """The value of simple front matter, or ``None`` if ``source`` is not of that shape.

    Simple is a mapping of ``key: value``, ``key: [a, b]`` and ``key:`` lines,
    the last followed by a list of ``- item`` lines or a mapping indented
    further; list items are values or such mappings (``- key: value``). Values
    are plain or simply quoted one-line values.
    """
    if _UNUSUAL.search(source):
        return None
    lines = [  # (indent, text) of each line that holds something
        (len(line) - len(text), text)
        for line in source.split("\n")
        if (text := line.lstrip(" ")) and not line.startswith("#")
    ]
    if not lines or lines[0][0] != 0:
        return None
    reader = _Simple(lines)
    try:
        value = reader.mapping(0, 0)  # reads to the end: no line is further out than 0
    except _NotSimple:
        return None
    return value or None  # no key at all: the loader says what that is


class _Simple:
    """Reads :func:`read_simple`'s lines from ``at`` on; raises ``_NotSimple`` on anything else."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.lines = lines
        self.at = 0

    def _item_next(self, indent: int) -> bool:
        """Is the next line a list item at ``indent``?"""
        if self.at == len(self.lines):
            return False
        col, text = self.lines[self.at]
        return col == indent and (text == "-" or text.startswith("- "))

    def mapping(self, indent: int, depth: int) -> dict[Any, Any]:
        if depth > MAX_SIMPLE_DEPTH:
            raise _NotSimple
        result: dict[Any, Any] = {}
        lines, end = self.lines, len(self.lines)
        while self.at < end:
            col, text = lines[self.at]
            if col < indent:
                break
            entry = _ENTRY.fullmatch(text) if col == indent else None
            if entry is None:
                raise _NotSimple
            self.at += 1
            key, plain, double, single, listed = entry.group(1, 2, 3, 4, 5)
            if plain is not None:
                value: Any = _plain(plain)
            elif double is not None or single is not None:
                value = double if double is not None else single
            elif listed is not None:
                value = _list(listed)
            elif self._item_next(indent):  # key:\n- item, the list as far in as the key
                value = self.sequence(indent, depth + 1)
            elif self.at < end and lines[self.at][0] > indent:
                value = self.nested(depth + 1)
            else:
                value = None
            result[_plain(key)] = value  # a repeated key keeps its first place, last value
        return result

    def nested(self, depth: int) -> Any:
        col = self.lines[self.at][0]
        return self.sequence(col, depth) if self._item_next(col) else self.mapping(col, depth)

    def sequence(self, indent: int, depth: int) -> list[Any]:
        if depth > MAX_SIMPLE_DEPTH:
            raise _NotSimple
        items: list[Any] = []
        while self._item_next(indent):
            rest = self.lines[self.at][1][1:].lstrip(" ")
            if not rest:
                raise _NotSimple  # an empty item, or one whose value is on the next lines
            if ":" in rest and _ENTRY.fullmatch(rest) is not None:  # - key: value, a mapping
                col = indent + len(self.lines[self.at][1]) - len(rest)
                self.lines[self.at] = (col, rest)
                items.append(self.mapping(col, depth + 1))
                continue
            scalar = _SCALAR.fullmatch(rest)
            if scalar is None:
                raise _NotSimple
            items.append(_value(scalar, 1))
            self.at += 1
        return items  # a line further in than the list is refused by the mapping around it


def count_values(value: Any, budget: int = MAX_VALUES) -> int:
    """Counts values without de-duplicating aliases; stops once over ``budget``."""
    stack = [value]
    count = 0
    while stack:
        item = stack.pop()
        count += 1
        if count > budget:
            return count
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
    return count


def _flow_too_deep(source: str, limit: int) -> int | None:
    """The 0-based line where ``[``/``{`` collections nest deeper than ``limit``, else ``None``.

    Read from the text itself, before any YAML parser sees it, so the message
    is ours whatever a PyYAML release does with such input (6.0.4's scanner
    stops at 1,000 levels with an error of its own; earlier releases crash).
    A bracket opens a collection only where a value starts or inside another
    collection, never inside quotes, comments or block scalars, so text such
    as ``title: a[b`` or a ``|`` block of brackets is not counted.
    """
    depth = 0
    line = 0
    block_indent = -1  # inside a block scalar: lines indented more than this are its text
    for text in source.split("\n"):
        indent = len(text) - len(text.lstrip(" "))
        if block_indent >= 0:
            if not text.strip() or indent > block_indent:
                line += 1
                continue
            block_indent = -1
        quote = ""
        start = True  # a value may start here
        i = 0
        while i < len(text):
            char = text[i]
            if quote:
                if char == "\\" and quote == '"':
                    i += 1
                elif char == quote:
                    if quote == "'" and text[i + 1 : i + 2] == "'":
                        i += 1
                    else:
                        quote = ""
            elif char == "#" and (i == 0 or text[i - 1] in " \t"):
                break
            elif char in "[{" and (start or depth):
                depth += 1
                if depth > limit:
                    return line
                start = True
            elif char in "]}" and depth:
                depth -= 1
            elif char in "\"'" and start:
                quote = char
            elif char in ",:-?" and (depth or char != ","):
                start = i + 1 == len(text) or text[i + 1] in " \t" or (depth > 0 and char == ",")
                if char == ":" and depth == 0 and start and text[i + 1 :].strip()[:1] in ("|", ">"):
                    block_indent = indent
            elif char not in " \t":
                start = False
            i += 1
        line += 1
    return None


def too_deep(source: str, limit: int = MAX_DEPTH) -> int | None:
    """The 0-based line where lists or mappings nest deeper than ``limit``, else ``None``.

    Flow collections are counted in the text first (see :func:`_flow_too_deep`);
    block nesting from LibYAML's event stream, which is flat (no recursion), so
    it can see the depth before the recursive composer would crash on it.
    Raises ``yaml.YAMLError`` for YAML that does not parse.
    """
    if len(source) <= 2 * limit:  # each level takes at least two characters
        return None
    flow = _flow_too_deep(source, limit)
    if flow is not None:
        return flow
    depth = 0
    for event in yaml.parse(source, Loader=FrontMatterLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limit:
                return event.start_mark.line
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def yaml_problem(
    path: str, exc: Exception, source: str, first_line: int, what_file: str = "front matter"
) -> Problem:
    """A problem for YAML that could not be read: the line, what is wrong, how to fix it."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = first_line + mark.line if mark is not None else first_line
    what = getattr(exc, "problem", None) or (str(exc).splitlines() or ["unreadable value"])[0]
    lines = source.split("\n")
    here = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    hint = "fix the YAML syntax; quote values that contain ': ' or start with a special character"
    if "\t" in here or "\\t" in str(exc):
        hint = "indent YAML with spaces, not tabs"
    elif isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(exc):
        hint = "remove the YAML tag (the word starting with '!') and write a plain value"
    elif isinstance(exc, RecursionError):
        what, hint = "values are nested too deeply", "flatten the nested lists or mappings"
    return Problem(path, line, f"{what_file} is not valid YAML: {what}", hint, code="yaml")


def read_yaml(
    path: str, source: str, first_line: int, what_file: str = "front matter"
) -> tuple[Any, Problem | None]:
    """The value of a YAML document, or ``None`` and the problem. Never raises."""
    simple = read_simple(source)
    if simple is not None:
        return simple, None
    try:
        deep = too_deep(source)
        if deep is not None:
            return None, Problem(
                path,
                first_line + deep,
                f"{what_file} nests lists or mappings more than {MAX_DEPTH} levels deep",
                "flatten the nesting: a front matter needs a few levels at most",
                code="yaml",
            )
        value = yaml.load(source, Loader=FrontMatterLoader)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, yaml_problem(path, exc, source, first_line, what_file)
    if count_values(value) > MAX_VALUES:
        return None, Problem(
            path,
            first_line,
            f"{what_file} expands to more than {MAX_VALUES:,} values (YAML aliases?)",
            "remove the anchors and aliases (& and *)",
            code="yaml",
        )
    return value, None
