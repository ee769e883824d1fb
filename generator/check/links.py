"""Links: authors link documents as files sit in the repository; pages sit elsewhere.

A link in ``content/incidents/x.md`` to ``../../runbooks/vpn/reset.md`` is
right in an editor, but the page tree drops ``content/``. Every relative link
is resolved against the source tree, checked, and rewritten to the page tree,
so links work in the editor, on the forge and on the site alike.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from ..config import Settings
from ..model import Document
from ..names import is_markdown, virtual_path
from ..problems import Problems
from ..sources.markdown_lines import lines_outside_code
from ..sources.markdown_links import (
    map_html_targets,
    map_targets,
    may_link,
    may_link_html,
    may_link_markdown,
)
from ..urls import page_url, relative_url
from .catalog import Catalog
from .reserved import generated_at
from .validate import page_location

__all__ = ["LinkedBody", "link_body", "rewrite_links", "source_of"]

# Where a link's target is in the page tree: (its source path, resolved; the link as
# written; its line) → its path in the page tree, or None (the finder said why).
Finder = Callable[[str, str, int], str | None]


def _rewrite_target(
    bare: str,
    doc_path: str,
    doc_uri: str,
    find: Finder,
    problems: Problems,
    line: int,
    settings: Settings,
    html_urls: bool | None = None,
) -> str:
    """``bare`` resolved, checked and rewritten: to the target's place in the page tree,
    or (``html_urls``: whether pages are at directory URLs) for a raw HTML link, which
    engines pass through as written, to the target's URL from the page's own."""
    path_part, sep, anchor = bare.partition("#")
    path_part, qsep, query = path_part.partition("?")
    if not path_part or path_part == "/":
        return bare
    from_root = path_part.startswith("/")
    here = "" if from_root else posixpath.dirname(doc_path)
    resolved = posixpath.normpath(posixpath.join(here, path_part.lstrip("/")))
    if resolved == ".." or resolved.startswith("../"):
        problems.warning(
            doc_path,
            line,
            f"link '{bare}' leaves the knowledge base",
            "link to a document inside the knowledge base, or use a full URL",
            code="link-outside",
        )
        return bare
    if from_root:  # from the site's root: a place in the page tree, not in the sources
        if generated_at(path_part[1:]) is not None:
            return bare  # a generated page ("/escalation/"): there, though no source is
        resolved = source_of(resolved, settings)
    new_target = find(resolved, bare, line)
    if new_target is None:
        return bare
    if html_urls is None:
        rel = posixpath.relpath(new_target, posixpath.dirname(doc_uri) or ".")
    else:
        site_path = page_url(new_target, html_urls) if is_markdown(new_target) else new_target
        rel = relative_url(site_path, doc_uri, html_urls)
    return rel + (qsep + query) + (sep + anchor)


def source_of(site_path: str, settings: Settings) -> str:
    """The source path of ``site_path`` in the page tree: the page tree drops the
    content folder's name and keeps the runbooks folder's."""
    if site_path.partition("/")[0] == settings.runbooks_dir:
        return site_path
    return f"{settings.content_dir}/{site_path}"


def _in_catalog(catalog: Catalog, doc_path: str, problems: Problems) -> Finder:
    """Targets as the catalogue has them: a published document, or a file that exists."""
    content_dir = catalog.settings.content_dir

    def find(resolved: str, bare: str, line: int) -> str | None:
        def fix(more: str = "") -> str:
            if bare.startswith("/"):
                return _fix_from_root(catalog, doc_path, bare)
            return f"fix the path; links are relative to this file{more and ','}{more}"

        doc = catalog.page_at(resolved)  # a document, a folder's page, a tech-docs x.html
        if doc is None and bare.startswith("/") and _page_url(bare):
            doc = catalog.page_at(resolved + ".md")  # "/runbooks/vpn/reset/": reset.md's page
        if doc is not None or is_markdown(resolved):
            if doc is None:
                problems.warning(
                    doc_path,
                    line,
                    f"link '{bare}' points to a missing document",
                    fix(),
                    code="broken-link",
                )
                return None
            if doc.path not in catalog.published_paths:
                problems.warning(
                    doc_path,
                    line,
                    f"link '{bare}' points to a draft, which the site leaves out",
                    "publish the draft or remove the link",
                    code="link-to-draft",
                )
                return None
            return doc.src_uri
        if not _published(catalog, resolved):
            problems.warning(
                doc_path,
                line,
                f"link '{bare}' points to a missing file (or one the site leaves out)",
                fix(" and reach files in the knowledge base's source folders only"),
                code="broken-link",
            )
            return None
        if resolved not in catalog.files:  # a folder with no README, index or _index
            problems.warning(
                doc_path,
                line,
                f"link '{bare}' points to a folder with no page of its own: "
                "the site has nothing at that address",
                "link to a document in the folder, or give the folder a README.md",
                code="broken-link",
            )
            return None
        return virtual_path(resolved, content_dir)

    return find


def _page_url(bare: str) -> bool:
    """Whether the link's path is a page's URL (``x/``), not a file's."""
    return bare.partition("#")[0].partition("?")[0].endswith("/")


