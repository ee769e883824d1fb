"""The search parts of a MkDocs build, run beside it.

The search page's index (``search/site_index.py``) is made from the search
records while MkDocs renders the pages, and written beside them once they are;
``opskb search``'s index (``search/background.py``) is brought up to date
after the build, so a search right after one needs no indexing.
"""

from __future__ import annotations

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

__all__ = ["SearchJobs"]


class SearchJobs:
    """The search indexes of one plugin's builds (a live preview's builds share one)."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.records: list = []  # what the in-browser search index holds
        self._warn = warn
        self._site_index: SiteIndexJob | None = None  # the Pagefind job, running beside
        self._index_update_go: Callable[[], None] | None = None  # starts the terminal index
        self._digest = ""  # what the last build's search page index holds

    def start(
        self, records: list, root: Path, catalog, *, serving: bool, sites: list[Path]
    ) -> None:
        """Start indexing ``records`` for the search page; ``sites``: the site folder and
        the previous site, whose index parts holding the same records are kept."""
        self.cancel()
        self.records = records
        if not serving or records_digest(records) != self._digest:
            # A live preview reuses the last bundle when the records are the same.
            previous = [site / BUNDLE_DIR for site in sites]
            self._site_index = SiteIndexJob(records, fork=not serving, previous=previous)
        if serving:
            return  # `opskb search` refreshes the files that changed itself
        from ...search.background import start_index_update

        try:
            self._index_update_go = start_index_update(root, catalog)
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
        index is still brought up to date)."""
        if self._site_index is not None:
            self._site_index.cancel()
            self._site_index = None
        self._update_terminal_index()

    def finish(self, site: Path, previous_site: Path | None, *, serving: bool, synonyms) -> None:
        """The search page's index beside the pages written into ``site``."""
        job, self._site_index = self._site_index, None
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

    def _update_terminal_index(self) -> None:
        go, self._index_update_go = self._index_update_go, None
        if go is not None:
            go()
