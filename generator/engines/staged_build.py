"""A build with an engine that reads the staged tree, made safe as a MkDocs build is.

The engine writes into a staging folder beside the site, which is swapped in
only when everything succeeded; a failure leaves the previous site untouched.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..executor import available_cpus
from ..pipeline import KnowledgeBase, load_kb
from ..problems import FOLD, format_problems
from ..terminal_text import terminal_lines, terminal_safe
from .errors import EngineError
from .mkdocs.build import cannot_write, progress, staging_prefix, swap_into_place
from .stage import holds_staged_tree, stage_site
from .zensical.adapter import build_with_zensical

__all__ = ["build_staged", "stage_kb"]


def build_staged(
    kb: KnowledgeBase,
    target: Path,
    staging: Path,
    *,
    strict: bool,
    quiet: bool,
    started: float,
    index: Callable[[], None] | None = None,
) -> int:
    """Build with an engine that reads the staged tree (``engines/``), into ``staging``
    and then in place of ``target``, as a MkDocs build is. ``index``: the terminal search
    index's update, forked before the build loaded (``search/background.py``), to start
    once it is done; without it, one is started then."""
    tree: Path | None = None
    try:
        tree = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
        workers = kb.settings.workers or available_cpus()
        said = build_with_zensical(kb, tree, staging, strict=strict, workers=workers)
        swap_into_place(staging, target)
    except EngineError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        click.echo(f"error: {terminal_lines(exc)}", err=True)
        click.echo("build failed; the previous site is untouched", err=True)
        return 1
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise click.ClickException(terminal_lines(cannot_write(exc, target))) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if tree is not None:
            shutil.rmtree(tree, ignore_errors=True)
    if said and not quiet:
        click.echo(terminal_lines(said), err=True)
    if index is not None:
        index()
    else:
        _update_terminal_index(kb)
    progress(f"built {terminal_safe(target)} in {time.perf_counter() - started:.1f} s", quiet)
    return 0


def _update_terminal_index(kb: KnowledgeBase) -> None:
    """``opskb search`` right after a build needs no indexing, as after a MkDocs build."""
    from ..search.background import start_index_update

    try:
        go = start_index_update(kb.root, kb.catalog)
    except OSError as exc:
        click.echo(f"warning: the search index was not updated: {exc}", err=True)
        return
    if go is not None:
        go()


def stage_kb(root: Path, directory: Path) -> int:
    """``opskb stage DIR``: the staged tree of the knowledge base at ``root`` written
    into ``directory``, unless the sources have errors; returns the exit code."""
    target = directory.resolve()
    kb = load_kb(root, workers=None, history=True, kept=True)
    problems = kb.problems.for_build()
    if problems:
        click.echo(format_problems(problems, fold=FOLD), err=True)
    if any(p.is_error for p in problems):
        click.echo("nothing was staged because of errors", err=True)
        return 1
    sources = [root / kb.settings.content_dir, root / kb.settings.runbooks_dir]
    if target == root or any(target == s or s in target.parents for s in sources):
        raise click.ClickException(
            f"{terminal_safe(target)} is the knowledge base or inside its sources; "
            "stage into another folder"
        )
    if target.is_dir() and any(target.iterdir()) and not holds_staged_tree(target):
        raise click.ClickException(
            f"{terminal_safe(target)} is not empty and holds no staged tree; refusing to "
            "replace what is in it: stage into a new or empty folder"
        )
    try:
        tree = stage_site(kb, target, workers=kb.settings.workers or available_cpus())
    except OSError as exc:
        raise click.ClickException(terminal_lines(cannot_write(exc, target))) from None
    click.echo(f"staged {len(tree.site.pages)} pages in {terminal_safe(target)}")
    return 0
