"""Reserved URLs: where the site's generated pages are, so that no source may be there.

A document whose page would be at ``systems/`` would replace the list of all
systems (or be replaced by it) without a word; a file in ``api/`` would be
lost under the catalogue. Such a source is an error naming the page it
collides with. Below a system's or an incident's folder documents are as
usual: only those pages' own URLs are taken there.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..names import virtual_path
from ..problems import Problem

__all__ = ["generated_at", "reserved_files", "reserved_problem"]

#: Folders the site generates whole: nothing of the knowledge base's may be in them.
GENERATED_FOLDERS = {
    "escalation/": "the escalation matrix",
    "playbooks/": "the tier playbooks",
    "known-issues/": "the known issues",
    "review/": "the review list",
    "search/": "the search page",
    "alerts/": "the alert pages",
    "offline/": "the offline copies",
    "api/": "the catalogue for integrations",
    "pagefind/": "the search page's index",
}
#: Generated pages in folders that also hold documents.
GENERATED_PAGES = {"systems/": "the list of all systems", "incidents/": "the incident history"}
#: Files the site generates at its root.
GENERATED_FILES = {"opskb-sw.js": "the service worker that keeps the site working offline"}


def generated_at(location: str) -> tuple[str, str] | None:
    """The generated page or folder at ``location`` (a page URL such as ``systems/``, or
    a file's path in the site such as ``api/catalog.json``): its URL and what it is."""
    if location in GENERATED_FILES:
        return location, GENERATED_FILES[location]
    parent, _, name = location.rpartition("/")
    page = parent + "/" if name in ("", "index.html") and parent else None
    if page in GENERATED_PAGES:
        return page, GENERATED_PAGES[page]
    for folder, what in GENERATED_FOLDERS.items():
        if location.startswith(folder) or location + "/" == folder:
            return folder, what
    return None


def reserved_problem(path: str, location: str, *, page: bool) -> Problem | None:
    """The error for the source ``path`` when its page (``page``) or its copy in the site
    would be at a generated page's ``location``; ``None`` when it is free."""
    found = generated_at(location)
    if found is None:
        return None
    url, what = found
    where = f"its page would be at '/{location}'" if page else f"it would be at '/{location}'"
    if url in GENERATED_FOLDERS:
        hint = f"move it out of '{url}': opskb generates everything there"
    else:
        hint = "rename the file (any other name in its folder is fine)"
    return Problem(
        path,
        0,
        f"{where}, where opskb generates {what} ('/{url}'); one would replace the other",
        hint,
        code="reserved-url",
    )


def reserved_files(paths: Iterable[str], content_dir: str) -> list[Problem]:
    """The errors for files (not documents) the site would copy onto a generated page."""
    found = (reserved_problem(p, virtual_path(p, content_dir), page=False) for p in paths)
    return [problem for problem in found if problem is not None]
