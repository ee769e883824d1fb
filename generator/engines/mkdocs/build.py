"""Build and serve: run MkDocs in-process over a loaded knowledge base.

A build writes into a temporary folder beside the site folder and swaps it
in only when everything succeeded, so a failed or killed build leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

from ...config import CONFIG_FILE
from ...executor import remove_later, remove_orphans
from ...pipeline import KnowledgeBase, load_kb
from ...problems import FOLD, Problem, format_problems
from ...reuse import load_record, save_record
from ...terminal_text import terminal_lines, terminal_safe
from .. import PLUGIN_ENGINES, STAGED_ENGINES
from .host import use_engine
from .next_site import claim_pages, keep_pages_for_next

__all__ = [
    "build_site",
    "cannot_write",
    "progress",
    "serve_site",
    "staging_prefix",
    "swap_into_place",
]


class _Echo(logging.Handler):
    """Prints MkDocs' warnings and errors as clean lines, what they quote never obeyed.

    MkDocs logs a page that failed before raising its error again: a file-system error
    is then reported once, by the build (``cannot_write``), naming the site's path.
    """

    def emit(self, record: logging.LogRecord) -> None:
        message = terminal_lines(record.getMessage())
        if message.startswith("Error building page") and isinstance(sys.exc_info()[1], OSError):
            return
        click.echo(f"{record.levelname.lower()}: {message}", err=True)


def _setup_logging(level: int) -> None:
    logger = logging.getLogger("mkdocs")
    logger.propagate = False
    logger.handlers = [h for h in logger.handlers if not isinstance(h, _Echo)]
    handler = _Echo()
    handler.setLevel(level)
    logger.addHandler(handler)
    logger.setLevel(min(level, logging.WARNING))


def progress(message: str, quiet: bool) -> None:
    if not quiet and sys.stderr.isatty():
        click.echo(message, err=True)


def _page_progress(quiet: bool):
    """On a terminal, one line per stage counting pages and their rate; else nothing."""
    if quiet or not sys.stderr.isatty():
        return None
    state = {"stage": "", "started": 0.0, "shown": 0.0}

    def report(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage != state["stage"]:
            state.update(stage=stage, started=now, shown=now)
        if now - state["shown"] < 0.5 and done < total:
            return
        state["shown"] = now
        rate = done / max(now - state["started"], 1e-3)
        line = f"\r{stage}: {done:,}/{total:,} pages ({rate:,.0f}/s)"
        click.echo(line + ("\n" if done >= total else ""), err=True, nl=False)

    return report


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def staging_prefix(target: Path, pid: int | None = None) -> str:
    return f".{target.name}-build-{pid or os.getpid()}-"


def remove_stale_staging(target: Path) -> None:
    """Remove staging folders that killed builds left beside ``target``, and replaced
    sites whose removal did not finish.

    A folder is stale when the build process named in it is gone; a build
    running at the same time keeps its own.
    """
    if not target.parent.is_dir():
        return
    for prefix in (f".{target.name}-build-", f".{target.name}-old-"):
        remove_orphans(target.parent, prefix)


def unsafe_site_dir(root: Path, target: Path, sources: tuple[str, ...]) -> tuple[str, str] | None:
    """Why ``target`` must not be replaced by a built site, and what to do; or ``None``.

    Swapping the site in replaces the whole folder, so it must be neither a file, the
    knowledge base, a source folder, nor an unrelated folder of someone's files.
    """
    choose = "choose another site folder"
    if os.path.lexists(target) and not target.is_dir():
        return f"the site folder {target} is a file, not a folder; refusing to replace it", choose
    holder = next((p for p in target.parents if os.path.lexists(p)), None)
    if holder is not None and not holder.is_dir():
        return f"the site folder {target} is inside {holder}, which is a file", choose
    root, target = root.resolve(), target.resolve()
    if target == root or target in root.parents:
        return f"the site folder {target} would replace the knowledge base", choose
    for name in sources:
        source = (root / name).resolve()
        if target == source or source in target.parents or target in source.parents:
            return f"the site folder {target} overlaps the source folder '{name}'", choose
    looks_built = (target / "index.html").is_file() or (target / "sitemap.xml").is_file()
    if target.is_dir() and not looks_built and any(target.iterdir()):
        return (
            f"{target} is not empty and holds no built site; refusing to replace it",
            f"empty it or {choose}",
        )
    return None


#: What to do about a file-system error met while writing the site, by ``errno``.
_FIXES = {
    errno.ENOSPC: "free space and build again",
    errno.EDQUOT: "free space (or raise the disk quota) and build again",
    errno.EROFS: "build into a folder on a writable file system",
    errno.EACCES: "give this user write access to {folder}, or build into another folder",
    errno.EPERM: (
        "`lsattr -d {folder} {path}` shows whether one is immutable ('i'); clear that with "
        "`chattr -i`, or build into another folder"
    ),
}


def cannot_write(error: OSError, target: Path) -> str:
    """One line for a file-system error met while building the site at ``target``: what
    went wrong, where (in the site, not its staging folder), and how to fix it."""
    path = _in_site(Path(error.filename) if error.filename else target, target)
    reason = (error.strerror or str(error)).lower()
    fix = _FIXES.get(error.errno, "fix that and build again").format(path=path, folder=path.parent)
    return f"{reason} while writing {path}; {fix} (the previous site is untouched)"


def _in_site(path: Path, target: Path) -> Path:
    """``path`` as the site folder will have it: a path in a staging folder of ``target``
    (or its replaced site) is shown in ``target``."""
    parts = path.parts[len(target.parent.parts) :] if target.parent in path.parents else ()
    if parts and parts[0].startswith((f".{target.name}-build-", f".{target.name}-old-")):
        return target.joinpath(*parts[1:])
    return path


def swap_into_place(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``; the old ``target`` is removed afterwards."""
    if target.exists() and _exchange(new, target):
        _discard(new, target)  # `new` now holds the old site
        return
    old = None
    if target.exists():
        old = _old_name(target)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)  # the previous site back in its place
        raise
    if old is not None:
        _discard(old, target)


