"""Suffixes an adoption map may list (``adopt: {extensions: [.txt, .mdx]}``): files ending
in one of them are read as Markdown documents below the folder of its defaults file.

A listed suffix must be one plain suffix, not one opskb reads already, and not one of
files that are not Markdown text: listing ``.png`` or ``.yml`` would take images and
data out of the site and read them as pages.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["read_extensions"]

#: Suffixes read as documents already (``sources.DOCUMENT_SUFFIXES``, one dot each).
_READ = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".erb")
# fmt: off
_NOT_TEXT = frozenset((
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".tif", ".tiff",
    ".avif", ".pdf", ".ps", ".eps", ".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z",
    ".rar", ".jar", ".whl", ".deb", ".rpm", ".iso", ".img", ".exe", ".bin", ".so", ".dll",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf",
    ".epub", ".yml", ".yaml", ".json", ".toml", ".xml", ".csv", ".tsv", ".ini", ".cfg",
    ".conf", ".lock", ".html", ".htm", ".xhtml", ".css", ".js", ".mjs", ".map", ".py",
    ".sh", ".rb", ".go", ".java", ".c", ".h", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".mp3", ".mp4", ".m4a", ".wav", ".ogg", ".webm", ".mov", ".avi", ".mkv", ".sqlite",
    ".db", ".pem", ".key", ".crt", ".gpg", ".asc",
))
# fmt: on
_PLAIN_SUFFIX = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9_+-]*")


def read_extensions(value: Any, report) -> tuple[str, ...]:
    """The suffixes ``adopt.extensions`` lists; ``report(message, hint, *where)`` is told
    of each wrong one, which is left out."""
    if value in (None, "", []):
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report(
            "'adopt.extensions' must be a list of file suffixes",
            "write e.g. extensions: [.txt, .mdx]",
            "extensions",
        )
        return ()
    found = []
    for index, suffix in enumerate(value):
        where = ("extensions", index)
        if not isinstance(suffix, str) or not _PLAIN_SUFFIX.fullmatch(suffix.strip()):
            report(
                f"'adopt.extensions' lists {suffix!r}: a suffix starts with '.' and holds "
                "letters, digits, '_', '+' or '-' (one suffix, no folders or wildcards)",
                "write e.g. extensions: [.txt, .mdx]",
                *where,
            )
            continue
        suffix = suffix.strip()
        if suffix.lower() in _READ:
            report(
                f"'adopt.extensions' lists {suffix!r}, which opskb reads as Markdown already",
                f"remove {suffix} from the list",
                *where,
            )
        elif suffix.lower() in _NOT_TEXT:
            report(
                f"'adopt.extensions' lists {suffix!r}: those files are not Markdown text, "
                "and reading them as documents would take them out of the site",
                f"remove {suffix}; list only suffixes of text files written as Markdown, "
                "e.g. .txt or .mdx",
                *where,
            )
        else:
            found.append(suffix)
    return tuple(dict.fromkeys(found))
