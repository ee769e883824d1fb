"""Every exception class opskb defines derives from one root, ``OpskbError``."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from opskb.errors import OpskbError

from tests.test_layout import PACKAGE


def defined_classes() -> list[tuple[str, str]]:
    """(module, class name) of every class the package defines at a module's top level."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__main__.py":  # running it is what importing it does
            continue
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        module = ".".join(("opskb", *parts))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(module, node.name) for node in tree.body if isinstance(node, ast.ClassDef)]
    return found


def exception_classes() -> dict[str, type[BaseException]]:
    found = {}
    for module, name in defined_classes():
        cls = getattr(importlib.import_module(module), name)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found[f"{module}.{name}"] = cls
    return found


def test_every_exception_the_package_defines_derives_from_the_root() -> None:
    strays = sorted(
        name for name, cls in exception_classes().items() if not issubclass(cls, OpskbError)
    )
    assert strays == [], "derive these from opskb.errors.OpskbError"


def test_the_scan_finds_the_exceptions_of_every_stage() -> None:
    found = exception_classes()
    for name in (
        "opskb.errors.OpskbError",
        "opskb.engines.errors.EngineError",
        "opskb.search.site_index.SiteIndexError",
        "opskb.cli.authoring.AuthoringError",
        "opskb.scaffold.ScaffoldError",
        "opskb.fields.Invalid",
        "opskb.pages.memo.Unfit",
        "opskb.sources.yaml_reader._NotSimple",
    ):
        assert name in found
    assert "opskb.model.Tier" not in found  # a class, not an exception


def test_a_library_caller_catches_a_refusal_by_the_root(tmp_path: Path) -> None:
    from opskb.scaffold import create_kb

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OpskbError, match="not empty"):
        create_kb(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
