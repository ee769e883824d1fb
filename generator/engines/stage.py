"""The staged tree: the whole site as plain Markdown that any engine can build.

``opskb stage DIR`` and the Zensical engine write, into one folder:

```
mkdocs.yml   the knowledge base's settings, with our navigation, stylesheets and
             Markdown extensions, docs_dir: docs, custom_dir: overrides
docs/        every published document's page and every generated page, rendered
             by our own templates (links already point at pages), the other files
             the site publishes, and api/catalog.json
overrides/   opskb's theme overrides, with the knowledge base's own on top
```

Nothing here imports an engine: an engine reads the folder as it reads any
MkDocs-style project. The search page's Pagefind index is not part of the
tree; it is written into the built site (``search.site_index``).
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..check.export import CATALOG_URI, catalog_json
from ..config import CONFIG_FILE, Settings
from ..names import virtual_path
from ..pages import NavItem, RenderMemo, Site
from ..pipeline import KnowledgeBase, render_kb
from ..search.records import RecordStore, SearchRecord
from ..sources.walk import walk_folder

__all__ = [
    "DOCS_DIR",
    "OFFLINE_SCRIPT",
    "OVERRIDES_DIR",
    "REQUIRED_EXTENSIONS",
    "STYLESHEETS",
    "TICKET_NOTE_SCRIPT",
    "StagedTree",
    "holds_staged_tree",
    "nav_config",
    "nav_titles",
    "nav_uris",
    "our_assets",
    "stage_site",
]

STAGED_MARK = "# Written by `opskb stage` from the knowledge base's mkdocs.yml: edit that one.\n"
DOCS_DIR = "docs"
SEARCH_EXCLUDED = 'search: {"exclude": true}\n'  # front matter Material-like themes obey
OVERRIDES_DIR = "overrides"
SITE_DIR = "site"  # where an engine run in the tree writes the site (inside it: Zensical)
THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
THEME_LEFT_OUT = frozenset({"opskb-reuse.html", "partials/nav.html"})  # the MkDocs adapter's
STYLESHEETS = ("assets/opskb/opskb.css", "assets/opskb/pages.css")
OFFLINE_SCRIPT = "assets/opskb/offline.js"  # registers the service worker (offline_worker.py)
TICKET_NOTE_SCRIPT = "assets/opskb/ticket-note.js"  # copy a ticket note, fill in the caller
STAGED_STYLESHEET = "assets/opskb/staged.css"  # the header search box, for themes unlike Material
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables", "admonition", "toc")
# Lists numbered as written (`<ol start="3">`); their indentation is the core's (sources/lists.py)
FLAVOUR_EXTENSIONS = ("sane_lists",)


@dataclass(frozen=True)
class StagedTree:
    """A written staged tree, and what the built site needs beside the engine's pages."""

    folder: Path
    site: Site
    records: list[SearchRecord]  # what the search page's index holds
    catalog_json: str

    @property
    def config_file(self) -> Path:
        return self.folder / CONFIG_FILE

    @property
    def built_site(self) -> Path:
        """Where an engine run on :attr:`config_file` writes the site."""
        return self.folder / SITE_DIR


