"""Review: what needs an owner's attention, grouped by owner.

Three findings, the same ones ``opskb check`` warns about: documents overdue
for review (``last_reviewed`` + ``review_every`` before today), documents
without an owner, and drafts. The home page shows the counts from here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..check.catalog import Catalog
from ..model import Document
from ..sources.history import Change
from .memo import MemoPass
from .render import Page, page_header, render_template

__all__ = ["ReviewItem", "ReviewSummary", "review_items", "review_page", "review_summary"]

URI = "review/index.md"


@dataclass(frozen=True)
class ReviewItem:
    doc: Document
    overdue: bool
    due: dt.date | None
    days_overdue: int
    draft: bool
    no_owner: bool
    changed: Change | None = None  # its last change in git, when known


@dataclass(frozen=True)
class ReviewSummary:
    overdue: int
    no_owner: int
    drafts: int


def review_items(catalog: Catalog) -> list[ReviewItem]:
    """Every document needing attention, in path order."""
    items = []
    for doc in catalog.documents:
        draft = doc.is_draft
        overdue = not draft and catalog.review_overdue(doc)
        due = doc.review_due(catalog.settings.review_every)
        if overdue or draft or not doc.owner:
            days = (catalog.today - due).days if overdue and due else 0
            changed = catalog.changes.get(doc.path)
            items.append(ReviewItem(doc, overdue, due, days, draft, not doc.owner, changed))
    return items


def review_summary(items: list[ReviewItem]) -> ReviewSummary:
    return ReviewSummary(
        overdue=sum(i.overdue for i in items),
        no_owner=sum(i.no_owner for i in items),
        drafts=sum(i.draft for i in items),
    )


def review_page(catalog: Catalog, *, memo: MemoPass | None = None) -> Page:
    items = review_items(catalog)
    by_owner: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        by_owner[item.doc.owner].append(item)
    owners = sorted((o for o in by_owner if o), key=lambda o: (o.lower(), o))
    groups = [(owner, _ordered(by_owner[owner])) for owner in owners]
    if "" in by_owner:
        groups.append(("", _ordered(by_owner[""])))
    markdown = render_template(
        "review.md.j2",
        memo,
        here=URI,
        directory_urls=catalog.settings.directory_urls,
        summary=review_summary(items),
        groups=groups,
        published=catalog.published_paths,
        review_every=catalog.settings.review_every,
    )
    return Page(URI, page_header("Review") + "\n" + markdown, "Review")


def _ordered(items: list[ReviewItem]) -> list[ReviewItem]:
    """Most overdue first, then drafts, then the rest by title."""
    return sorted(
        items, key=lambda i: (-i.days_overdue, not i.draft, i.doc.title.lower(), i.doc.path)
    )
