"""The search page at ``search/``: a form whose query and filters live in the address.

``search/?q=vpn&tier=L1&system=vpn&kind=runbook`` shows those results, so a
ticketing tool or a bookmark can link straight to them. The page itself is
plain Markdown with a form; ``assets/opskb/search.js`` runs the query in the
browser against the static index written beside the site (no server).
"""

from __future__ import annotations

from ..check.catalog import Catalog
from ..model import Kind, Tier
from .memo import MemoPass
from .render import Page, page_header, render_template

__all__ = ["SEARCH_URI", "search_page"]

SEARCH_URI = "search/index.md"


def search_page(catalog: Catalog, *, memo: MemoPass | None = None) -> Page:
    systems = sorted(
        (d for d in catalog.systems.values() if d.path in catalog.published_paths),
        key=lambda d: (d.title.lower(), d.system.id),
    )
    markdown = render_template(
        "search.md.j2",
        memo,
        here=SEARCH_URI,
        directory_urls=catalog.settings.directory_urls,
        tiers=list(Tier),
        kinds=[k.value for k in Kind],
        systems=systems,
    )
    return Page(SEARCH_URI, page_header("Search") + "\n" + markdown, "Search")
