"""Scaffold: ``opskb init`` copies a small, working knowledge base from here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

__all__ = ["ScaffoldError", "create_kb"]

SOURCE = Path(__file__).parent / "kb"


class ScaffoldError(Exception):
    pass


def create_kb(target: Path, *, site_name: str | None = None) -> list[Path]:
    """Write a new knowledge base into ``target``; never overwrites anything."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} exists and is not a folder")
    clashes = [
        p.relative_to(SOURCE)
        for p in SOURCE.rglob("*")
        if p.is_file() and (target / p.relative_to(SOURCE)).exists()
    ]
    if clashes:
        raise ScaffoldError(f"{target} already holds {clashes[0]}; choose an empty folder")
    written = []
    for source in sorted(SOURCE.rglob("*")):
        if source.is_dir() or source.name == "__pycache__" or source.suffix == ".pyc":
            continue
        dest = target / source.relative_to(SOURCE)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.name == "mkdocs.yml":
            text = source.read_text(encoding="utf-8")
            name = site_name or target.resolve().name.replace("-", " ").title() or "Knowledge base"
            dest.write_text(
                text.replace("site_name: Knowledge base", f"site_name: {json.dumps(name)}"),
                encoding="utf-8",
            )
        else:
            shutil.copyfile(source, dest)
        written.append(dest)
    return written
