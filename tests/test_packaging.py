"""The package a user installs carries everything opskb needs outside this repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"


def test_the_wheel_holds_every_module_template_theme_file_and_scaffold_file(tmp_path: Path):
    # from a copy of the sources: a build/ folder left by an earlier build would carry
    # modules that no longer exist into the wheel
    source = tmp_path / "source"
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("opskb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "opskb/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert expected - names == set()
    package_files = {n for n in names if ".dist-info/" not in n}
    assert package_files - expected == set(), "the wheel holds only the package"
    assert not any("bench" in n or "synthetic" in n for n in package_files), "tooling stays out"
    assert any(n.endswith("entry_points.txt") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "opskb = opskb.cli:main" in entry_points
    assert "opskb = opskb.engines.mkdocs.plugin:OpskbPlugin" in entry_points


#: Declared dependencies the package uses without importing them, and how.
NOT_IMPORTED = {
    "mkdocs-material": "the theme: MkDocs loads it by its name in mkdocs.yml (theme: material)",
}


def test_every_declared_dependency_is_imported_by_the_package() -> None:
    """A dependency nothing imports is weight on every install (or a sign of dead code)."""
    import re
    import tomllib
    from importlib import metadata

    from tests.test_layout import _imported_roots

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    names = [
        re.split(r"[<>=!~ \[;]", dep, maxsplit=1)[0] for dep in declared["project"]["dependencies"]
    ]
    provides: dict[str, set[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        for dist in dists:
            provides.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    imported = set().union(*(_imported_roots(p) for p in PACKAGE.rglob("*.py")))
    unused = {
        name
        for name in names
        if name.lower() not in NOT_IMPORTED
        and not provides.get(name.lower().replace("_", "-"), set()) & imported
    }
    assert unused == set()
    assert set(NOT_IMPORTED) <= {n.lower() for n in names}, "an exemption for a dependency gone"
    assert provides.get("pyyaml") == {"yaml", "_yaml"}, "the scan maps distributions to modules"
