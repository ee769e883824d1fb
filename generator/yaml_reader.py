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
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "FrontMatterLoader",
    "count_values",
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


def too_deep(source: str, limit: int = MAX_DEPTH) -> int | None:
    """The 0-based line where lists or mappings nest deeper than ``limit``, else ``None``.

    Reads LibYAML's event stream, which is flat (no recursion), so it can see
    the depth before the recursive composer would crash on it. Raises
    ``yaml.YAMLError`` for YAML that does not parse.
    """
    if len(source) <= 2 * limit:  # each level takes at least two characters
        return None
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