def _old_name(target: Path) -> Path:
    return target.with_name(f".{target.name}-old-{os.getpid()}-{secrets.token_hex(4)}")


def _discard(folder: Path, target: Path) -> None:
    """Remove a replaced site. Where fork is available a detached process does it, so
    the build ends as soon as the new site is in place (thousands of files take
    seconds to delete); a folder it leaves is removed by the next build."""
    if folder.name.startswith(f".{target.name}-build-"):
        renamed = _old_name(target)
        with contextlib.suppress(OSError):  # the new site is in place: never fail now
            os.replace(folder, renamed)
            folder = renamed
    remove_later(folder)


def _end_if_worker(builder: int) -> None:
    """A build worker (workers.py) that somehow got here must not touch the staging folder."""
    if os.getpid() != builder:
        os._exit(1)


def build_site(
    root: Path,
    *,
    strict: bool = False,
    site_dir: str | None = None,
    quiet: bool = False,
    engine: str | None = None,
    loaded: Callable[[KnowledgeBase], object] | None = None,
) -> int:
    """Build the knowledge base at ``root`` with ``engine`` (default: the plugin's
    ``engine`` option, else MkDocs); returns the exit code. ``loaded`` is called with
    the knowledge base once it is loaded, before anything is built."""
    started = time.perf_counter()
    index_update = _ready_index_update(root)  # forked now, while this process is small
    try:
        return _build_site(root, strict, site_dir, quiet, engine, loaded, started, index_update)
    finally:
        if index_update is not None:
            index_update.abandon()  # a build that failed, or never ran its search jobs


def _ready_index_update(root: Path):
    """The terminal search index's detached update (``search/background.py``), forked
    before the build loads anything; ``None`` where it cannot be."""
    from ...search.background import start_index_update

    try:
        return start_index_update(root.resolve())
    except OSError:
        return None  # the build's own attempt says so, or the next search indexes


