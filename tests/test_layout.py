"""Tests mirror the package: each module of ``generator/`` has ``tests/<folder>/test_<name>.py``.

A maintainer changing ``generator/check/links.py`` finds its tests in
``tests/check/test_links.py``. A module may instead be listed below, with why;
the list may only shrink: a listed module that gains its own test file, or is
gone, must leave the list.
"""

from __future__ import annotations

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

#: Core modules still reached only through another module's tests or a site build:
#: each wants a test file of its own (issue 19); remove a line when it has one.
NOT_YET = {
    "packs.py": "tests/pages/test_memo.py",
    "problems.py": "tests/cli/test_check_command.py",
    "pages/groups.py": "tests/sources/test_adopted_layouts.py",
    "search/index.py": "tests/search/test_engine.py",
    "search/likeness.py": "tests/search/test_related.py",
    "search/pagefind_files.py": "tests/whole_site/test_search_browser.py",
    "search/records.py": "tests/search/test_engine.py",
    "search/site_index.py": "tests/search/test_engine.py",
    "search/sources.py": "tests/search/test_engine.py",
    "search/store.py": "tests/pages/test_memo.py",
    "search/terminal.py": "tests/search/test_engine.py",
    "sources/alert_rules.py": "tests/check/test_alerts.py",
    "sources/history.py": "tests/sources/test_adoption.py",
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


def test_every_module_has_a_test_file_at_its_mirrored_path_or_a_reason():
    listed = ADAPTERS.keys() | NOT_YET.keys()
    missing = [m for m in modules() if m not in listed and not mirrored(m).is_file()]
    assert missing == [], f"add {', '.join(str(mirrored(m)) for m in missing)}"


def test_the_lists_name_only_modules_that_exist_and_still_lack_a_test_file():
    listed = ADAPTERS.keys() | NOT_YET.keys()
    gone = sorted(m for m in listed if not (PACKAGE / m).is_file())
    tested = sorted(m for m in listed if mirrored(m).is_file())
    assert (gone, tested) == ([], []), "remove these from the lists in tests/test_layout.py"


def test_every_test_file_a_list_names_exists():
    named = {reason.split(", in ")[-1].split(",")[0] for reason in ADAPTERS.values()}
    named |= set(NOT_YET.values())
    files = sorted(n for n in named if n.startswith("tests/") and n.endswith(".py"))
    assert files and [f for f in files if not (REPO / f).is_file()] == []


def test_the_package_is_found_and_mirrors_into_its_folders():
    assert "check/catalog.py" in modules()
    assert mirrored("check/catalog.py") == REPO / "tests/check/test_catalog.py"


ENGINE_PACKAGES = {"mkdocs", "material", "properdocs", "zensical"}


def _imported_roots(path: Path) -> set[str]:
    import ast

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
