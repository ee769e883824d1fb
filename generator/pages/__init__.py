"""Pages: the catalogue rendered as plain Markdown pages and a navigation tree.

Nothing here knows about MkDocs: the output is a list of :class:`Page` and a
list of :class:`NavItem`, which any Markdown site engine can take.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from ..check.catalog import Catalog
from ..executor import collector_paused
from ..fork_map import fork_map
from ..model import Kind, Tier
from . import overview
from .documents import document_page
from .groups import group
from .home import home_page, systems_index
from .memo import MemoPass, RenderMemo
from .render import Page
from .search_page import SEARCH_URI, search_page
from .similar import SimilarDocuments

__all__ = ["NavItem", "Page", "RenderMemo", "SimilarDocuments", "Site", "render_site"]


@dataclass
class NavItem:
    title: str
    src_uri: str | None = None
    children: list[NavItem] = field(default_factory=list)


@dataclass
class Site:
    pages: list[Page]
    nav: list[NavItem]
    # the look-alikes its pages show: a page rendered again alone shows the same
    similar: SimilarDocuments = field(default_factory=SimilarDocuments)

    def page(self, src_uri: str) -> Page | None:
        return next((p for p in self.pages if p.src_uri == src_uri), None)


NAV_LIMIT = 20  # a nav section lists its pages one by one up to this many


def _nav(catalog: Catalog, uris: set[str]) -> list[NavItem]:
    """The site's navigation, kept short whatever the knowledge base's size.

    Material prints the whole navigation on every page, so a navigation that
    grew with the knowledge base would make builds grow with its square. Past
    ``NAV_LIMIT`` systems or articles, a section links to its index page and
    the home page alone (where every system and article is listed).
    """
    nav = [NavItem("Home", "index.md")]
    if "escalation/index.md" in uris:
        nav.append(NavItem("Escalation", "escalation/index.md"))
    playbooks = [
        NavItem(f"{t.value} · {t.label}", f"playbooks/{t.slug}.md")
        for t in Tier
        if f"playbooks/{t.slug}.md" in uris
    ]
    if playbooks:
        nav.append(NavItem("Playbooks", children=playbooks))
    systems = [NavItem("All systems", "systems/index.md")]
    listed = [
        NavItem(catalog.systems[s].title, catalog.systems[s].src_uri)
        for s in sorted(catalog.systems, key=lambda s: catalog.systems[s].title.lower())
        if catalog.systems[s].src_uri in uris
    ]
    systems += listed if len(listed) <= NAV_LIMIT else []
    nav.append(NavItem("Systems", children=systems))
    for title, uri in (
        ("Incidents", "incidents/index.md"),
        ("Known issues", "known-issues/index.md"),
        ("Review", "review/index.md"),
        ("Alerts", "alerts/index.md"),
        ("Search", "search/index.md"),
    ):
        if uri in uris:
            nav.append(NavItem(title, uri))
    articles = [
        NavItem(d.title, d.src_uri)
        for d in catalog.of_kind(Kind.ARTICLE)
        if d.url  # not the home page's own text
        and "/" not in d.src_uri.removeprefix("articles/")
        and d.src_uri.startswith("articles/")
    ]
    if 0 < len(articles) <= NAV_LIMIT:
        nav.append(NavItem("Articles", children=articles))
    return nav


def _run(job: Callable[[], Page], memo: RenderMemo | None) -> tuple[Page, set[str] | None]:
    """A page, and the memo keys rendering it used (sent back from a worker, which writes
    what it rendered to the memo's folder itself: see ``RenderMemo.flush``)."""
    page = job()
    return page, memo.take_used() if memo is not None else None


def render_site(
    catalog: Catalog,
    similar: SimilarDocuments | None = None,
    *,
    workers: int = 1,
    memo: RenderMemo | None = None,
) -> Site:
    """Every page of the site, and the navigation, for a catalogue.

    ``similar`` (from the search index) adds look-alike documents to pages;
    ``workers`` processes share the pages (see ``workers.fork_map``); ``memo``
    keeps pages rendered before (see ``memo.py``), and learns this build's.
    """
    with collector_paused():  # rendering leaves no cycles; collections only walk the catalogue
        return _render_site(catalog, similar, workers, memo)


def _render_site(
    catalog: Catalog, similar: SimilarDocuments | None, workers: int, memo: RenderMemo | None
) -> Site:
    groups = group(catalog)
    memo_pass = MemoPass(memo) if memo is not None else None  # this rendering's own
    overview_jobs = overview.page_jobs(catalog, groups, memo_pass)
    documents = [doc for doc in catalog.published if doc.url]  # the home page is generated
    uris = {uri for uri, _ in overview_jobs} | {SEARCH_URI} | {d.src_uri for d in documents}
    jobs = [job for _, job in overview_jobs]  # the slowest first, so processes end together
    if "systems/index.md" not in uris:
        jobs.append(functools.partial(systems_index, catalog, groups, memo=memo_pass))
        uris.add("systems/index.md")
    site_name, home_uris = catalog.settings.site_name, uris | {"index.md"}
    jobs += [
        functools.partial(home_page, catalog, site_name, home_uris, groups, memo=memo_pass),
        functools.partial(search_page, catalog, memo=memo_pass),
        *(
            functools.partial(document_page, doc, catalog, groups, similar, memo=memo_pass)
            for doc in documents
        ),
    ]
    pages = []
    finish = memo.flush if memo is not None else None
    for page, used in fork_map(functools.partial(_run, memo=memo), jobs, workers, finish):
        pages.append(page)
        if memo is not None and used is not None:
            memo.add_used(used)
    pages.sort(key=lambda p: p.src_uri)
    return Site(pages, _nav(catalog, {p.src_uri for p in pages}), similar or SimilarDocuments())
