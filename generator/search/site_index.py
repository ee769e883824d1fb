"""The in-browser search index: Pagefind, built from our search records.

Material's built-in search ships one index file holding every page and
builds it in the browser: measured at 5.8 MB and 7–12 s to a first result
for 1,000 synthetic documents (see ``opskb.search.bench``), and ten times
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
import hashlib
import html
import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from ..workers import before_fork, can_fork, die_with_parent, remove_later
from .pagefind_files import canonicalise_filters
from .records import SearchRecord
from .store import link_or_copy

__all__ = [
    "BUNDLE_DIR",
    "SiteIndexError",
    "SiteIndexJob",
    "record_html",
    "records_digest",
    "reuse_site_index",
    "write_site_index",
]

BUNDLE_DIR = "pagefind"  # below the site folder
RECORDS_FILE = ".opskb-records"  # in the bundle: the fingerprint of what it indexes
PARTS_FILE = "parts.json"  # in the bundle: the folders of its other parts, for the browser
DIGESTS_FILE = ".opskb-parts"  # in the bundle: the fingerprint of each part's records
PART_SIZE = 2500  # documents Pagefind indexes at once (its memory grows with them)


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
    parts = [
        '<html lang="en"><head><meta charset="utf-8"></head><body>',
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-meta="title" data-pagefind-weight="8">{_e(record.title)}</h1>',
        *(f'<span data-pagefind-filter="facet:{_e(f)}"></span>' for f in facets),
        *(f'<span data-pagefind-meta="{_e(m)}"></span>' for m in meta),
    ]
    if record.symptoms:
        items = "".join(f"<li>{_e(s)}</li>" for s in record.symptoms)
        parts.append(f'<ul data-pagefind-weight="10">{items}</ul>')
    if record.tags:
        parts.append(f'<p data-pagefind-weight="4">{_e(" ".join(record.tags))}</p>')
    parts.append(f"<p>{_e(record.body)}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


class SiteIndexError(Exception):
    """Pagefind could not write the index (its message says why)."""


class SiteIndexJob:
    """Pagefind writing the index of ``records`` beside the build.

    Pagefind holds everything it indexes in memory, about 120 MB for every
    thousand documents, so a large knowledge base is indexed in parts of
    ``PART_SIZE`` documents, one after the other; the browser merges them
    (``parts.json`` in the bundle names them). On Linux a forked process
    writes the parts' pages and then becomes a shell running Pagefind on each
    in turn, so the build goes on while it works; elsewhere (and in the live
    preview, whose server runs threads) a thread of this process does.
    ``finish`` waits for it and puts the bundle in the site folder.
    """

    def __init__(
        self,
        records: Iterable[SearchRecord],
        *,
        fork: bool = True,
        previous: Iterable[Path] = (),
    ) -> None:
        self.records = sorted(records, key=lambda r: r.path)
        self._fork = fork
        self._owner = os.getpid()
        self._staging = Path(tempfile.mkdtemp(prefix="opskb-pagefind-"))
        self._bundle = self._staging / BUNDLE_DIR
        self._log = self._staging / "pagefind.log"
        self._parts = _parts(self.records)
        self._digests = [records_digest(part) for part in self._parts]
        # parts a previous bundle holds as they are now: copied now (the live preview
        # moves the last site away once this returns), not indexed again
        self._kept = _keep_parts(previous, self._digests, self._staging)
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._status: int | None = None
        self._cancelled = False
        self._running: subprocess.Popen | None = None  # the thread's Pagefind, to stop it
        if not fork or not can_fork():
            self._thread = threading.Thread(target=self._run_in_thread, daemon=True)
            self._thread.start()
            return
        before_fork()
        pid = os.fork()
        if pid == 0:  # never returns into the build
            status = 127
            try:
                die_with_parent()
                status = self._exec_parts()
            finally:
                os._exit(status)
        self._pid = pid

    def _run_in_thread(self) -> None:
        try:
            self._status = self._index_parts()
        except OSError:
            self._status = 127

    def _command(self, number: int) -> list[str]:
        """Pagefind's command line for part ``number``: its pages, and where its index goes."""
        from pagefind_bin import get_executable

        return [
            str(get_executable()),
            "--site", str(self._staging / f"pages-{number}"),
            "--output-path", str(self._staging / f"out-{number}"),
            "--force-language", "en",
            "--silent",
        ]  # fmt: skip

    def _exec_parts(self) -> int:
        """In the forked process: write every part's pages, then become a shell that runs
        Pagefind on each in turn, so that this process's memory is given back at once."""
        numbers = [n for n in range(len(self._parts)) if n not in self._kept]
        for number in numbers:
            _write_pages(self._parts[number], self._staging / f"pages-{number}")
        if not numbers:
            return 0
        runs = [shlex.join(self._command(n)) for n in numbers]
        script = "; ".join(["set -e", *runs[:-1], "exec " + runs[-1]])
        log = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.execv("/bin/sh", ["sh", "-c", script])

    def _index_parts(self) -> int:
        """In a thread: write each part's pages and index them; Pagefind's exit code."""
        with self._log.open("w") as log:
            for number, part in enumerate(self._parts):
                if number in self._kept:
                    continue
                _write_pages(part, self._staging / f"pages-{number}")
                if self._cancelled:
                    return 1
                process = subprocess.Popen(self._command(number), stdout=log, stderr=log)
                self._running = process
                status = process.wait()
                self._running = None
                shutil.rmtree(self._staging / f"pages-{number}", ignore_errors=True)
                if status != 0:
                    return status
        return 0

    def _wait(self) -> int | None:
        """Wait for the indexing; its exit code (``None``: nothing of ours to wait for)."""
        if self._thread is not None:
            self._thread.join()
            return self._status
        if self._pid is None or os.getpid() != self._owner:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)

    def finish(self, site_dir: Path) -> Path:
        """Wait for Pagefind; its bundle becomes ``site_dir/pagefind`` (replacing any old one)."""
        try:
            status = self._wait()
            if status != 0:
                log = self._log.read_text(errors="replace").strip() if self._log.exists() else ""
                raise SiteIndexError(log or f"exit {status}")
            folders = [_part_folder(n) for n in range(len(self._parts))]
            for number, folder in enumerate(folders):
                written = self._staging / f"out-{number}"
                if number not in self._kept:
                    canonicalise_filters(written)
                written.rename(self._bundle / folder if number else self._bundle)
            parts = json.dumps([f"{folder}/" for folder in folders[1:]])
            (self._bundle / PARTS_FILE).write_text(parts, encoding="utf-8")
            (self._bundle / DIGESTS_FILE).write_text(json.dumps(self._digests), "utf-8")
            (self._bundle / RECORDS_FILE).write_text(records_digest(self.records), "utf-8")
            output = Path(site_dir) / BUNDLE_DIR
            if output.exists():
                shutil.rmtree(output)
            shutil.move(self._bundle, output)
            return output
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs, and remove what it wrote."""
        if os.getpid() != self._owner:
            return  # a process forked later (a build worker) must leave it alone
        self._cancelled = True
        running = self._running
        if running is not None and running.poll() is None:
            running.kill()
        elif self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            self._wait()
        if self._staging.exists():
            remove_later(self._staging, fork=self._fork)


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
            ours = ("part-*", PARTS_FILE, DIGESTS_FILE, RECORDS_FILE)
            skip = shutil.ignore_patterns(*ours) if number == 0 else None
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
        file = pages / record.url.strip("/") / "index.html"
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


def records_digest(records: Iterable[SearchRecord]) -> str:
    """One fingerprint of everything the in-browser index holds."""
    joined = "\n".join(sorted(f"{r.path} {r.digest}" for r in records))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


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
