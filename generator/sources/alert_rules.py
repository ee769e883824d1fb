"""Alert rules: the Prometheus rule files a team keeps, read with where each alert is.

The plugin option ``alert_rules`` names rule files (globs, relative to the
knowledge base's root). Each is read as Prometheus writes them (``groups:``
of ``rules:`` with ``alert``, ``labels``, ``annotations``), or as a
Kubernetes ``PrometheusRule`` (the same under ``spec:``). Nothing here
raises on a file: a file that cannot be read is one problem, at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import Settings
from ..problems import Problem, Problems
from .yaml_reader import MAX_DEPTH, too_deep, yaml_problem

__all__ = ["AlertRule", "alert_page_uri", "alert_rule_files", "read_alert_rules"]

MAX_RULES_FILE = 8 * 1024 * 1024  # bytes; a rules file is text of a few hundred kB at most
MAX_NODES = 200_000  # YAML nodes walked in one file (aliases can repeat a node many times)
#: A name the stable page ``alerts/<name>/`` can carry as it is.
PAGE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_FIX_READ = "fix the file, or take it out of `alert_rules` in mkdocs.yml"


@dataclass(frozen=True)
class AlertRule:
    """One alerting rule, where it is written."""

    name: str
    path: str  # the rules file, relative to the knowledge base root
    line: int
    severity: str = ""
    summary: str = ""
    runbook_url: str = ""


def alert_page_uri(name: str) -> str | None:
    """The source URI of an alert's stable page (``alerts/<name>/``), if its name can be one."""
    return f"alerts/{name}.md" if PAGE_NAME.fullmatch(name) else None


def _rule_files(settings: Settings, problems: Problems) -> list[tuple[str, Path]]:
    """The files ``alert_rules`` names, inside the knowledge base, each once."""
    root = settings.root
    found: dict[str, Path] = {}
    for pattern in settings.alert_rules:
        line = settings.line("plugins")
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            problems.warning(
                "mkdocs.yml",
                line,
                f"alert_rules entry '{pattern}' is outside the knowledge base",
                "write a glob relative to the folder of mkdocs.yml, e.g. `alerts/*.yml`",
                key="alert_rules",
                code="alert-rules",
            )
            continue
        matched = sorted(p for p in root.glob(pattern) if p.is_file())
        inside = [p for p in matched if p.resolve().is_relative_to(root)]
        if not inside:
            problems.warning(
                "mkdocs.yml",
                line,
                f"alert_rules entry '{pattern}' matches no file",
                "check the glob: it is relative to the folder of mkdocs.yml",
                key="alert_rules",
                code="alert-rules",
            )
        for path in inside:
            found.setdefault(path.relative_to(root).as_posix(), path)
    return sorted(found.items())


def alert_rule_files(settings: Settings) -> list[Path]:
    """The rule files ``alert_rules`` names now (for a live preview to watch)."""
    return [file for _, file in _rule_files(settings, Problems())]


def _text(path: str, file: Path, problems: Problems) -> str | None:
    try:
        if file.stat().st_size > MAX_RULES_FILE:
            problems.error(
                path, 0, "rules file is larger than 8 MiB", _FIX_READ, code="alert-rules"
            )
            return None
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(
            path,
            0,
            f"rules file is not UTF-8 text (byte {exc.start})",
            _FIX_READ,
            code="alert-rules",
        )
    except OSError as exc:
        problems.error(
            path,
            0,
            f"rules file cannot be read: {exc.strerror or exc}",
            _FIX_READ,
            code="alert-rules",
        )
    return None


class _Walk:
    """Plain values out of composed YAML nodes, with a budget against alias bombs."""

    def __init__(self) -> None:
        self.left = MAX_NODES

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ValueError("the file expands to too many values (YAML aliases?)")

    def get(self, node: yaml.Node | None, key: str) -> yaml.Node | None:
        if not isinstance(node, yaml.MappingNode):
            return None
        for k, v in node.value:
            self.spend()
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
        return None

    def items(self, node: yaml.Node | None) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            return []
        for _ in node.value:
            self.spend()
        return list(node.value)

    def text(self, node: yaml.Node | None) -> str:
        return node.value.strip() if isinstance(node, yaml.ScalarNode) else ""


def _rules_in(
    path: str, document: yaml.Node, walk: _Walk, problems: Problems
) -> Iterator[AlertRule]:
    spec = walk.get(document, "spec")
    groups = walk.get(document, "groups") or walk.get(spec, "groups")
    if groups is None:
        if isinstance(document, yaml.MappingNode | yaml.SequenceNode):
            problems.warning(
                path,
                document.start_mark.line + 1,
                "rules file has no `groups:` list",
                "write Prometheus rules as `groups: [{name, rules: [{alert, expr, ...}]}]`",
                code="alert-rules",
            )
        return
    for group in walk.items(groups):
        for rule in walk.items(walk.get(group, "rules")):
            name_node = walk.get(rule, "alert")
            if name_node is None:
                continue  # a recording rule
            name = walk.text(name_node)
            line = rule.start_mark.line + 1
            if not name:
                problems.warning(
                    path,
                    line,
                    "alerting rule has an empty `alert:` name",
                    "give the rule its alert's name",
                    code="alert-rules",
                )
                continue
            annotations = walk.get(rule, "annotations")
            yield AlertRule(
                name=name,
                path=path,
                line=line,
                severity=walk.text(walk.get(walk.get(rule, "labels"), "severity")),
                summary=walk.text(walk.get(annotations, "summary"))
                or walk.text(walk.get(annotations, "description")),
                runbook_url=walk.text(walk.get(annotations, "runbook_url")),
            )


def read_alert_rules(settings: Settings, problems: Problems) -> list[AlertRule]:
    """Every alerting rule of the files ``alert_rules`` names, by name then place."""
    rules: list[AlertRule] = []
    for path, file in _rule_files(settings, problems):
        source = _text(path, file, problems)
        if source is None:
            continue
        deep = too_deep(source)
        if deep is not None:
            problems.error(
                path,
                deep + 1,
                f"rules file nests more than {MAX_DEPTH} levels deep",
                _FIX_READ,
                code="alert-rules",
            )
            continue
        walk = _Walk()
        found = Problems()  # kept only if the whole file reads
        try:
            read = [
                rule
                for document in yaml.compose_all(source, Loader=yaml.SafeLoader)
                if document is not None
                for rule in _rules_in(path, document, walk, found)
            ]
            rules.extend(read)
            problems.extend(found)
        except (yaml.YAMLError, RecursionError) as exc:
            problem = yaml_problem(path, exc, source, 1, "rules file")
            problems.add(Problem(**{**problem.__dict__, "code": "alert-rules"}))
        except ValueError as exc:
            problems.error(path, 1, f"rules file: {exc}", _FIX_READ, code="alert-rules")
    return sorted(rules, key=lambda r: (r.name, r.path, r.line))
