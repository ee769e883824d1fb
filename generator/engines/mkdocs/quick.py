"""Live preview: an edited page on screen first, the rest of the site rebuilt after.

MkDocs' server holds every request while a rebuild runs, and a rebuild of a
large knowledge base takes seconds (4.3 s from saving a runbook to seeing it,
at 5,000 documents). When all that changed since the last build is the text
of a few documents, their pages are rendered alone first: from a fresh load
of the sources (its checks too), through the last build's files, navigation
and theme, as MkDocs renders any page, and written over the served site. The
rebuild returns and the server reloads the browsers at once.

The whole rebuild follows (``FollowUp``) as soon as a browser shows the page
(its live-reload script asks for the next change) or a moment later if none
does; it leaves the site a rebuild alone would have (a test holds it so). A
page shown first keeps the last build's look-alikes until then. Anything
else that changed (a document added or removed, settings, a defaults or
rules file, an error) rebuilds the whole site at once, as before, and so does
every edit when other plugins than search and ours are configured: a plugin
may keep what it saw of each page (tags, say) or need every page.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from ...check.catalog import Catalog
from ...model import Document
from ...pages import SimilarDocuments, Site
from ...pages.documents import document_page
from ...pages.groups import group
from ...pipeline import KnowledgeBase
from ...reuse import BuildRecord
from ...search.store import write_atomically
from .pages import PagePlan, other_plugins

__all__ = ["FOLLOW_UP_DELAY", "SHOWN_FIRST_LIMIT", "FollowUp", "QuickPages"]

SHOWN_FIRST_LIMIT = 5  # more edited documents than this at once: the whole site rebuilds
FOLLOW_UP_DELAY = 1.5  # seconds the whole rebuild waits for a browser to show the page


@dataclass
class _Built:
    """What the last good build of a live preview rendered its pages with."""

    config: MkDocsConfig
    files: Files
    nav: Any  # MkDocs' Navigation
    env: Any  # the theme's Jinja environment
    similar: SimilarDocuments
    documents: dict[str, Document]  # source path → the document its page shows


class QuickPages:
    """The pages of edited documents, rendered alone between two builds of a live preview."""

    def __init__(self) -> None:
        self._parts: dict[str, Any] = {}  # of the build under way
        self._built: _Built | None = None

    def saw(self, **parts: Any) -> None:
        """What MkDocs made for the build under way (``config``, ``files``, ``nav``, ``env``)."""
        self._parts.update(parts)

    def built(self, catalog: Catalog, site: Site) -> None:
        """The build under way ended well: its pages can be rendered again alone."""
        parts, self._parts = self._parts, {}
        if {"config", "files", "nav", "env"} <= parts.keys():
            documents = {doc.path: doc for doc in catalog.published}
            self._built = _Built(**parts, similar=site.similar, documents=documents)

    def forget(self) -> None:
        """The build under way failed: the next one is a whole rebuild."""
        self._parts, self._built = {}, None

    def changed(self, kb: KnowledgeBase) -> list[Document] | None:
        """The documents of ``kb`` whose text alone changed since the last build or pages
        shown first, when their pages can be shown first; else ``None``."""
        built = self._built
        if built is None or any(p.is_error for p in kb.problems.for_build()):
            return None
        if other_plugins(built.config):
            return None  # they may keep what they saw of every page, or need all of them
        documents = {doc.path: doc for doc in kb.catalog.published}
        if documents.keys() != built.documents.keys():
            return None  # added, removed or renamed: other pages link to it
        changed = [
            doc
            for path, doc in documents.items()
            if doc is not (old := built.documents[path]) and doc.fingerprint != old.fingerprint
        ]
        if not changed or len(changed) > SHOWN_FIRST_LIMIT or not all(d.url for d in changed):
            return None
        return changed

    def show(
        self, kb: KnowledgeBase, changed: list[Document], plan: PagePlan, record: BuildRecord
    ) -> list[str]:
        """Render the pages of the ``changed`` documents of ``kb`` and write them over the
        served site; their source paths. ``record`` forgets them: the next build renders
        them again."""
        built = self._built
        assert built is not None
        groups = group(kb.catalog)
        shown = []
        for doc in changed:
            page = document_page(doc, kb.catalog, groups, built.similar)
            file = built.files.get_file_from_path(page.src_uri)
            if file is None or file.page is None:
                raise LookupError(page.src_uri)
            plan.convert(page)
            record.pages[page.src_uri] = ""  # matches no digest
            file.content_string = page.markdown
            # at once: the server may be reading the page it replaces
            write_atomically(Path(file.abs_dest_path), _render(file.page, built))
            built.documents[doc.path] = doc
            shown.append(doc.path)
        return shown


def _render(page: Any, built: _Built) -> str:
    """The HTML of ``page`` (a page of the last build), as MkDocs' build renders a page."""
    config, files, nav = built.config, built.files, built.nav
    plugins = config.plugins
    page = plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    page.render(config, files)
    page.content = plugins.on_page_content(page.content, page=page, config=config, files=files)
    page.active = True
    try:
        context = get_context(nav, files, config, page)
        template = built.env.get_template(page.meta.get("template", "main.html"))
        context = plugins.on_page_context(context, page=page, config=config, nav=nav)
        output = template.render(context)
    finally:
        page.active = False
    return plugins.on_post_page(output, page=page, config=config)


class FollowUp:
    """Asks a live-reload server for the whole rebuild after pages were shown first: a file
    in a folder it watches (``server.watch``, its public way in) changes."""

    def __init__(self, server: Any, folder: Path, delay: float = FOLLOW_UP_DELAY) -> None:
        self._folder = folder  # in the cache folder, which nothing else watches
        folder.mkdir(parents=True, exist_ok=True)
        self._delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        server.watch(str(self._folder))

    def due(self) -> None:
        """Pages were shown first: ask once a browser shows them (``shown``), or soon."""
        with self._lock:
            if self._timer is None:
                self._timer = threading.Timer(self._delay, self.ask)
                self._timer.daemon = True
                self._timer.start()

    def shown(self) -> None:
        """A browser asks for the next change: it shows the pages."""
        if self._timer is not None:
            self.ask()

    def ask(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
            if timer is None:
                return
            timer.cancel()
            with contextlib.suppress(OSError):  # the folder is gone: the server stops
                (self._folder / "rebuild").write_bytes(os.urandom(8))

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        shutil.rmtree(self._folder, ignore_errors=True)
