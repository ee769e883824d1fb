"""The development environment is the one the lock pins, and the package declares what it uses.

A fresh machine must get the environment the suite last passed on, so
``dev.py`` installs exactly what ``requirements-dev.lock`` pins; people who
install opskb as a package get ``pyproject.toml``'s ranges, which must name
every library the code imports and nothing it does not.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("dev", REPO / "dev.py")
dev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dev)

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# declared, used by name rather than imported: the theme every knowledge base names in mkdocs.yml
NOT_IMPORTED = {"mkdocs-material"}
# engines only `opskb build --engine` loads (imported, or run as a program): an extra of their own
OPTIONAL_EXTRA = "engines"


def requirements(*extras: str) -> list[Requirement]:
    """The base requirements and those of ``extras``; an extra naming ``opskb[other]``
    brings in the requirements of ``other``."""
    project = PYPROJECT["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    for extra in extras:
        for line in project["optional-dependencies"][extra]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == "opskb":
                found += requirements(*requirement.extras)[len(project["dependencies"]) :]
            else:
                found.append(requirement)
    return found


def test_the_lock_pins_a_version_every_declared_range_allows() -> None:
    pins = dev.wanted(Path(sys.prefix))
    for requirement in requirements(*dev.EXTRAS):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared but not locked: run `python3 dev.py lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in {dev.LOCK.name} is outside {requirement}: "
            "run `python3 dev.py lock`"
        )


@pytest.mark.skipif(
    Path(sys.prefix).resolve() == dev.LATEST.resolve(),
    reason="`dev.py test --latest` runs on the newest versions, not the lock, by design",
)
def test_the_test_environment_holds_exactly_what_the_lock_pins() -> None:
    pins = dev.wanted(Path(sys.prefix))
    have = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    extra = sorted(set(have) - set(pins) - dev.KEEP)
    assert not extra, f"installed but not locked: {extra}"
    assert {name: have.get(name) for name in pins} == pins


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"opskb"}


def test_the_package_declares_every_library_it_imports_and_no_other() -> None:
    providers = metadata.packages_distributions()
    imported = {
        canonicalize_name(dist) for module in _imported_top_levels() for dist in providers[module]
    }
    declared = {canonicalize_name(r.name) for r in requirements()}
    optional = {canonicalize_name(r.name) for r in requirements(OPTIONAL_EXTRA)} - declared
    assert imported - declared - optional == set(), "imported but not declared in pyproject.toml"
    assert declared - imported == NOT_IMPORTED, "declared in pyproject.toml but never imported"


def test_dev_py_says_how_to_refresh_the_lock_and_test_the_newest_versions() -> None:
    said = subprocess.run(
        [sys.executable, str(REPO / "dev.py"), "help"], capture_output=True, text=True, check=True
    ).stdout
    assert "dev.py lock" in said and "dev.py test --latest" in said
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python3 dev.py lock" in readme and "python3 dev.py test --latest" in readme
