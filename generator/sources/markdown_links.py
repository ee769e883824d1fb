"""The one scanner of links in Markdown: inline links and images, reference
definitions, and raw HTML ``<a href>`` / ``<img src>``, outside code spans.

Every stage that finds, rewrites or strips links takes them from here: the
link check (``check/links.py``: resolve, report, rewrite to the page tree), the
playbooks that embed runbook bodies (re-based to the playbook's page), titles
(``headings.plain_text``: a link by its text) and search records. So they
agree on what a link is, and each stays linear in the text however hostile it
is. It knows Markdown only: where a target leads is its callers' business.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable

__all__ = [
    "link_texts",
    "map_html_targets",
    "map_targets",
    "may_link",
    "may_link_html",
    "may_link_markdown",
]

# No character class can run into the next link's opening bracket, so
# matching stays linear on hostile lines ("[[[[…", "](" then "[" × 40,000, "[a](" ×
# 100,000), where a class that admits "[" took 5 s on a 40,000-character line.
# A target may hold balanced parentheses, one level deep, as CommonMark allows
# ("Resize-Disk-(EU).md"); each "(" starts a group, so no character is tried twice.
_INLINE = re.compile(
    r"(!?\[([^\[\]\n]*)\]\()(<[^<>\n]+>|(?:[^()\s]|\([^()\s]*\))+)((?:[ \t]+\"[^\"\n]*\")?\))"
)
_REFERENCE = re.compile(r"!?\[([^\[\]\n]*)\]\[[^\[\]\n]*\]")  # [text][label]
_REFDEF = re.compile(r"^([ \t]{0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]+>|\S+)(.*)$")
# Links and images written as raw HTML: `<a href="…">`, `<img src="…">`. Linear too: the
# tag's class stops at the next "<" or ">", so no two attempts scan the same characters.
_HTML_LINK = re.compile(
    r"""(<(?:a|img)\b[^<>]*?\s(?:href|src)[ \t]*=[ \t]*)(?:"([^"<>\n]*)"|'([^'<>\n]*)')""",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"`+[^`\n]*`+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def may_link(text: str) -> bool:
    """Whether ``text`` could hold a Markdown or raw HTML link at all (else no scan)."""
    return may_link_markdown(text) or may_link_html(text)


def may_link_markdown(text: str) -> bool:
    """Whether ``text`` could hold an inline link or image, or a reference definition."""
    return "](" in text or "]:" in text


def may_link_html(text: str) -> bool:
    """Whether ``text`` could hold a raw HTML ``<a href>`` or ``<img src>``."""
    if "<" not in text:
        return False
    lowered = text.lower()  # as the scan reads tags: ``<A HREF>``, ``<img Src>``
    return "href" in lowered or "src" in lowered


def _relative(target: str, replace: Callable[[str], str], from_root: bool) -> str:
    bare = target[1:-1] if target.startswith("<") else target
    if not bare or bare.startswith(("#", "//")) or _SCHEME.match(bare):
        return target  # an anchor, a URL, or one without its scheme ("//host/x")
    if bare.startswith("/") and not from_root:
        return target  # a path from the site's root
    new = replace(bare)
    return f"<{new}>" if target.startswith("<") else new


def map_targets(line: str, replace: Callable[[str], str], *, from_root: bool = False) -> str:
    """``line`` with each relative target of a link or image on it, and of a reference
    definition, replaced by ``replace(it)`` (given and taken without ``<…>``); links in
    code spans are left alone. With ``from_root``, targets from the site's root
    (``/runbooks/x.md``) are replaced too.

    Linear in the line's length however hostile it is (see ``_INLINE``).
    """
    if "](" in line:
        in_code = _in_code_span(line)

        def inline(m: re.Match) -> str:
            if in_code(m.start()):
                return m.group(0)
            return m.group(1) + _relative(m.group(3), replace, from_root) + m.group(4)

        line = _INLINE.sub(inline, line)
    ref = _REFDEF.match(line) if "]:" in line else None
    if ref:
        line = ref.group(1) + _relative(ref.group(2), replace, from_root) + ref.group(3)
    return line


def _in_code_span(line: str) -> Callable[[int], bool]:
    """Whether a position of ``line`` is inside one of its code spans: one search for the
    spans, then a bisection per position (not a scan of every span per link)."""
    if "`" not in line:
        return lambda position: False
    spans = [m.span() for m in _CODE_SPAN.finditer(line)]
    starts = [start for start, _ in spans]

    def inside(position: int) -> bool:
        span = bisect_right(starts, position) - 1  # the last code span starting before
        return span >= 0 and position < spans[span][1]

    return inside


def map_html_targets(line: str, replace: Callable[[str], str], *, from_root: bool = False) -> str:
    """``line`` with each relative ``href``/``src`` of a raw HTML ``<a>`` or ``<img>`` on it
    replaced by ``replace(it)``; tags in code spans are left alone. Linear, as
    :func:`map_targets` is; ``from_root`` as there."""
    in_code = _in_code_span(line)

    def attribute(m: re.Match) -> str:
        if in_code(m.start()):
            return m.group(0)
        quote = '"' if m.group(2) is not None else "'"
        target = html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
        new = _relative(target, replace, from_root)
        if new == target:
            return m.group(0)  # left as written: a URL, an anchor, a target not found
        return f"{m.group(1)}{quote}{html.escape(new, quote=True)}{quote}"

    return _HTML_LINK.sub(attribute, line)


def link_texts(text: str) -> str:
    """``text`` with each inline or reference link and image replaced by its text."""
    if "](" in text:
        text = _INLINE.sub(r"\2", _INLINE.sub(r"\2", text))  # twice: an image in a link
    if "][" in text:
        text = _REFERENCE.sub(r"\1", text)
    return text
