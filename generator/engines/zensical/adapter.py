"""The Zensical adapter: Zensical builds the staged tree, opskb adds what it does not.

Zensical reads ``mkdocs.yml`` but runs no MkDocs plugins, so it gets the staged
tree (``stage.py``), in which every page is already plain Markdown. It runs in
a process of its own (its Rust runtime keeps global state), and the built site
then gets opskb's search page index (Pagefind), ``api/catalog.json``, the offline
copies and the service worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ...check.export import CATALOG_URI, with_offline
from ...pipeline import KnowledgeBase
from ...publish.offline import write_offline_copies
from ...publish.offline_reuse import CopyParts, CopyReuse
from ...publish.offline_worker import write_service_worker
from ...search.site_index import write_site_index, write_site_synonyms
from ..errors import EngineError
from ..stage import stage_site

__all__ = ["build_with_zensical"]


def build_with_zensical(
    kb: KnowledgeBase, tree_dir: Path, site_dir: Path, *, strict: bool = False, workers: int = 1
) -> str:
    """Stage the knowledge base into ``tree_dir``, build it with Zensical and move the
    site into the empty folder ``site_dir``; returns the warnings Zensical printed.
    Raises EngineError, OSError."""
    tree = stage_site(kb, tree_dir, workers=workers)
    command = [sys.executable, "-m", "zensical", "build", "-f", str(tree.config_file), "--clean"]
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        run = subprocess.run(
            [*command, *(["--strict"] if strict else [])],
            cwd=tree.folder,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
    except OSError as exc:
        raise EngineError(f"cannot run Zensical: {exc}") from None
    said = (run.stdout + run.stderr).strip()
    if run.returncode != 0 or not tree.built_site.is_dir():
        if "No module named zensical" in said:
            raise EngineError(
                "Zensical is not installed: `pip install zensical`, or build with --engine mkdocs"
            )
        raise EngineError(f"Zensical failed (exit {run.returncode}):\n{said[-4000:]}")
    for child in sorted(tree.built_site.iterdir()):
        os.replace(child, site_dir / child.name)
    write_site_index(tree.records, site_dir)
    write_site_synonyms(kb.settings.search_synonyms, site_dir)
    catalog = site_dir / CATALOG_URI
    catalog.parent.mkdir(parents=True, exist_ok=True)
    # the pages of the copies are kept between builds, as the MkDocs adapter's are
    reuse = CopyReuse(parts=CopyParts(kb.settings.cache_dir))
    copies = write_offline_copies(kb.catalog, site_dir, reuse, workers=workers)
    catalog.write_text(with_offline(tree.catalog_json, copies), encoding="utf-8")
    write_service_worker(kb.catalog, site_dir, enabled=kb.settings.offline_cache)
    return said if "Warning" in said else ""
