"""Tests mirror the package: each module of ``generator/`` has ``tests/<folder>/test_<name>.py``.

A maintainer changing ``generator/check/links.py`` finds its tests in
``tests/check/test_links.py``. A module may instead be listed below, with why;
the list may only shrink: a listed module that gains its own test file, or is
gone, must leave the list.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"
SKIPPED_FOLDERS = {"scaffold", "templates"}  # files a new knowledge base starts from; data

#: Adapter plumbing: engine and command wiring, held by the site they build.
ADAPTERS = {
    "cli/adopting.py": "opskb adopt, in tests/sources/test_adoption.py",
    "cli/commands.py": "every command, through run_cli in most test files",
    "cli/options.py": "the options commands share, through run_cli in most test files",
    "cli/reading.py": "opskb export and search, in tests/search/test_engine.py",
    "engines/errors.py": "the build's one error type, in tests/whole_site/test_build.py",
    "engines/mkdocs/build.py": "opskb build, in tests/whole_site/",
    "engines/mkdocs/host.py": "MkDocs hooks, in tests/engines/test_three_engines.py",
    "engines/mkdocs/plugin.py": "MkDocs events, in tests/engines/ and tests/whole_site/",
    "engines/mkdocs/preview.py": "opskb serve, in tests/engines/mkdocs/test_watching.py",
    "engines/stage.py": "the staged sources, in tests/engines/test_three_engines.py",
    "engines/staged_build.py": "the staged build, in tests/engines/test_three_engines.py",
    "engines/zensical/adapter.py": "Zensical, in tests/engines/test_three_engines.py",
    "publish/offline_worker.py": "the service worker, in tests/publish/test_offline.py",
}


def modules() -> list[str]:
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        rel = file.relative_to(PACKAGE)
        if file.name in {"__init__.py", "__main__.py"} or SKIPPED_FOLDERS & set(rel.parts):
            continue
        found.append(rel.as_posix())
    return found


def mirrored(module: str) -> Path:
    rel = Path(module)
    return REPO / "tests" / rel.parent / f"test_{rel.name}"


def test_every_module_but_an_adapter_has_a_test_file_at_its_mirrored_path():
    listed = ADAPTERS.keys()
    missing = [m for m in modules() if m not in listed and not mirrored(m).is_file()]
    assert missing == [], f"add {', '.join(str(mirrored(m)) for m in missing)}"


def test_adapters_named_exist_and_still_lack_a_test_file():
    listed = ADAPTERS.keys()
    gone = sorted(m for m in listed if not (PACKAGE / m).is_file())
    tested = sorted(m for m in listed if mirrored(m).is_file())
    assert (gone, tested) == ([], []), "remove these from ADAPTERS in tests/test_layout.py"


def test_every_test_file_a_list_names_exists():
    named = {reason.split(", in ")[-1].split(",")[0] for reason in ADAPTERS.values()}
    files = sorted(n for n in named if n.startswith("tests/") and n.endswith(".py"))
    assert files and [f for f in files if not (REPO / f).is_file()] == []


def test_the_package_is_found_and_mirrors_into_its_folders():
    assert "check/catalog.py" in modules()
    assert mirrored("check/catalog.py") == REPO / "tests/check/test_catalog.py"


ENGINE_PACKAGES = {"mkdocs", "material", "properdocs", "zensical"}


def _imported_roots(path: Path) -> set[str]:

    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_engine_adapters_import_an_engine():
    """The core (sources, check, pages, search, publish, cli) imports no engine: MkDocs
    and ProperDocs under ``engines/mkdocs/``, Zensical (a command) under its adapter."""
    adapters = {PACKAGE / "engines" / "mkdocs", PACKAGE / "engines" / "zensical"}
    offenders = {
        path.relative_to(PACKAGE).as_posix(): sorted(_imported_roots(path) & ENGINE_PACKAGES)
        for path in PACKAGE.rglob("*.py")
        if not any(path.is_relative_to(folder) for folder in adapters)
        and _imported_roots(path) & ENGINE_PACKAGES
    }
    assert offenders == {}
    plugin = _imported_roots(PACKAGE / "engines" / "mkdocs" / "plugin.py")
    assert "mkdocs" in plugin, "the scan sees the adapter's imports"


def _engine_members() -> set[str]:
    """Names of what MkDocs' pages, files, configuration and live-reload server have."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    classes = (Page, File, Files, MkDocsConfig, LiveReloadServer)
    return {name for cls in classes for name in dir(cls) if callable(getattr(cls, name, None))}


OWN = {"self", "cls", "os"}  # whose underscored names may be used (``os._exit`` is public)


def test_the_adapters_patch_nothing_of_the_engine_and_touch_none_of_its_private_state():
    """No MkDocs method is replaced at run time (``page.render = …``), and no private
    attribute of another object is used (``server._watched_paths``): the engine's events,
    subclasses and public attributes only, which its next release keeps."""
    methods = _engine_members()
    offenders = []
    for path in (PACKAGE / "engines").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in methods:
                    offenders.append(f"{path.name}:{node.lineno} sets .{target.attr}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in OWN)
            ):
                offenders.append(f"{path.name}:{node.lineno} reads .{node.attr}")
    assert offenders == []
    assert "render" in methods and "read_source" in methods, "the scan knows MkDocs' methods"