def _build_site(
    root: Path,
    strict: bool,
    site_dir: str | None,
    quiet: bool,
    engine: str | None,
    loaded: Callable[[KnowledgeBase], object] | None,
    started: float,
    index_update,
) -> int:
    kb = load_kb(root, workers=None, history=True, kept=True)
    if loaded is not None:
        loaded(kb)
    engine = engine or kb.settings.engine
    problems = kb.problems.for_build()
    if problems:
        click.echo(format_problems(problems, fold=FOLD), err=True)
    errors = [p for p in problems if p.is_error]
    if errors or (strict and problems):
        why = "errors" if errors else "warnings (--strict)"
        click.echo(f"build failed because of {why}; the previous site is untouched", err=True)
        return 1
    documents = len(kb.catalog.documents)
    progress(
        f"loaded and checked {documents} documents in {time.perf_counter() - started:.2f} s", quiet
    )

    target = Path(site_dir) if site_dir else root / kb.settings.site_dir
    target = target if target.is_absolute() else (Path.cwd() / target)
    theme = kb.settings.raw.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    sources = (
        kb.settings.content_dir,
        kb.settings.runbooks_dir,
        *([str(custom_dir)] * bool(custom_dir)),
    )
    refusal = unsafe_site_dir(root, target, sources)
    if refusal:
        what, fix = refusal
        if site_dir is None:  # the folder named in mkdocs.yml
            line = kb.settings.line("site_dir")
            problem = Problem(CONFIG_FILE, line, what, fix, key="site_dir")
            click.echo(format_problems([problem]), err=True)
        else:
            click.echo(f"error: {terminal_safe(what)}\n    fix: {terminal_safe(fix)}", err=True)
        return 1
    try:
        staging = _staging_folder(target)
    except OSError as exc:
        raise click.ClickException(terminal_lines(cannot_write(exc, target))) from None
    if engine in STAGED_ENGINES:
        from ..staged_build import build_staged

        return build_staged(
            kb, target, staging, strict=strict, quiet=quiet, started=started, index=index_update
        )
    use_engine(engine)  # raises EngineError
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _setup_logging(logging.WARNING)
    builder = os.getpid()
    try:
        config = load_config(str(root / CONFIG_FILE), site_dir=str(staging), strict=strict)
        plugin = config.plugins.get("opskb")
        if plugin is None:
            raise click.ClickException(
                f"{CONFIG_FILE}: the opskb plugin is not enabled; add "
                "'- opskb' under 'plugins:' (and keep '- search')"
            )
        # opskb's link check has reported each broken link (and the playbook copies
        # of it) once already: MkDocs would repeat every one of them, once per page
        config.validation.links.not_found = logging.DEBUG
        # as `mkdocs build` does: a plugin kept from a live preview in this process (MkDocs
        # keeps plugins that have this event) builds a site again, not a preview
        config.plugins.on_startup(command="build", dirty=False)
        plugin.kb = kb
        plugin.reported = True
        plugin.previous_site = target if target.is_dir() else None  # reuse.py: unchanged pages
        plugin.previous_record = load_record(kb.settings.cache_dir, target)
        if plugin.previous_site is not None and plugin.previous_record is not None:
            plugin.prepared = claim_pages(kb.settings.cache_dir, target, staging)
        plugin.progress = _page_progress(quiet)
        plugin.notice = None if quiet else plugin.notice  # a slow page, named
        plugin.index_update = index_update
        mkdocs_build(config)
        swap_into_place(staging, target)
    except BaseException as exc:
        _end_if_worker(builder)
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(staging.with_name(staging.name + "-prepared"), ignore_errors=True)
        return _failed(exc, target)
    if plugin.record is not None:
        save_record(kb.settings.cache_dir, target, plugin.record)
        keep_pages_for_next(kb.settings.cache_dir, target, plugin.page_paths)
    progress(f"built {terminal_safe(target)} in {time.perf_counter() - started:.1f} s", quiet)
    return 0


def _staging_folder(target: Path) -> Path:
    """A new, empty folder beside ``target`` to build into (stale ones are removed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(target)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a web server must read it
    return staging


def _failed(error: BaseException, target: Path) -> int:
    """Report a build that failed, once its staging folder is gone: the exit code.

    Every file-system error ends here as one line naming the site's path and the fix,
    also when MkDocs or a plugin raised its own error on meeting it. What is no build
    failure (an interruption, a bug) is raised again.
    """
    from mkdocs.exceptions import MkDocsException

    met = error.__context__ if isinstance(error, MkDocsException) else error
    if isinstance(met, OSError):
        raise click.ClickException(terminal_lines(cannot_write(met, target))) from None
    if not isinstance(error, MkDocsException):
        raise error
    click.echo(f"error: {terminal_lines(error)}", err=True)
    click.echo("build failed; the previous site is untouched", err=True)
    return 1


def serve_site(
    root: Path, *, dev_addr: str, open_browser: bool = False, engine: str = "mkdocs"
) -> None:
    """Live preview with MkDocs' (or ProperDocs') server; sources outside ``docs_dir``
    are watched too. Zensical runs no plugins, so it cannot re-render our pages."""
    if engine not in PLUGIN_ENGINES:
        raise click.ClickException(
            f"`opskb serve` previews with MkDocs or ProperDocs, not {engine}: use "
            f"`opskb serve --engine mkdocs`, or `opskb build --engine {engine}` and open the site"
        )
    use_engine(engine)  # raises EngineError
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    _setup_logging(logging.INFO)
    # `kill`, a service manager or a container stopping it sends SIGTERM: shut down as on
    # Ctrl-C, so that the server's temporary site (a whole site's size) is removed
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(config_file=str(root / CONFIG_FILE), dev_addr=dev_addr, open_in_browser=open_browser)
    except MkDocsException as exc:
        raise click.ClickException(terminal_lines(exc)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
