"""Knowledge-base settings, read from the ``opskb`` plugin entry of ``mkdocs.yml``.

The core reads ``mkdocs.yml`` itself (with a loader that reads MkDocs' tags
without running them) so that ``opskb check`` and ``opskb search`` never import
MkDocs. A setting opskb relies on that has the wrong type is a problem naming
its line, for every command, before MkDocs would fail on it without one.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import fields as f
from .fields import Field
from .options import OPTIONS
from .problems import Problem, Problems

__all__ = ["CONFIG_FILE", "Settings", "find_root", "load_settings", "today"]

CONFIG_FILE = "mkdocs.yml"
_TEXT = (str,)


@dataclass(frozen=True)
class Settings:
    root: Path
    site_name: str = "Knowledge base"
    site_dir: str = "site"
    content_dir: str = "content"
    runbooks_dir: str = OPTIONS["runbooks_dir"].default
    review_every: int = OPTIONS["review_every"].default
    include_drafts: bool = OPTIONS["include_drafts"].default
    allowed_tags: tuple[str, ...] | None = None
    directory_urls: bool = True  # pages at "name/" rather than "name.html"
    workers: int = OPTIONS["workers"].default  # processes a build may use; 0: one per CPU
    # Markdown as authors write it (CommonMark lists, other tools' flavours) read as meant
    markdown_flavours: bool = OPTIONS["markdown_flavours"].default
    offline_cache: bool = OPTIONS["offline_cache"].default  # the service worker
    related: bool = OPTIONS["related"].default  # related documents, similar past incidents
    slow_page: float = OPTIONS["slow_page"].default  # seconds a page converts before a warning
    search_synonyms: tuple[tuple[str, ...], ...] = OPTIONS["search_synonyms"].default
    alert_rules: tuple[str, ...] = OPTIONS["alert_rules"].default
    engine: str = OPTIONS["engine"].default  # what `opskb build` builds with (``engines/``)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    lines: _ConfigLines | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / ".opskb-cache"

    def line(self, key: str, *inner: str | int) -> int:
        """The line of a setting in ``mkdocs.yml`` (0 when unknown), for problems to name."""
        return self.lines.line(key, *inner) if self.lines is not None else 0


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads ``!ENV`` as MkDocs does and other tags (``!!python/name:…``,
    ``!relative``) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable set, read as a
    YAML value, else the default (the rules of MkDocs' ``pyyaml_env_tag``)."""
    if not isinstance(node, yaml.ScalarNode | yaml.SequenceNode):
        return _any_tag(loader, "", node)
    names, default = [node], None
    if isinstance(node, yaml.SequenceNode):
        names = node.value[:-1] if len(node.value) > 1 else node.value
        default = loader.construct_object(node.value[-1]) if len(node.value) > 1 else None
    for name in names:
        value = os.environ.get(str(loader.construct_scalar(name)))
        if value is not None:
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_TolerantLoader.add_multi_constructor("", _any_tag)
_TolerantLoader.add_constructor("!ENV", _env_tag)


class _ConfigLines:
    """The lines of ``mkdocs.yml``'s keys, from its YAML nodes, for problems to name
    (a :class:`fields.KeyLineFinder`); ``under`` a key, the lines of the keys below it.
    A key that is not there has the line of the nearest one above it that is."""

    def __init__(self, node: yaml.Node | None, line: int = 1) -> None:
        self._node, self._line = node, line

    def _find(self, path: tuple[str | int, ...]) -> tuple[yaml.Node | None, int]:
        node, line = self._node, self._line
        for part in path:
            if isinstance(node, yaml.MappingNode):
                found = [(k, v) for k, v in node.value if getattr(k, "value", None) == str(part)]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                found = [(item, item) for item in node.value[part : part + 1]]
            else:
                found = []
            if not found:
                return None, line
            key, node = found[-1]
            line = key.start_mark.line + 1
        return node, line

    def line(self, key: str | int, *inner: str | int) -> int:
        return self._find((key, *inner))[1]

    def under(self, *path: str | int) -> _ConfigLines:
        return _ConfigLines(*self._find(path))


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` holding ``mkdocs.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def _read_config(path: Path) -> tuple[Any, _ConfigLines]:
    """The value of ``mkdocs.yml`` and the lines of its keys; raises as the loader does."""
    loader = _TolerantLoader(path.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), _ConfigLines(node)
    finally:
        loader.dispose()


#: Settings of MkDocs that opskb reads or that a wrong type breaks, as (types, what, fix).
_TOP_LEVEL = {
    "site_name": (_TEXT, "text", "name the site, e.g. `site_name: IT knowledge base`"),
    "site_url": (_TEXT, "an address", "e.g. `site_url: https://kb.example.com/`"),
    "docs_dir": (_TEXT, "a folder name", "e.g. `docs_dir: content`"),
    "site_dir": (_TEXT, "a folder name", "e.g. `site_dir: site`"),
    "use_directory_urls": ((bool,), "true or false", "write `use_directory_urls: true`"),
    "theme": (
        (str, dict),
        "a theme name or a mapping",
        "e.g. `theme: material`, or `theme:` with `name: material` indented below it",
    ),
    "plugins": ((list, dict), "a list of plugins", "e.g. `plugins: [search, opskb]`"),
    "markdown_extensions": (
        (list, dict),
        "a list of extensions",
        "list them below it, one `- name` a line, e.g. `- admonition`",
    ),
}
_THEME = {
    "name": (_TEXT, "a theme name", "e.g. `name: material`"),
    "custom_dir": (_TEXT, "a folder name", "e.g. `custom_dir: theme`"),
}


