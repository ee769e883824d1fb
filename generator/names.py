"""What a source's path says: whether it is a document, its name without a suffix, and
where it sits in the site's page tree. Every stage names files this way (``urls.py``
turns the names into pages and URLs)."""

from __future__ import annotations

__all__ = [
    "ADOPTED_SUFFIXES",
    "DOCUMENT_SUFFIXES",
    "FOLDER_PAGES",
    "MARKDOWN_SUFFIXES",
    "document_stem",
    "is_markdown",
    "markdown_stem",
    "virtual_path",
]

#: What MkDocs 1.6 builds as Markdown pages (``mkdocs.utils.markdown_extensions``),
#: so that the catalogue holds exactly the pages the site has.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
#: Other names read as Markdown documents: GOV.UK tech-docs (Middleman) pages. Their page
#: is handed to the site engine as ``x.md`` (see ``validate.page_location``).
ADOPTED_SUFFIXES = (".html.md.erb", ".htm.md.erb")
DOCUMENT_SUFFIXES = ADOPTED_SUFFIXES + MARKDOWN_SUFFIXES
#: The names that make a document its folder's own page (``runbooks/vpn/``): Hugo's
#: ``_index`` and a repository's ``README`` as well as ``index``.
FOLDER_PAGES = ("index", "README", "_index")


def is_markdown(path: str) -> bool:
    """Whether ``path`` names a Markdown document (by its suffix)."""
    return path.endswith(DOCUMENT_SUFFIXES)


def markdown_stem(path: str) -> str:
    """``path`` without its Markdown suffix: ``a/b.markdown`` → ``a/b``,
    ``a/b.html.md.erb`` → ``a/b``."""
    for suffix in DOCUMENT_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def document_stem(path: str) -> str:
    """A document's path without its suffix: ``markdown_stem``, or for a document read
    through a folder's ``adopt: {extensions: [...]}`` (``a/b.txt``) without that suffix."""
    stem = markdown_stem(path)
    if stem != path:
        return stem
    folder, slash, name = path.rpartition("/")
    return folder + slash + name.rsplit(".", 1)[0] if "." in name[1:] else path


def virtual_path(path: str, content_dir: str) -> str:
    """Where a source file sits in the site's page tree."""
    prefix = content_dir.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path
