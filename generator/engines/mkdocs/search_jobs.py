"""The search parts of a MkDocs build, run beside it.

The search page's index (``search/site_index.py``) is made from the search
records while MkDocs renders the pages, and written beside them once they are;
``opskb search``'s index (``search/background.py``) is brought up to date
after the build, so a search right after one needs no indexing.

A live preview does not wait for the index: an author saving a runbook wants
the page (Pagefind took 1.3 s of the 3.8 s from saving to seeing an edit of
1,000 documents). The rebuild puts the last bundle back beside the new pages
and returns, so the server reloads the browsers at once; a thread waits for
Pagefind and swaps the new bundle in (``Settling``). The next rebuild waits
for it when it indexes the same records, else stops it, before it touches the
site folder, so an older bundle never lands over a newer one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from mkdocs.exceptions import PluginError

from ...executor import remove_later
from ...search.site_index import (
    BUNDLE_DIR,
    SiteIndexError,
    SiteIndexJob,
    records_digest,
    reuse_site_index,
    write_site_index,
    write_site_synonyms,
)

__all__ = ["SearchJobs", "Settling", "swap_in"]


class SearchJobs:
    """The search indexes of one plugin's builds (a live preview's builds share one)."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.records: list = []  # what the in-browser search index holds
        self._warn = warn
        self._site_index: SiteIndexJob | None = None  # the Pagefind job, running beside
        self._settling: Settling | None = None  # a live preview's job, after its rebuild
        self._index_update_go: Callable[[], None] | None = None  # starts the terminal index
        # `opskb build`: that update, forked before the build loaded anything
        self.index_update: Callable[[], None] | None = None
        self._digest = ""  # what the search page index in the site folder holds

    def start(
        self, records: list, root: Path, catalog, *, serving: bool, sites: list[Path]
    ) -> None:
        """Start indexing ``records`` for the search page; ``sites``: the site folder and
        the previous site, whose index parts holding the same records are kept."""
        self.cancel()
        digest = records_digest(records)
        # the last rebuild's index: awaited if it is this one, else stopped
        self._settle(wait=self._settling is not None and self._settling.digest == digest)
        self.records = records
        if not serving or digest != self._digest:
            # A live preview reuses the last bundle when the records are the same.
            previous = [site / BUNDLE_DIR for site in sites]
            self._site_index = SiteIndexJob(records, fork=not serving, previous=previous)
        if serving:
            return  # `opskb search` refreshes the files that changed itself
        from ...search.background import start_index_update

        ready, self.index_update = self.index_update, None
        try:
            self._index_update_go = ready or start_index_update(root, catalog)
        except OSError as exc:
            self._warn(
                f"the search index was not updated: {exc}; `opskb search` will index "
                "the sources itself"
            )

    def leave_to_first_process(self) -> None:
        """A forked worker: the jobs are the first process's, never touched from here."""
        self._site_index = self._index_update_go = None

    def cancel(self) -> None:
        """Stop the search page's indexer a failed build started beside it (the terminal
        index is still brought up to date). A live preview's index of the last good
        build goes on: the site folder is untouched until the next build starts."""
        if self._site_index is not None:
            self._site_index.cancel()
            self._site_index = None
        self._update_terminal_index()

    def close(self) -> None:
        """The live preview ends: stop every indexer, and remove what they wrote."""
        self.cancel()
        self._settle(wait=False, now=True)

    def finish(self, site: Path, previous_site: Path | None, *, serving: bool, synonyms) -> None:
        """The search page's index beside the pages written into ``site``; in a live preview
        the last one, until the new one is swapped in."""
        job, self._site_index = self._site_index, None
        last = previous_site / BUNDLE_DIR if serving and previous_site is not None else None
        if job is not None and last is not None and last.is_dir():
            os.replace(last, site / BUNDLE_DIR)  # the last site's: it goes, its pages moved
            remove_later(previous_site, fork=False)
            write_site_synonyms(synonyms, site)
            self._settling = Settling(job, site, synonyms, warn=self._warn)
            self._update_terminal_index()
            return
        reused = job is None and (
            serving
            and previous_site is not None
            and reuse_site_index(previous_site, site, self.records)
        )
        if serving and previous_site is not None:
            remove_later(previous_site, fork=False)  # what is left: pages were moved out
        try:
            if job is not None:
                job.finish(site)
            elif not reused:
                write_site_index(self.records, site)
        except (OSError, SiteIndexError) as exc:
            self._digest = ""
            raise PluginError(f"cannot write the search page's index: {exc}") from None
        self._digest = records_digest(self.records)
        write_site_synonyms(synonyms, site)
        self._update_terminal_index()

    def settled(self) -> bool:
        """Wait for a live preview's index to be swapped in; whether it was."""
        settling = self._settling
        self._settle(wait=True)
        return settling is not None and settling.placed

    def _settle(self, *, wait: bool, now: bool = False) -> None:
        """Wait for (or stop) the index a live preview's last rebuild left running."""
        settling, self._settling = self._settling, None
        if settling is None:
            return
        if wait:
            settling.join()
        else:
            settling.stop(now=now)
        if settling.placed:
            self._digest = settling.digest

    def _update_terminal_index(self) -> None:
        go, self._index_update_go = self._index_update_go, None
        if go is not None:
            go()


class Settling:
    """A thread waiting for ``job`` and swapping its bundle into ``site``, unless stopped
    first: after ``stop`` returns, it never touches the site folder."""

    def __init__(self, job: SiteIndexJob, site: Path, synonyms, warn: Callable[[str], None]):
        self.digest = records_digest(job.records)
        self.placed = False
        self._job, self._site, self._synonyms, self._warn = job, site, synonyms, warn
        self._lock = threading.Lock()  # held from the stop's decision to the swap's end
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="opskb-pagefind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            bundle = self._job.assemble(self._synonyms)
            with self._lock:
                if not self._stopped:
                    swap_in(bundle, self._site / BUNDLE_DIR)
                    self.placed = True
        except Exception as exc:  # stopped mid-way, its files went: nothing to say then
            if not self._stopped:
                self._warn(f"cannot write the search page's index: {exc}")
        finally:
            self._job.cancel()  # removes its staging folder

    def join(self) -> None:
        self._thread.join()

    def stop(self, *, now: bool = False) -> None:
        """Stop Pagefind and the swap (one already under way ends first)."""
        with self._lock:
            self._stopped = True
        self._job.cancel()
        self._thread.join()
        self._job.cancel(now=now)  # what the thread left, at once when ``now``


def swap_in(bundle: Path, target: Path) -> None:
    """``bundle`` becomes ``target``: the two folders swapped in one step where the system
    can, so that a server reading ``target`` meanwhile finds the whole of one or the other,
    never none nor a mix; the old one is then removed."""
    if bundle.stat().st_dev != target.parent.stat().st_dev:
        moved = target.with_name(f".{target.name}-{os.getpid()}-next")  # a rename away
        shutil.rmtree(moved, ignore_errors=True)
        shutil.move(bundle, moved)
        bundle = moved
    if not target.exists():
        bundle.rename(target)
    elif _exchange(bundle, target):
        shutil.rmtree(bundle, ignore_errors=True)  # the old one, where the new one was
    else:  # two renames: an instant without a bundle
        old = bundle.with_name(bundle.name + "-old")
        target.rename(old)
        bundle.rename(target)
        shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders at once (Linux's ``renameat2``); whether the system could."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        here, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
        return renameat2(here, os.fsencode(first), here, os.fsencode(second), exchange) == 0
    return False
