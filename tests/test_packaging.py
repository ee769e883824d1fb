"""The package a user installs carries everything opskb needs outside this repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"


def test_the_wheel_holds_every_module_template_theme_file_and_scaffold_file(tmp_path: Path):
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
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("opskb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "opskb/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert expected - names == set()
    assert any(n.endswith("entry_points.txt") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "opskb = opskb.cli:main" in entry_points
    assert "opskb = opskb.engines.mkdocs.plugin:OpskbPlugin" in entry_points
