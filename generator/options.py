"""The options of the ``opskb`` plugin entry of ``mkdocs.yml``: the one schema of them.

Each option has the types MkDocs accepts, its default, and the reader that
checks a value as opskb takes it (raising ``fields.Invalid`` with a fix).
``config.py`` reads the options with it into ``Settings``, whose defaults are
these; the MkDocs adapter declares the same options to MkDocs
(``engines/mkdocs/plugin.py``), so no option or default is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import fields as f

__all__ = ["DEFAULT_REVIEW_EVERY", "OPTIONS", "Option"]

DEFAULT_REVIEW_EVERY = 180
_TEXT = (str,)


def _review_every(value: Any) -> int:
    return f.days(f.exactly((int,), "a whole number of days", "e.g. `review_every: 180`")(value))


_SYNONYMS_FIX = (
    'write a list of groups, e.g. `search_synonyms: [["double charged", "charged twice"], '
    '["vpn", "remote access"]]`'
)


def _synonyms(value: Any) -> tuple[tuple[str, ...], ...]:
    """The plugin's ``search_synonyms``: a list of lists of phrases (non-empty text)."""
    if not isinstance(value, list):
        raise f.Invalid("must be a list of groups of phrases", _SYNONYMS_FIX)
    for number, group in enumerate(value, 1):
        if not isinstance(group, list) or not group:
            raise f.Invalid(f"group {number} must be a list of phrases", _SYNONYMS_FIX)
        for phrase in group:
            if not isinstance(phrase, str) or not phrase.strip():
                raise f.Invalid(
                    f"group {number}: each phrase must be non-empty text", _SYNONYMS_FIX
                )
    return tuple(tuple(group) for group in value)


def _globs(value: Any) -> tuple[str, ...]:
    """The plugin's ``alert_rules``: a list of globs (non-empty text)."""
    fix = "write a list of globs relative to mkdocs.yml, e.g. `alert_rules: [alerts/*.yml]`"
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise f.Invalid("must be a list of globs", fix)
    for number, glob in enumerate(value, 1):
        if not isinstance(glob, str) or not glob.strip():
            raise f.Invalid(f"entry {number} must be a glob (non-empty text)", fix)
    return tuple(glob.strip() for glob in value)


def _engine(value: Any) -> str:
    """The plugin's ``engine``: one of the engines opskb builds with."""
    from .engines import ENGINES

    if value not in ENGINES:
        allowed = ", ".join(ENGINES)
        shown = f"'{value}'" if isinstance(value, str) else "not an engine's name"
        raise f.Invalid(f"is {shown}; allowed: {allowed}", f"use one of: {allowed}")
    return value


@dataclass(frozen=True)
class Option:
    """An option of the ``opskb`` plugin entry."""

    types: tuple[type, ...]  # what MkDocs accepts
    default: Any
    read: Callable[[Any], Any]  # the value as opskb takes it; raises ``fields.Invalid``


def _exactly(types: tuple[type, ...], what: str, fix: str, default: Any) -> Option:
    return Option(types, default, f.exactly(types, what, fix))


_FLAG = ((bool,), "true or false")
OPTIONS: dict[str, Option] = {
    "review_every": Option((int,), DEFAULT_REVIEW_EVERY, _review_every),
    "include_drafts": _exactly(*_FLAG, "write `include_drafts: false`", False),
    "runbooks_dir": _exactly(_TEXT, "a folder name", "e.g. `runbooks_dir: runbooks`", "runbooks"),
    "tags": _exactly((list,), "a list of tags", "e.g. `tags: [vpn, email]`", None),
    "related": _exactly(*_FLAG, "write `related: true`", True),
    "workers": _exactly((int,), "a whole number", "e.g. `workers: 4` (0: one per CPU)", 0),
    "slow_page": _exactly(
        (int, float), "a number of seconds", "e.g. `slow_page: 10` (a warning after 10 s)", 10
    ),
    "markdown_flavours": _exactly(*_FLAG, "write `markdown_flavours: true`", True),
    # groups of phrases that mean the same, for search (``search/synonyms.py``)
    "search_synonyms": Option((list,), (), _synonyms),
    # Prometheus rule files (globs relative to the root) whose alerts runbooks handle
    "alert_rules": Option((list, str), (), _globs),
    "offline_cache": _exactly(*_FLAG, "write `offline_cache: false` to turn it off", True),
    "engine": Option((str,), "mkdocs", _engine),
}
