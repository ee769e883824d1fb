"""Overview pages generated from the catalogue alone: escalation, playbooks,
incidents, known issues, review. Each lives in its own module; the groupings
they share are computed once here."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..check.catalog import Catalog
from ..model import Tier
from . import escalation, incidents, known_issues, review
from .alerts import alert_jobs
from .groups import Groups, group
from .memo import MemoPass
from .playbooks import playbook_page, playbook_uri
from .render import Page

Job = Callable[[], Page]

__all__ = ["page_jobs", "pages"]


def page_jobs(
    catalog: Catalog, groups: Groups | None = None, memo: MemoPass | None = None
) -> list[tuple[str, Job]]:
    """Each overview page's URI and the job that renders it, so that jobs can be shared
    between processes and pages linked to before they are rendered."""
    groups = groups or group(catalog)
    return [
        (escalation.URI, functools.partial(escalation.escalation_page, catalog, groups, memo=memo)),
        *(
            (playbook_uri(tier), functools.partial(playbook_page, tier, catalog, groups, memo=memo))
            for tier in Tier
        ),
        (incidents.URI, functools.partial(incidents.incidents_page, catalog, groups, memo=memo)),
        (
            known_issues.URI,
            functools.partial(known_issues.known_issues_page, catalog, groups, memo=memo),
        ),
        (review.URI, functools.partial(review.review_page, catalog, memo=memo)),
        *alert_jobs(catalog, memo),
    ]


def pages(catalog: Catalog) -> list[Page]:
    return [job() for _, job in page_jobs(catalog)]
