"""The home page and the systems overview."""

from __future__ import annotations

from markupsafe import Markup

from ..check.catalog import Catalog
from ..model import Kind, Tier
from .groups import Groups, group
from .live import live_incidents
from .memo import MemoPass
from .render import Page, page_header, render_template
from .review import review_items, review_summary

__all__ = ["home_page", "systems_index"]

RECENT_INCIDENTS = 5


def home_page(
    catalog: Catalog,
    site_name: str,
    pages: set[str],
    groups: Groups | None = None,
    *,
    memo: MemoPass | None = None,
) -> Page:
    """Live incidents first, then search, a door per tier, systems, recent incidents and
    what needs review."""
    groups = groups or group(catalog)
    index = next((d for d in catalog.documents if not d.url), None)  # index.md or README.md
    title = index.title if index else site_name
    intro = Markup(catalog.bodies.get(index.path, "")) if index else Markup("")
    live = live_incidents(groups)
    markdown = render_template(
        "home.md.j2",
        memo,
        here="index.md",
        directory_urls=catalog.settings.directory_urls,
        title=title,
        intro=intro,
        live=live,
        live_systems={
            inc.path: [
                catalog.systems[s]
                for s in inc.systems
                if s in catalog.systems and catalog.systems[s].path in groups.published
            ]
            for inc in live
        },
        tiers=[(tier, len(groups.runbooks[tier])) for tier in Tier],
        built=catalog.today,
        systems=[
            (s, sum(len(groups.system_runbooks(s.system.id, t)) for t in Tier))
            for s in groups.systems
        ],
        pages=pages,
        incidents=groups.incidents[:RECENT_INCIDENTS],
        incident_count=len(groups.incidents),
        review=review_summary(review_items(catalog)),
        articles=[d for d in catalog.of_kind(Kind.ARTICLE) if d.url],
    )
    return Page(
        "index.md",
        page_header(title) + "\n" + markdown,
        title,
        source=index.path if index else None,
    )


def systems_index(
    catalog: Catalog, groups: Groups | None = None, *, memo: MemoPass | None = None
) -> Page:
    groups = groups or group(catalog)
    markdown = render_template(
        "systems.md.j2",
        memo,
        here="systems/index.md",
        rows=[
            (
                s,
                [len(groups.system_runbooks(s.system.id, tier)) for tier in Tier],
                len(groups.system_incidents(s.system.id)),
            )
            for s in groups.systems
        ],
        tiers=list(Tier),
    )
    return Page(
        "systems/index.md",
        page_header("Systems") + "\n" + markdown,
        "Systems",
    )
