"""Overview pages generated from the catalogue alone: escalation, playbooks,
incidents, known issues, review. Each lives in its own module; the groupings
they share are computed once here."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..catalog import Catalog
from ..model import Tier
from .escalation import escalation_page
from .groups import Groups, group
from .incidents import incidents_page
from .known_issues import known_issues_page
from .playbooks import playbook_page
from .render import Page
from .review import review_page

__all__ = ["page_jobs", "pages"]


def page_jobs(catalog: Catalog, groups: Groups | None = None) -> list[Callable[[], Page]]:
    """Each overview page as a job of its own, so that jobs can be shared between processes."""
    groups = groups or group(catalog)
    return [
        functools.partial(escalation_page, catalog, groups),
        *(functools.partial(playbook_page, tier, catalog, groups) for tier in Tier),
        functools.partial(incidents_page, catalog, groups),
        functools.partial(known_issues_page, catalog, groups),
        functools.partial(review_page, catalog),
    ]


def pages(catalog: Catalog) -> list[Page]:
    return [job() for job in page_jobs(catalog)]
