"""The in-browser search index: Pagefind, built from our search records.

Material's built-in search ships one index file holding every page and
builds it in the browser: measured at 5.8 MB and 7–12 s to a first result
for 1,000 synthetic documents (see ``bench.search``), and ten times
the size at 10,000. Pagefind writes its index in small fragments that the
browser fetches only for the words typed, and supports filters, so the
``search/`` page stays fast at any size and needs no server.

Each published document is fed to Pagefind as a small HTML page of its own
(title, symptoms weighted highest, tags, body) with tier, system and kind as
filters; nothing is read back from the rendered site, so the index does not
depend on the theme. All text is HTML-escaped on the way in.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os
import pickle
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from ..errors import OpskbError
from ..executor import (
    after_forks,
    before_fork,
    can_fork,
    die_with_parent,
    remove_later,
    remove_orphans,
)
from ..packs import digest
from .bundle_files import (
    DIGESTS_FILE,
    OWN_FILES,
    RECORDS_FILE,
    keep_own_files,
    own_files,
    write_whole,
)
from .pagefind_files import canonicalise_filters
from .records import SearchRecord, spelled_out
from .store import link_or_copy
from .synonyms import site_synonyms

__all__ = ["BUNDLE_DIR", "PAGEFIND_VARIABLE", "SiteIndexError", "SiteIndexJob", "record_html"]
__all__ += ["records_digest", "reuse_site_index", "write_site_index", "write_site_synonyms"]

BUNDLE_DIR = "pagefind"  # below the site folder
SYNONYMS_FILE = "synonyms.json"  # in the bundle: the groups of phrases that mean the same
LOG_FILE = "pagefind.log"  # in the staging folder: what Pagefind said
TODO_FILE = "todo.pickle"  # in the staging folder: the parts a new process is to index
OWN_DIR = "own"  # in the staging folder: the bundle's own files (``bundle_files``)
# documents Pagefind indexes at once: its memory, and what a rebuild indexes again, grow with it
PART_SIZE = 1000
STAGING_PREFIX = "opskb-pagefind-"  # in the temporary folder, then the process ID
PAGEFIND_VARIABLE = "OPSKB_PAGEFIND"  # the environment's Pagefind, if any (a wrapper, say)
INDEX_FORMAT = "5"  # in every digest: a bundle of another format is indexed again


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def record_html(record: SearchRecord) -> str:
    """A document as the page Pagefind indexes: weights, filters and result metadata."""
    facets = [f"tier={record.tier}"] if record.tier else []
    facets += [f"kind={record.kind}"] + [f"system={s}" for s in record.systems]
    meta = [f"kind:{record.kind}"] + ([f"tier:{record.tier}"] if record.tier else [])
    if record.systems:
        meta.append("systems:" + " ".join(record.systems))
    if record.date:
        meta.append(f"date:{record.date}")
    if record.symptoms:
        meta.append("symptoms:" + "\n".join(record.symptoms))  # for symptomsFirst in search.js
    folder = str(PurePosixPath(record.path).parent)
    if folder != ".":
        meta.append(f"folder:{folder}")  # told apart by it when titles repeat
    parts = [
        '<html lang="en"><head><meta charset="utf-8"></head><body>',
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-meta="title" data-pagefind-weight="8">{_e(record.title)}</h1>',
        *(f'<span data-pagefind-filter="facet:{_e(f)}"></span>' for f in facets),
        *(f'<span data-pagefind-meta="{_e(m)}"></span>' for m in meta),
    ]
    apart = spelled_out(record.title)
    if apart:
        parts.append(f'<p data-pagefind-weight="8">{_e(apart)}</p>')
    if record.symptoms:
        items = "".join(f"<li>{_e(s)}</li>" for s in record.symptoms)
        parts.append(f'<ul data-pagefind-weight="10">{items}</ul>')
    if record.tags:
        parts.append(f'<p data-pagefind-weight="4">{_e(" ".join(record.tags))}</p>')
    parts.append(f"<p>{_e(record.body)}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


class SiteIndexError(OpskbError):
    """Pagefind could not write the index (its message says why)."""


class SiteIndexJob:
    """Pagefind writing the index of ``records`` beside the build.

    Pagefind holds everything it indexes in memory, about 120 MB for every
    thousand documents, so a large knowledge base is indexed in parts of
    ``PART_SIZE`` documents, one after the other; the browser merges them
    (``parts.json`` in the bundle names them). Another process writes the
    parts' pages and then becomes a shell running Pagefind on each in turn,
    so the build goes on while it works: a fork of the build on Linux, else
    (and in the live preview, whose server runs threads) a new Python
    process given the records in a file. ``finish`` waits for it and puts
    the bundle in the site folder.
    """

    def __init__(
        self,
        records: Iterable[SearchRecord],
        *,
        fork: bool = True,
        previous: Iterable[Path] = (),
    ) -> None:
        previous = list(previous)
        self.records = sorted(records, key=lambda r: r.path)
        self._owner = os.getpid()
        self._fork = fork and can_fork()
        # a live preview stopped mid-way leaves its folder: the next job removes it
        remove_orphans(Path(tempfile.gettempdir()), STAGING_PREFIX)
        prefix = f"{STAGING_PREFIX}{os.getpid()}-"
        self._staging = Path(tempfile.mkdtemp(prefix=prefix))
        self._bundle = self._staging / BUNDLE_DIR
        self._log = self._staging / LOG_FILE
        self._parts = _parts(self.records)
        self._digests = [records_digest(part) for part in self._parts]
        # parts a previous bundle holds as they are now: copied now (the live preview
        # moves the last site away once this returns), not indexed again
        self._kept = _keep_parts(previous, self._digests, self._staging)
        keep_own_files(previous, records_digest(self.records), self._staging / OWN_DIR)
        todo = {n: part for n, part in enumerate(self._parts) if n not in self._kept}
        self._pid: int | None = None
        self._thaw = False  # the collector, once the fork is waited for (executor.after_forks)
        self._process: subprocess.Popen | None = None
        if todo and self._fork:
            self._pid = self._fork_off(todo)
        elif todo:
            self._process = self._spawn(todo)

    def _fork_off(self, todo: dict[int, list[SearchRecord]]) -> int:
        """A fork of this process indexing ``todo``; its process ID."""
        self._thaw = before_fork()
        pid = os.fork()
        if pid == 0:  # never returns into the build
            status = 127
            try:
                die_with_parent()
                os.setpgid(0, 0)
                log = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(log, 1)
                os.dup2(log, 2)
                with contextlib.suppress(Exception):  # else the build writes them
                    self.prepare()  # here, where time is to spare: the build waits at the end
                status = _index_parts(todo, self._staging)
            finally:
                os._exit(status)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # as the child does: whichever runs first, cancel finds it
        return pid

    def _spawn(self, todo: dict[int, list[SearchRecord]]) -> subprocess.Popen:
        """A new Python process indexing ``todo``, given it in a file (see ``_main``)."""
        with (self._staging / TODO_FILE).open("wb") as handle:
            pickle.dump(todo, handle, protocol=pickle.HIGHEST_PROTOCOL)
        with self._log.open("wb") as log:
            return subprocess.Popen(
                [sys.executable, "-m", __name__, str(self._staging)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                process_group=0,  # so that cancel stops its Pagefind runs too
            )

    def _wait(self) -> int | None:
        """Wait for the indexing; its exit code (``None``: nothing of ours to wait for)."""
        if os.getpid() != self._owner:
            return None
        if self._process is not None:
            return self._process.wait()
        if self._pid is None:
            return 0  # every part was kept, or it was waited for already
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        after_forks(self._thaw)
        self._thaw = False
        return os.waitstatus_to_exitcode(status)

    def prepare(self) -> None:
        """Write the bundle's own files (``bundle_files``) into the staging folder, once."""
        folders = [_part_folder(n) for n in range(len(self._parts))]
        digest = records_digest(self.records)
        files = functools.partial(own_files, self.records, folders, self._digests, digest)
        write_whole(self._staging / OWN_DIR, files)

    def assemble(self, synonyms: Sequence[Sequence[str]] | None = None) -> Path:
        """Wait for Pagefind and put the whole bundle together in the staging folder (with
        ``synonyms``' file when given); the bundle's folder."""
        if self._pid is None:  # else the fork writes them (``_fork_off``)
            self.prepare()
        if (status := self._wait()) != 0:
            log = self._log.read_text(errors="replace").strip() if self._log.exists() else ""
            raise SiteIndexError(log or f"exit {status}")
        self.prepare()  # the fork's, unless it failed to
        for number in range(len(self._parts)):
            written = self._staging / f"out-{number}"
            if number not in self._kept:
                canonicalise_filters(written)
            written.rename(self._bundle / _part_folder(number) if number else self._bundle)
        for file in (self._staging / OWN_DIR).iterdir():
            file.rename(self._bundle / file.name)
        if synonyms is not None:
            write_site_synonyms(synonyms, self._staging)
        return self._bundle

    def finish(self, site_dir: Path) -> Path:
        """Wait for Pagefind; its bundle becomes ``site_dir/pagefind`` (replacing any old one)."""
        try:
            bundle = self.assemble()
            output = Path(site_dir) / BUNDLE_DIR
            if output.exists():
                shutil.rmtree(output)
            shutil.move(bundle, output)
            return output
        finally:
            self.cancel()

    def cancel(self, *, now: bool = False) -> None:
        """Stop Pagefind if it still runs, and remove what it wrote (``now``: before this
        returns, as a process about to end must)."""
        if os.getpid() != self._owner:
            return  # a process forked later (a build worker) must leave it alone
        group = self._pid or (self._process.pid if self._process is not None else None)
        if group is not None and (self._process is None or self._process.poll() is None):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)  # the shell and the Pagefind it runs
        with contextlib.suppress(ChildProcessError):
            self._wait()
        if now:
            shutil.rmtree(self._staging, ignore_errors=True)
        elif self._staging.exists():
            remove_later(self._staging, fork=self._fork)


