"""The home page and the systems overview."""

from __future__ import annotations

from markupsafe import Markup

from ..catalog import Catalog
from ..model import Kind, Tier
from .render import Page, page_header, render_template

__all__ = ["home_page", "systems_index"]


def home_page(catalog: Catalog, site_name: str, pages: set[str]) -> Page:
    index = catalog.by_path.get(f"{catalog.settings.content_dir}/index.md")
    title = index.title if index else site_name
    intro = Markup(catalog.bodies.get(index.path, "")) if index else Markup("")
    review = [d for d in catalog.published if catalog.review_overdue(d)]
    markdown = render_template(
        "home.md.j2",
        here="index.md",
        title=title,
        intro=intro,
        tiers=[(tier, sum(1 for r in catalog.runbooks if r.tier is tier)) for tier in Tier],
        systems=[
            (catalog.systems[s], len(catalog.runbooks_for(s)))
            for s in sorted(catalog.systems)
            if catalog.systems[s] in catalog.published
        ],
        pages=pages,
        incidents=catalog.incidents[:5],
        overdue=len(review),
        no_owner=sum(1 for d in catalog.published if not d.owner),
        drafts=sum(1 for d in catalog.documents if d.is_draft),
        articles=[d for d in catalog.of_kind(Kind.ARTICLE) if d.src_uri != "index.md"],
    )
    return Page(
        "index.md",
        page_header(title) + "\n" + markdown,
        title,
        source=index.path if index else None,
        depends={"*"},
    )


def systems_index(catalog: Catalog) -> Page:
    systems = [
        catalog.systems[s]
        for s in sorted(catalog.systems)
        if catalog.systems[s] in catalog.published
    ]
    markdown = render_template(
        "systems.md.j2", here="systems/index.md", systems=systems, catalog=catalog, Tier=Tier
    )
    return Page(
        "systems/index.md",
        page_header("Systems") + "\n" + markdown,
        "Systems",
        depends={"*systems", "*runbooks"},
    )
