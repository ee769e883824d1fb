"""Overview pages generated from the catalogue alone: escalation, playbooks,
incidents, known issues, review. Each lives in its own module; the groupings
they share are computed once here."""

from __future__ import annotations

from ..catalog import Catalog
from .escalation import escalation_page
from .groups import group
from .incidents import incidents_page
from .known_issues import known_issues_page
from .playbooks import playbook_pages
from .render import Page
from .review import review_page

__all__ = ["pages"]


def pages(catalog: Catalog) -> list[Page]:
    groups = group(catalog)
    return [
        escalation_page(catalog, groups),
        *playbook_pages(catalog, groups),
        incidents_page(catalog, groups),
        known_issues_page(catalog, groups),
        review_page(catalog),
    ]
