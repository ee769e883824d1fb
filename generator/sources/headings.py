"""Headings: a document's title as its author wrote it, shown once.

The title is front matter's ``title:``, else the first level-1 heading
wherever it stands (after HTML comments, a ``[[_TOC_]]`` marker, a line of
text), ATX (``# Title``) or setext (``Title`` over ``=====``), never one in a
fenced code block or an HTML comment; with its Markdown stripped
(``[Cloudflare](…)`` is "Cloudflare"). A document with no level-1 heading is
titled by its file name (a folder page by its folder's name): its first
``## section`` names a section, not the page.

The page prints the title as its one ``<h1>``, so the heading it came from is
taken out of the body, as is a heading opening a body whose front matter
holds the title (a Hugo page's ``title:`` above ``# The same words``).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import NamedTuple

from ..names import FOLDER_PAGES, document_stem
from .erb import TITLE_TAG
from .markdown_lines import lines_outside_code
from .markdown_links import link_texts

__all__ = ["Heading", "first_heading", "name_title", "plain_text", "title_and_body"]

_ATX = re.compile(r"^ {0,3}#(?:[ \t](.*))?$")  # linear: no quantifier meets another
_ATX_ANY = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}=+[ \t]*$")
_SETEXT_2 = re.compile(r"^ {0,3}-+[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-*+>#|]|\d+[.)]\s|<)|^(?: {4}|\t)")
_MARKER = re.compile(r"^ {0,3}(?:\[\[_TOC_\]\]|\[TOC\]|\{:toc\}|<!--.*-->)[ \t]*$", re.IGNORECASE)
_CODE = re.compile(r"(`+)([^`\n]*?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]*?\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)([^\n*_]*?\S)\1(?![\w*])")
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_LONGEST = 1000  # characters of a heading stripped of its Markdown
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


class Heading(NamedTuple):
    """A level-1 heading: its text as written, and the lines it spans in the body."""

    text: str
    first: int  # index of its first line
    last: int  # index of its last line (the underline of a setext heading)


def first_heading(body: str) -> Heading | None:
    """The first level-1 heading of ``body`` outside code blocks and HTML comments."""
    comment = False
    previous: str | None = None  # the line before, when it may be a setext heading's text
    for index, line, in_code in lines_outside_code(body):
        stripped = line.lstrip()
        if in_code:
            previous = None
            continue
        if comment or stripped.startswith("<!--"):
            comment = "-->" not in (line if comment else stripped[4:])
            previous = None
            continue
        atx = _ATX.match(line)
        if atx:
            return Heading(_without_closing_hashes((atx.group(1) or "").strip()), index, index)
        if previous is not None and _SETEXT.match(line):
            return Heading(previous.strip(), index - 1, index)
        previous = line if stripped and not _NOT_PARAGRAPH.match(line) else None
    return None


def _without_closing_hashes(heading: str) -> str:
    """``Title ##`` → ``Title`` (a closing sequence needs a space before it, so C# stays)."""
    bare = heading.rstrip("#")
    if bare != heading and (not bare or bare[-1] in " \t"):
        heading = bare
    return heading.strip()


def plain_text(markdown: str) -> str:
    """A heading's text without its Markdown: links and images by their text, code spans,
    emphasis and HTML tags by what they hold, escapes by the character."""
    if len(markdown) > _LONGEST:  # not a title anyone wrote: spared the scans below
        return " ".join(markdown.split())
    text = link_texts(markdown)
    text = _CODE.sub(lambda m: m.group(2).strip(), text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _TAG.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def name_title(path: str) -> str:
    """A title from the file name (a folder page's from its folder's): ``reset-token.md``
    → "Reset token", ``NodeDiskFull.md`` → "NodeDiskFull"."""
    source = PurePosixPath(path)
    name = document_stem(source.name)
    if name in FOLDER_PAGES:
        name = source.parent.name or "Home"
    words = " ".join(name.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:]


def _opens_with(body: str, heading: Heading) -> bool:
    """Whether nothing but blank lines, comments and TOC markers comes before ``heading``."""
    before = body.split("\n")[: heading.first]
    return all(not line.strip() or _MARKER.match(line) for line in _joined_comments(before))


def _joined_comments(lines: list[str]) -> list[str]:
    """``lines`` with each multi-line HTML comment as one line."""
    joined, pending = [], ""
    for line in lines:
        pending = f"{pending} {line}" if pending else line
        if "<!--" in pending and "-->" not in pending.rsplit("<!--", 1)[1]:
            continue
        joined.append(pending)
        pending = ""
    return joined + ([pending] if pending else [])


def _without(body: str, heading: Heading) -> str:
    """``body`` with ``heading``'s lines left blank, so the lines below keep their numbers
    (problems name them)."""
    lines = body.split("\n")
    lines[heading.first : heading.last + 1] = [""] * (heading.last + 1 - heading.first)
    return "\n".join(lines)


def demoted(body: str) -> str:
    """``body`` with every heading one level down when it holds a level-1 heading, so the
    title is the page's one ``<h1>`` and the author's sections keep their order."""
    if first_heading(body) is None:
        return body
    lines = body.split("\n")
    previous: str | None = None
    for index, line, in_code in lines_outside_code(body):
        if in_code:
            previous = None
            continue
        atx = _ATX_ANY.match(line)
        if atx and len(atx.group(1)) < 6:
            lines[index] = line.replace("#", "##", 1)
        elif previous is not None and (_SETEXT.match(line) or _SETEXT_2.match(line)):
            level = 2 if "=" in line else 3
            lines[index - 1] = "#" * level + " " + previous.strip()
            lines[index] = ""
        stripped = line.strip()
        previous = line if stripped and not atx and not _NOT_PARAGRAPH.match(line) else None
    return "\n".join(lines)


def title_and_body(given: str, body: str, path: str) -> tuple[str, str]:
    """The title of the document at ``path`` (``given`` from front matter, may be empty)
    and its body without the heading the page shows as its title, its other level-1
    headings a level down."""
    heading = first_heading(body)
    if heading is not None and TITLE_TAG.match(heading.text):  # tech-docs: "the title here"
        return given or name_title(path), demoted(_without(body, heading))
    if given:
        if heading is None:
            return given, body  # no level-1 heading: nothing to demote
        if _opens_with(body, heading):
            return given, demoted(_without(body, heading))
        return given, demoted(body)
    if heading is not None:
        text = plain_text(heading.text)
        if text:
            return text, demoted(_without(body, heading))
    return name_title(path), body
