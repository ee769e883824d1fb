"""Scaffold: ``opskb init`` copies a small, working knowledge base from here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import OpskbError

__all__ = ["ScaffoldError", "create_kb"]

SOURCE = Path(__file__).parent / "kb"


class ScaffoldError(OpskbError):
    """Why no knowledge base was created; nothing was written."""


def create_kb(target: Path, *, site_name: str | None = None) -> list[Path]:
    """Write a new knowledge base into ``target``, a new or an empty folder.

    A folder holding anything (hidden files too) is refused before anything is
    written: a knowledge base mixed into other files would publish or break on them.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(
            f"{target} exists and is not a folder; choose an empty folder; nothing was written"
        )
    if target.is_dir() and next(target.iterdir(), None) is not None:
        raise ScaffoldError(
            f"{target} is not empty; choose an empty folder or a new one (opskb init creates it); "
            "nothing was written"
        )
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
