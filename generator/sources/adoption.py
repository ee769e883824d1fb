"""Adoption: what a folder's ``_defaults.yml`` says about documents written for another tool.

Under one key, ``adopt:``, so that it can never clash with a document's keys::

    adopt:
      aliases: {last_reviewed_on: last_reviewed, review_in: review_every}
      derive:
        alerts: {from: file_name}     # VpnTunnelDown.md → alerts: [VpnTunnelDown]
        date: {from: file_date}       # 2023-04-01-db-outage.md → date: 2023-04-01
        detected_at: {from: key, key: [start_time, began]}
      quiet: [escalate_when]          # warnings (by code or key) not to report here
      extensions: [.txt, .mdx]        # other suffixes read as Markdown documents here

A file below the folder ending in a listed suffix is a document whose page is
at its path without the suffix (``notes/vpn.txt`` → ``notes/vpn/``); the source
walk (``sources.py``) reads the list with ``listed_extensions``.

A document's own keys win, then its aliased keys, then derived values, then
the folder defaults. A folder's map adds to the maps of the folders above it.
The map is read once per defaults file, and a wrong value in it is one
problem at that file's line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from .suffixes import read_extensions
from .yaml_reader import read_yaml

if TYPE_CHECKING:
    from ..fields import KeyLineFinder

__all__ = [
    "ADOPT_KEY",
    "MAX_DEFAULTS_BYTES",
    "AdoptionMap",
    "Derivation",
    "Inherited",
    "listed_extensions",
    "read_adoption",
]

ADOPT_KEY = "adopt"
SOURCES = ("file_name", "file_date", "folder_name", "key")
_PARTS = ("aliases", "derive", "quiet", "extensions")
#: A defaults file applies to every document below it, so it is read for each
#: folder and its keys go into each document: it holds shared keys, not text.
MAX_DEFAULTS_BYTES = 1024 * 1024
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\D|$)")
_FOLDER_PAGES = {"README", "index", "_index"}


@dataclass(frozen=True)
class Derivation:
    """One key a document gets from somewhere else than its front matter."""

    target: str
    source: str  # one of SOURCES
    keys: tuple[str, ...] = ()  # for ``key``: the document's keys tried in order
    match: str = ""  # a regular expression the file name must match

    def value(self, meta: Mapping[str, Any], path: str) -> tuple[Any, str]:
        """(the derived value or ``None``, the key it came from, if any)."""
        if self.source == "key":
            for key in self.keys:
                if meta.get(key) not in (None, "", []):
                    return meta[key], key
            return None, ""
        name = PurePosixPath(path).name
        stem = name.split(".", 1)[0]
        if stem in _FOLDER_PAGES or (self.match and not re.fullmatch(self.match, stem)):
            return None, ""
        if self.source == "file_name":
            return stem, ""
        if self.source == "folder_name":
            return PurePosixPath(path).parent.name or None, ""
        found = _FILE_DATE.match(name)
        return (found.group(1) if found else None), ""


@dataclass(frozen=True)
class AdoptionMap:
    aliases: tuple[tuple[str, str], ...] = ()  # (the key as written, the key opskb reads)
    derive: tuple[Derivation, ...] = ()
    quiet: frozenset[str] = frozenset()
    extensions: tuple[str, ...] = ()  # other suffixes read as documents below the folder

    def below(self, child: AdoptionMap) -> AdoptionMap:
        """This folder's map with a sub-folder's map added (the sub-folder's entries win)."""
        aliases = dict(self.aliases) | dict(child.aliases)
        derive = {d.target: d for d in self.derive} | {d.target: d for d in child.derive}
        return AdoptionMap(
            tuple(aliases.items()),
            tuple(derive.values()),
            self.quiet | child.quiet,
            tuple(dict.fromkeys((*self.extensions, *child.extensions))),
        )

    def apply(self, meta: dict[str, Any], path: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The document's keys with aliases and derived values added, and for each key
        added from another key, that key (so a problem names the line the author wrote)."""
        if not self.aliases and not self.derive:
            return meta, {}
        out, written = dict(meta), {}
        for old, new in self.aliases:
            if meta.get(old) not in (None, "", []) and out.get(new) in (None, "", []):
                out[new], written[new] = meta[old], old
        for derivation in self.derive:
            if out.get(derivation.target) not in (None, "", []):
                continue
            value, key = derivation.value(out, path)
            if value is not None:
                out[derivation.target] = value
                if key:
                    written[derivation.target] = written.get(key, key)
        return out, written

    def silences(self, problem: Problem) -> bool:
        return not problem.is_error and bool({problem.code, problem.key} & self.quiet)


NO_ADOPTION = AdoptionMap()


@dataclass(frozen=True)
class Inherited:
    """What a folder's defaults files give the documents below it, besides values:
    where each key was set (to report a bad value once, there), the nearest defaults
    file, and the adoption map."""

    origins: Mapping[str, tuple[str, KeyLineFinder]] = field(default_factory=dict)
    nearest: str = ""  # the defaults file closest to the document
    adoption: AdoptionMap = NO_ADOPTION

    def below(
        self, rel: str, keys: Mapping[str, Any], lines: KeyLineFinder, adoption: AdoptionMap
    ) -> Inherited:
        origins = {**self.origins, **{key: (rel, lines) for key in keys}}
        return replace(self, origins=origins, nearest=rel, adoption=self.adoption.below(adoption))


class AliasedLines:
    """A document's key lines, where a key added by an alias is found at the key written."""

    def __init__(self, lines: KeyLineFinder, written: Mapping[str, str]) -> None:
        self._lines, self._written = lines, written

    def line(self, key: str, *inner: str | int) -> int:
        return self._lines.line(self._written.get(key, key), *inner)


def read_adoption(
    value: Any, rel: str, lines: KeyLineFinder, problems: list[Problem]
) -> AdoptionMap:
    """The ``adopt:`` map of the defaults file ``rel``; each wrong entry is one problem."""
    if value in (None, "", []):
        return NO_ADOPTION

    def report(message: str, hint: str, *where: str | int) -> None:
        key = ".".join(str(p) for p in (ADOPT_KEY, *where))
        problems.append(Problem(rel, lines.line(ADOPT_KEY, *where), message, hint, key=key))

    if not isinstance(value, dict):
        report(
            "'adopt' must be a mapping of aliases, derive, quiet and extensions",
            "write e.g. adopt: {aliases: {last_reviewed_on: last_reviewed}}",
        )
        return NO_ADOPTION
    for part in value:
        if str(part) not in _PARTS:
            report(
                f"'adopt.{part}' is not an adoption setting; allowed: {', '.join(_PARTS)}",
                f"use one of: {', '.join(_PARTS)}",
                str(part),
            )
    return AdoptionMap(
        aliases=_aliases(value.get("aliases"), report),
        derive=_derive(value.get("derive"), report),
        quiet=frozenset(_names(value.get("quiet"), "quiet", report)),
        extensions=read_extensions(value.get("extensions"), report),
    )


def listed_extensions(file: Path) -> tuple[str, ...]:
    """The valid suffixes the ``adopt: {extensions: [...]}`` of the defaults file ``file``
    lists, for the source walk; the file's problems are reported when it is loaded."""
    try:
        with file.open("rb") as opened:
            data = opened.read(MAX_DEFAULTS_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    if len(data) > MAX_DEFAULTS_BYTES or "extensions" not in text:
        return ()
    value, _ = read_yaml(file.name, text, 1, "folder defaults file")
    adopt = value.get(ADOPT_KEY) if isinstance(value, dict) else None
    if not isinstance(adopt, dict):
        return ()
    return read_extensions(adopt.get("extensions"), lambda *_: None)


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not any(c.isspace() for c in value)


def _aliases(value: Any, report) -> tuple[tuple[str, str], ...]:
    if value in (None, "", []):
        return ()
    if not isinstance(value, dict):
        report(
            "'adopt.aliases' must map each key as written to the key opskb reads",
            "write e.g. aliases: {last_reviewed_on: last_reviewed}",
            "aliases",
        )
        return ()
    pairs = []
    for old, new in value.items():
        if not _is_name(new) or str(old) == new:
            report(
                f"'adopt.aliases.{old}' must name another key, not {new!r}",
                f"write e.g. {old}: last_reviewed",
                "aliases",
                str(old),
            )
            continue
        pairs.append((str(old), new.strip()))
    return tuple(pairs)


def _derive(value: Any, report) -> tuple[Derivation, ...]:
    if value in (None, "", []):
        return ()
    allowed = ", ".join(SOURCES)
    if not isinstance(value, dict):
        report(
            "'adopt.derive' must map each key to where its value comes from",
            "write e.g. derive: {alerts: {from: file_name}, date: {from: file_date}}",
            "derive",
        )
        return ()
    found = []
    for target, spec in value.items():
        target = str(target)
        if isinstance(spec, str):
            spec = {"from": spec}
        source = spec.get("from") if isinstance(spec, dict) else None
        if source not in SOURCES:
            report(
                f"'adopt.derive.{target}' must say where its value comes from "
                f"(from: {allowed}), not {source if source is not None else spec!r}",
                f"write e.g. {target}: {{from: file_name}}",
                "derive",
                target,
            )
            continue
        keys = spec.get("key", ())
        keys = [keys] if isinstance(keys, str) else keys
        if source == "key" and (
            not isinstance(keys, list) or not keys or not all(map(_is_name, keys))
        ):
            report(
                f"'adopt.derive.{target}' takes its value from a key: name it with 'key:'",
                f"write e.g. {target}: {{from: key, key: [start_time, published]}}",
                "derive",
                target,
            )
            continue
        match = spec.get("match", "")
        try:
            re.compile(match if isinstance(match, str) else "(")
        except re.error as exc:
            report(
                f"'adopt.derive.{target}.match' is not a regular expression ({exc.msg})",
                "write a Python regular expression the file name must match, e.g. '[A-Z]\\w+'",
                "derive",
                target,
            )
            continue
        found.append(Derivation(target, source, tuple(k.strip() for k in keys), match))
    return tuple(found)


def _names(value: Any, part: str, report) -> list[str]:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(_is_name(item) for item in value):
        report(
            f"'adopt.{part}' must be a list of warning codes or keys",
            "write e.g. quiet: [escalate_when, no-l1-runbook]",
            part,
        )
        return []
    return [item.strip() for item in value]