def _fix_from_root(catalog: Catalog, doc_path: str, bare: str) -> str:
    """The fix for a link from the site's root that reaches nothing: the link relative to
    this file, when the path names something below one of this file's folders (a
    repository adopted below ``runbooks/<system>/`` links from its own root so)."""
    path = posixpath.normpath(bare.partition("#")[0].partition("?")[0].lstrip("/"))
    here = folder = posixpath.dirname(doc_path)
    example = "../x.md"
    while folder:
        candidate = posixpath.join(folder, path)
        if catalog.page_at(candidate) is not None or _published(catalog, candidate):
            example = posixpath.relpath(candidate, here)
            break
        folder = posixpath.dirname(folder)
    return (
        f"write the link relative to this file, e.g. {example}, or as a full URL if it "
        "names something outside the knowledge base (a link starting with '/' is read "
        "from the site's root)"
    )


def _published(catalog: Catalog, path: str) -> bool:
    """Whether the site has the file (or a folder of files) at source path ``path``:
    what the walk of the sources found and did not leave out."""
    return path in catalog.files or path in catalog.folders


def _rewrite_body(
    body: str,
    first_line: int,
    doc_path: str,
    doc_uri: str,
    find: Finder,
    problems: Problems,
    settings: Settings,
) -> str:
    if not may_link(body):
        return body
    out = []
    for offset, line, in_code in lines_outside_code(body):
        markdown = may_link_markdown(line)
        if in_code or not (markdown or may_link_html(line)):
            out.append(line)
            continue
        number = first_line + offset
        if markdown:
            line = map_targets(
                line,
                lambda target, n=number: _rewrite_target(
                    target, doc_path, doc_uri, find, problems, n, settings
                ),
                from_root=True,
            )
        if may_link_html(line):
            line = map_html_targets(
                line,
                lambda target, n=number: _rewrite_target(
                    target, doc_path, doc_uri, find, problems, n, settings, settings.directory_urls
                ),
                from_root=True,
            )
        out.append(line)
    return "\n".join(out)


@dataclass(frozen=True)
class LinkedBody:
    """A body with its links rewritten where the document was read (see :func:`link_body`),
    and the source paths it took to be there: published documents, existing files."""

    body: str
    assumed: tuple[str, ...]


def link_body(doc: Document, settings: Settings, problems: Problems) -> LinkedBody | None:
    """``doc``'s body with its links rewritten as if every document and file it links to
    is there and published; ``None`` when it holds nothing that could be a link.

    Called in the process that read the document (``pipeline.load_kb``), so the
    scanning is shared; :func:`rewrite_links` keeps the body if what it took
    for granted holds, and rewrites it again against the catalogue otherwise.
    """
    if not may_link(doc.body):
        return None
    assumed: list[str] = []

    def find(resolved: str, bare: str, line: int) -> str:
        assumed.append(resolved)
        if is_markdown(resolved):
            return page_location(resolved, settings)[0]
        return virtual_path(resolved, settings.content_dir)

    body = _rewrite_body(doc.body, doc.body_line, doc.path, doc.src_uri, find, problems, settings)
    return LinkedBody(body, tuple(assumed))


def rewrite_links(
    catalog: Catalog, problems: Problems, linked: dict[str, LinkedBody | None] | None = None
) -> dict[str, str]:
    """Each document's body with its relative links pointing into the page tree.

    ``linked`` holds what :func:`link_body` gave for documents where they were
    read (``None``: no links). A body rewritten there is kept when every
    document it links to is published and every file exists, which is what
    the catalogue would have made of it; it is rewritten here otherwise.
    """
    linked = linked or {}
    published = catalog.published_paths
    bodies = {}
    for doc in catalog.documents:
        done = linked.get(doc.path, doc)  # the document itself: not linked where read
        if done is None:
            bodies[doc.path] = doc.body
            continue
        if isinstance(done, LinkedBody) and all(
            path in published if is_markdown(path) else path in catalog.files
            for path in done.assumed
        ):
            bodies[doc.path] = done.body
            continue
        find = _in_catalog(catalog, doc.path, problems)
        bodies[doc.path] = _rewrite_body(
            doc.body,
            doc.body_line,
            doc.path,
            doc.src_uri,
            find,
            problems,
            catalog.settings,
        )
    return bodies
