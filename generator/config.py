"""Knowledge-base settings, read from the ``opskb`` plugin entry of ``mkdocs.yml``.

The core reads ``mkdocs.yml`` itself (with a loader that ignores MkDocs'
Python tags) so that ``opskb check`` and ``opskb search`` never import MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

__all__ = ["CONFIG_FILE", "Settings", "find_root", "load_settings", "today"]

CONFIG_FILE = "mkdocs.yml"
DEFAULT_REVIEW_EVERY = 180


@dataclass(frozen=True)
class Settings:
    root: Path
    site_name: str = "Knowledge base"
    site_dir: str = "site"
    content_dir: str = "content"
    runbooks_dir: str = "runbooks"
    review_every: int = DEFAULT_REVIEW_EVERY
    include_drafts: bool = False
    allowed_tags: tuple[str, ...] | None = None
    directory_urls: bool = True  # pages at "name/" rather than "name.html"
    workers: int = 0  # processes a build may use; 0: one per CPU
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / ".opskb-cache"


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads ``!!python/name:…`` and ``!ENV`` tags as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _any_tag)


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` holding ``mkdocs.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def _plugin_options(raw: dict[str, Any]) -> dict[str, Any]:
    for entry in raw.get("plugins") or []:
        if entry == "opskb":
            return {}
        if isinstance(entry, dict) and "opskb" in entry:
            return entry["opskb"] or {}
    if isinstance(raw.get("plugins"), dict):
        return raw["plugins"].get("opskb") or {}
    return {}


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Settings of the knowledge base at ``root``, and any problems with them."""
    path = root / CONFIG_FILE
    problems: list[Problem] = []
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except FileNotFoundError:
        problems.append(
            Problem(
                CONFIG_FILE,
                0,
                "no mkdocs.yml here",
                "run opskb inside a knowledge base, or create one with `opskb init DIR`",
            )
        )
        return Settings(root=root), problems
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OverflowError, RecursionError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        problems.append(
            Problem(
                CONFIG_FILE, line, f"mkdocs.yml is not valid YAML: {exc}", "fix the YAML syntax"
            )
        )
        return Settings(root=root), problems
    if not isinstance(raw, dict):
        problems.append(Problem(CONFIG_FILE, 1, "mkdocs.yml must be a mapping of settings"))
        return Settings(root=root), problems

    options = _plugin_options(raw)
    if not isinstance(options, dict):
        options = {}
    review_every = options.get("review_every", DEFAULT_REVIEW_EVERY)
    if (
        isinstance(review_every, bool)
        or not isinstance(review_every, int)
        or not 0 < review_every <= 36_500
    ):
        problems.append(
            Problem(
                CONFIG_FILE,
                0,
                "opskb review_every must be a whole number of days",
                "for example `review_every: 180`",
                key="review_every",
            )
        )
        review_every = DEFAULT_REVIEW_EVERY
    tags = options.get("tags")
    allowed = tuple(str(t) for t in tags) if isinstance(tags, list) else None
    docs_dir = raw.get("docs_dir", "content")
    return (
        Settings(
            root=root,
            site_name=str(raw.get("site_name") or "Knowledge base"),
            site_dir=str(raw.get("site_dir") or "site"),
            content_dir=str(docs_dir),
            runbooks_dir=str(options.get("runbooks_dir", "runbooks")),
            review_every=review_every,
            include_drafts=bool(options.get("include_drafts", False)),
            allowed_tags=allowed,
            directory_urls=raw.get("use_directory_urls", True) is not False,
            workers=_workers(options.get("workers", 0)),
            raw=raw,
        ),
        problems,
    )


def _workers(value: Any) -> int:
    """The plugin's ``workers`` option (MkDocs reports a wrong type itself)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return 0
    return max(1, value) if value else 0  # 0: one per CPU; below 0: one process


def today() -> dt.date:
    """Today, or the day of ``SOURCE_DATE_EPOCH`` when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()