def our_assets(
    settings: Settings, *, offline: bool
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What opskb adds to any engine's configuration: stylesheets, scripts (``offline``:
    the one registering the service worker too) and Markdown extensions."""
    scripts = (*((OFFLINE_SCRIPT,) if offline else ()), TICKET_NOTE_SCRIPT)
    extensions = REQUIRED_EXTENSIONS + (FLAVOUR_EXTENSIONS if settings.markdown_flavours else ())
    return STYLESHEETS, scripts, extensions


def _nav_title(item: NavItem) -> str:
    return html.escape(item.title, quote=True)  # themes print the nav's titles raw


def nav_config(items: list[NavItem]) -> list:
    """Our navigation as the ``nav`` setting; titles escaped (themes print them raw)."""
    result = []
    for item in items:
        value = item.src_uri if not item.children else nav_config(item.children)
        result.append({_nav_title(item): value})
    return result


def nav_titles(items: list[NavItem]) -> dict[str, str]:
    """The title the ``nav`` setting gives each page in it (``nav_config``)."""
    titles: dict[str, str] = {}
    for item in items:
        if item.src_uri:
            titles[item.src_uri] = _nav_title(item)
        titles.update(nav_titles(item.children))
    return titles


def nav_uris(items: list[NavItem]) -> Iterator[str]:
    for item in items:
        if item.src_uri:
            yield item.src_uri
        yield from nav_uris(item.children)


def holds_staged_tree(folder: Path) -> bool:
    """Whether ``folder`` holds a tree ``stage_site`` wrote (which it may replace)."""
    try:
        with open(folder / CONFIG_FILE, encoding="utf-8") as config:
            return config.readline() == STAGED_MARK
    except (OSError, UnicodeDecodeError):
        return False


def stage_site(kb: KnowledgeBase, folder: Path, *, workers: int = 1) -> StagedTree:
    """Render the knowledge base and write its staged tree into ``folder`` (made if need
    be; what it holds of an earlier tree is replaced). Raises OSError."""
    store, memo = RecordStore(kb.settings.cache_dir), RenderMemo(kb.settings.cache_dir)
    site, records = render_kb(kb, store, memo, workers=workers)
    tree = StagedTree(Path(folder), site, records, catalog_json(kb.catalog))
    for name in (DOCS_DIR, OVERRIDES_DIR, SITE_DIR):
        shutil.rmtree(tree.folder / name, ignore_errors=True)
    _write_docs(kb, tree)
    _write_overrides(kb, tree.folder / OVERRIDES_DIR)
    tree.config_file.write_text(_config_text(kb, site), encoding="utf-8")
    return tree


def _write_docs(kb: KnowledgeBase, tree: StagedTree) -> None:
    docs = tree.folder / DOCS_DIR
    made: set[Path] = set()

    def write(uri: str) -> Path:
        path = docs / uri
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        return path

    pages = {page.src_uri for page in tree.site.pages}
    for page in tree.site.pages:
        write(page.src_uri).write_text(_out_of_theme_search(page.markdown), encoding="utf-8")
    content_dir = kb.settings.content_dir
    for rel in sorted(kb.catalog.files):
        uri = virtual_path(rel, content_dir)
        if uri not in pages:
            shutil.copyfile(kb.root / rel, write(uri))
    write(CATALOG_URI).write_text(tree.catalog_json, encoding="utf-8")


def _out_of_theme_search(markdown: str) -> str:
    """A page the theme's own search index leaves out, as the MkDocs adapter's pages are:
    both search boxes use our Pagefind index, and the theme's would be the text of every
    page, fetched by every page (645 KB for the sample)."""
    if markdown.startswith("---\n"):
        return "---\n" + SEARCH_EXCLUDED + markdown[4:]
    return "---\n" + SEARCH_EXCLUDED + "---\n" + markdown


def _custom_dir(kb: KnowledgeBase) -> Path | None:
    theme = kb.settings.raw.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return kb.root / str(custom) if custom else None


def _write_overrides(kb: KnowledgeBase, target: Path) -> None:
    """opskb's theme files, then the knowledge base's ``custom_dir`` over them: the order
    in which MkDocs looks for a template (the knowledge base's first)."""
    for source in (THEME_DIR, _custom_dir(kb)):
        if source is None or not source.is_dir():
            continue
        for file in walk_folder(source, root=kb.root if source != THEME_DIR else None):
            if file.rel in THEME_LEFT_OUT:
                continue
            (target / file.rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file.path, target / file.rel)


class _Tagged:
    """A YAML value with a tag the safe loader does not build (``!!python/name:…``,
    ``!ENV``), kept as written so that the engine reading the tree builds it."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


def _keep_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return _Tagged(node.tag, loader.construct_mapping(node, deep=True))


_Loader.add_multi_constructor("", _keep_tag)


class _Dumper(yaml.SafeDumper):
    pass


def _tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Dumper.add_representer(_Tagged, _tagged)


def _extension_names(extensions: list) -> set[str]:
    return {next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions}


def _config_text(kb: KnowledgeBase, site: Site) -> str:
    """The knowledge base's ``mkdocs.yml`` for the staged tree: its own settings (tags
    kept), pointed at the tree's folders, with our navigation, stylesheets and Markdown
    extensions, and without the opskb plugin (the tree is its output)."""
    text = kb.settings.config_path.read_text(encoding="utf-8")
    config: dict[str, Any] = yaml.load(text, Loader=_Loader) or {}
    config["docs_dir"], config["site_dir"] = DOCS_DIR, SITE_DIR
    theme = config.get("theme")
    theme = {"name": theme} if isinstance(theme, str) else dict(theme or {"name": "material"})
    theme["custom_dir"] = OVERRIDES_DIR
    # Zensical's default look ("modern") lays out a header our search box was not made
    # for; "classic" is Material's, which opskb's theme overrides are written against
    theme.setdefault("variant", "classic")
    config["theme"] = theme
    config["nav"] = nav_config(site.nav)
    our_sheets, our_scripts, wanted = our_assets(kb.settings, offline=kb.settings.offline_cache)
    sheets = list(config.get("extra_css") or [])
    ours = (*our_sheets, STAGED_STYLESHEET)
    config["extra_css"] = sheets + [s for s in ours if s not in sheets]
    scripts = list(config.get("extra_javascript") or [])
    config["extra_javascript"] = scripts + [s for s in our_scripts if s not in scripts]
    extensions = config.get("markdown_extensions") or []
    if isinstance(extensions, dict):
        extensions = [{name: options} if options else name for name, options in extensions.items()]
    have = _extension_names(extensions)
    config["markdown_extensions"] = list(extensions) + [e for e in wanted if e not in have]
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: options} if options else name for name, options in plugins.items()]
    config["plugins"] = [p for p in plugins if "opskb" not in _extension_names([p])]
    return STAGED_MARK + yaml.dump(
        config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
