"""ERB tags in GOV.UK tech-docs (Middleman) pages: read as their authors meant, or inert.

A tech-docs page (``x.html.md.erb``) is Markdown with Ruby template tags that
Middleman runs when it builds. opskb runs no Ruby: ``# <%= current_page.data.title %>``
is the page's title heading (see ``headings.py``), and every other tag is shown
as code, as written, with a warning naming its line, so that a reader never
meets half a template and the author knows what to rewrite.
"""

from __future__ import annotations

import re

from ..problems import Problems
from .markdown_lines import lines_outside_code

__all__ = ["LISTING", "TITLE_TAG", "inert_erb"]

#: The heading text tech-docs pages use for "this page's title".
TITLE_TAG = re.compile(r"^<%=\s*current_page\.data\.title\s*%>$")
#: Where a page listed the pages of its folder (``current_page.children.each``): the
#: page lists them there (``pages/documents.py``).
LISTING = "<!-- opskb: the pages of this folder -->"
_CHILDREN = re.compile(r"^\s*<%\s*current_page\.children\.each\s+do\s*\|\s*\w+\s*\|\s*%>\s*$")
_END = re.compile(r"^\s*<%\s*end\s*%>\s*$")


def inert_erb(body: str, path: str, body_line: int, problems: Problems) -> str:
    """``body`` with each ERB tag outside code shown as code, and a warning for each line
    holding one."""
    lines = body.split("\n")
    listing_ends = -1
    for index, line, in_code in lines_outside_code(body):
        if index <= listing_ends:
            lines[index] = ""  # kept as a line, so the lines below keep their numbers
            continue
        if in_code or "<%" not in line:
            continue
        if _CHILDREN.match(line):
            listing_ends = _loop_end(lines, index)
            if listing_ends > index:
                lines[index] = LISTING
                continue
        shown, tags = _inert(line)
        problems.warning(
            path,
            body_line + index,
            f"template tag {_quoted(tags[0])} is not run: it is shown as written",
            "write what it makes as Markdown (a warning box: '!!! warning'), or remove it",
            code="erb-tag",
        )
        lines[index] = shown
    return "\n".join(lines)


def _loop_end(lines: list[str], start: int) -> int:
    """The index of the ``<% end %>`` closing the loop opened at ``start``, or -1."""
    return next((i for i in range(start + 1, len(lines)) if _END.match(lines[i])), -1)


def _inert(line: str) -> tuple[str, list[str]]:
    """``line`` with each ``<% … %>`` tag as a code span, and the tags (an unclosed tag
    runs to the end of the line, which Markdown shows as text)."""
    out, tags, start = [], [], 0
    while (opening := line.find("<%", start)) != -1:
        closing = line.find("%>", opening + 2)
        if closing == -1:
            tags.append(line[opening:])
            break
        tag = line[opening : closing + 2]
        out.append(line[start:opening] + _as_code(tag))
        tags.append(tag)
        start = closing + 2
    out.append(line[start:])
    return "".join(out), tags


def _as_code(tag: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", tag)), default=0) + 1)
    return f"{fence} {tag} {fence}"


def _quoted(tag: str) -> str:
    return repr(tag if len(tag) <= 60 else tag[:57] + "...")