def _index_parts(todo: dict[int, list[SearchRecord]], staging: Path) -> int:
    """Write the pages of the parts in ``todo``, then become a shell that runs Pagefind on
    each in turn, so that this process's memory is given back at once. Returns only if
    there is nothing to index."""
    for number, part in todo.items():
        _write_pages(part, staging / f"pages-{number}")
    if not todo:
        return 0
    runs = [shlex.join(_command(staging, number)) for number in todo]
    script = "; ".join(["set -e", *runs[:-1], "exec " + runs[-1]])
    _half_the_cpus()
    os.execv("/bin/sh", ["sh", "-c", script])


def _half_the_cpus() -> None:
    """Keep this process (Pagefind, once it execs) to half the CPUs it may use, the last.

    Pagefind starts a thread for every CPU; beside a build that keeps every CPU
    busy, its threads mostly wait on each other. In a cold build of 5,000
    documents on 2 cores, its five runs took 7.9 s of CPU on one core against
    10.1 s on both, each as long; the build gets the difference.
    """
    if not hasattr(os, "sched_setaffinity"):
        return  # not on Linux: the system shares the CPUs out as it sees fit
    with contextlib.suppress(OSError):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, cpus[len(cpus) // 2 :] if len(cpus) > 1 else cpus)


def _command(staging: Path, number: int) -> list[str]:
    """Pagefind's command line for part ``number``: its pages, and where its index goes;
    ``OPSKB_PAGEFIND`` names another Pagefind than the ``pagefind_bin`` wheel's."""
    from pagefind_bin import get_executable

    return [
        os.environ.get(PAGEFIND_VARIABLE) or str(get_executable()),
        "--site", str(staging / f"pages-{number}"),
        "--output-path", str(staging / f"out-{number}"),
        "--force-language", "en",
        "--silent",
    ]  # fmt: skip


def _parts(records: list[SearchRecord]) -> list[list[SearchRecord]]:
    """``records`` in as few parts of at most ``PART_SIZE`` as can be, of even sizes."""
    count = max(1, -(-len(records) // PART_SIZE))
    size = max(1, -(-len(records) // count))
    return [records[i : i + size] for i in range(0, len(records), size)] or [[]]


def _keep_parts(previous: Iterable[Path], digests: list[str], staging: Path) -> set[int]:
    """Copy into ``staging`` (``out-N``) the parts the first usable previous bundle holds
    unchanged; their numbers."""
    for folder in previous:
        try:
            before = json.loads((folder / DIGESTS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if len(before) != len(digests):
            return set()  # the parts' bounds moved: index them all again
        kept = {n for n, (old, new) in enumerate(zip(before, digests, strict=True)) if old == new}
        for number in sorted(kept):
            source = folder / _part_folder(number)
            # the first part is the bundle itself: its files, not the other parts
            skip = shutil.ignore_patterns("part-*", *OWN_FILES) if number == 0 else None
            shutil.copytree(
                source, staging / f"out-{number}", ignore=skip, copy_function=link_or_copy
            )
        return kept
    return set()


def _part_folder(number: int) -> str:
    """Where part ``number`` of the index goes in the bundle: the first is the bundle."""
    return "" if number == 0 else f"part-{number}"


def _write_pages(records: list[SearchRecord], pages: Path) -> None:
    for record in records:
        # Pagefind links to the path a page is written at, as it is: a name holding
        # '#', '?' or '%' must be written percent-encoded to be reached
        file = pages / quote(record.url.strip("/"), safe="/") / "index.html"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(record_html(record), encoding="utf-8")
    pages.mkdir(parents=True, exist_ok=True)


def write_site_index(records: Iterable[SearchRecord], site_dir: Path) -> Path:
    """Write the Pagefind bundle into ``site_dir/pagefind`` (replacing any old one).

    Pagefind's command line (the binary shipped in the ``pagefind_bin``
    wheel) indexes a folder of small pages far faster than feeding pages one
    by one through its Python service.
    """
    return SiteIndexJob(records, fork=False).finish(site_dir)


def write_site_synonyms(groups: Sequence[Sequence[str]], site_dir: Path) -> None:
    """The search page's synonym groups, beside its index (written even when the index
    was reused: the groups are settings, not records)."""
    file = Path(site_dir) / BUNDLE_DIR / SYNONYMS_FILE
    written = file.with_name(f".{SYNONYMS_FILE}.{os.getpid()}")
    written.write_text(site_synonyms(groups), "utf-8")
    written.replace(file)  # not rewritten: a bundle served, or sharing it (links), stays whole


def records_digest(records: Iterable[SearchRecord]) -> str:
    """One fingerprint of everything the in-browser index holds."""
    return digest(INDEX_FORMAT, *sorted(f"{r.path} {r.digest}" for r in records))


def reuse_site_index(previous_site: Path, site_dir: Path, records: list[SearchRecord]) -> bool:
    """Copy the previous build's bundle when it holds exactly these records.

    Live preview rebuilds the site after every edit, and Pagefind takes
    seconds on a large knowledge base; it runs again only when what it
    indexes changed.
    """
    bundle = Path(previous_site) / BUNDLE_DIR
    try:
        same = (bundle / RECORDS_FILE).read_text(encoding="utf-8") == records_digest(records)
    except OSError:
        return False
    if not same:
        return False
    target = Path(site_dir) / BUNDLE_DIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(bundle, target)
    return True


def _main(argv: list[str]) -> int:
    """``python -m opskb.search.site_index STAGING``: index the parts the job left there."""
    die_with_parent()
    staging = Path(argv[0])
    with (staging / TODO_FILE).open("rb") as handle:
        todo = pickle.load(handle)
    return _index_parts(todo, staging)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