def _checked(data: dict[Any, Any], table: dict, read: Field) -> dict[str, Any]:
    """``data``'s values of the keys in ``table`` (``None`` when absent or of the wrong
    type, which is reported)."""
    return {
        key: read.read(data, key, f.exactly(types, what, fix))
        for key, (types, what, fix) in table.items()
    }


def _plugin_entries(plugins: Any, read: Field) -> list[tuple[Any, Any, tuple[str | int, ...]]]:
    """Each configured plugin as (name, options, where its entry is); a list entry that
    is no plugin is reported."""
    if isinstance(plugins, dict):
        return [(name, options, ("plugins",)) for name, options in plugins.items()]
    entries = []
    for index, entry in enumerate(plugins or []):
        if isinstance(entry, str):
            entries.append((entry, None, ("plugins", index)))
        elif isinstance(entry, dict) and len(entry) == 1:
            ((name, options),) = entry.items()
            entries.append((name, options, ("plugins", index)))
        else:
            read.nested("plugins").report(
                index,
                f"plugins entry {index + 1} must be a plugin's name, alone or with its options",
                "write `- name`, or `- name:` with the plugin's options indented below it",
            )
    return entries


def _plugin_options(plugins: Any, lines: _ConfigLines, problems: Problems) -> dict[str, Any]:
    """The opskb plugin's options, type-checked; plugins whose options are no mapping are
    reported."""
    read = Field(CONFIG_FILE, lines, problems)
    options: dict[str, Any] = {}
    for name, value, where in _plugin_entries(plugins, read):
        here = lines.under(*where)
        fix = f"indent the options of '{name}' below it as `key: value` lines, or leave them out"
        value = Field(CONFIG_FILE, here, problems).read(
            {name: value}, str(name), f.exactly((dict,), "a mapping of options", fix)
        )
        if name != "opskb" or value is None:
            continue
        read_option = Field(CONFIG_FILE, here, problems, ("opskb",))
        options = {
            key: read_option.read(value, key, option.read, default=option.default)
            for key, option in OPTIONS.items()
        }
        if value.get("tags") == []:
            options["tags"] = []  # no tag allowed
    return options


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Settings of the knowledge base at ``root``, and any problems with them.

    A setting of the wrong type is reported (file, line, fix) and its default is used,
    so that every command can say so and checking finds every other problem too.
    """
    path = root / CONFIG_FILE
    problems = Problems()
    try:
        raw, lines = _read_config(path)
    except FileNotFoundError:
        problems.error(
            CONFIG_FILE,
            0,
            "no mkdocs.yml here",
            "run opskb inside a knowledge base, or create one with `opskb init DIR`",
        )
        return Settings(root=root), problems.sorted()
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OverflowError, RecursionError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        problems.error(
            CONFIG_FILE, line, f"mkdocs.yml is not valid YAML: {exc}", "fix the YAML syntax"
        )
        return Settings(root=root), problems.sorted()
    except OSError as exc:
        problems.error(
            CONFIG_FILE, 0, f"cannot read mkdocs.yml: {exc.strerror}", "make it a readable file"
        )
        return Settings(root=root), problems.sorted()
    if not isinstance(raw, dict):
        what = "is empty" if raw is None else "must be a mapping of settings"
        problems.error(
            CONFIG_FILE,
            1,
            f"mkdocs.yml {what}",
            "write one `key: value` setting a line, starting with `site_name: ...` and "
            "`plugins: [search, opskb]` (`opskb init DIR` writes a complete example)",
        )
        return Settings(root=root), problems.sorted()

    read = Field(CONFIG_FILE, lines, problems)
    values = _checked(raw, _TOP_LEVEL, read)
    if "site_name" not in raw:
        read.report("site_name", "'site_name' is required", _TOP_LEVEL["site_name"][2])
    if isinstance(values["theme"], dict):
        _checked(values["theme"], _THEME, read.nested("theme"))
        if not values["theme"].get("name") and not values["theme"].get("custom_dir"):
            read.report("theme", "'theme' needs a name or a custom_dir", "add `name: material`")
    options = _plugin_options(values["plugins"], lines, problems)
    option = {key: options.get(key, o.default) for key, o in OPTIONS.items()}
    tags = option["tags"]
    return (
        Settings(
            root=root,
            site_name=values["site_name"] or "Knowledge base",
            site_dir=values["site_dir"] or "site",
            content_dir=values["docs_dir"] or "content",
            runbooks_dir=option["runbooks_dir"] or OPTIONS["runbooks_dir"].default,
            review_every=option["review_every"],
            include_drafts=option["include_drafts"] is True,
            allowed_tags=tuple(str(t) for t in tags) if isinstance(tags, list) else None,
            directory_urls=values["use_directory_urls"] is not False,
            workers=_workers(option["workers"]),
            markdown_flavours=option["markdown_flavours"] is not False,
            search_synonyms=option["search_synonyms"] or (),
            alert_rules=option["alert_rules"] or (),
            offline_cache=option["offline_cache"] is not False,
            related=option["related"] is not False,
            slow_page=option["slow_page"],
            engine=option["engine"] or OPTIONS["engine"].default,
            raw=raw,
            lines=lines,
        ),
        problems.sorted(),
    )


def _workers(value: Any) -> int:
    """The plugin's ``workers`` option: 0 (one process per CPU) or how many."""
    if not isinstance(value, int) or isinstance(value, bool):
        return 0
    return max(1, value) if value else 0  # 0: one per CPU; below 0: one process


def today() -> dt.date:
    """Today, or the day of ``SOURCE_DATE_EPOCH`` when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()
