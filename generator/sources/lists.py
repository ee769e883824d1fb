"""Lists as authors write them: CommonMark indentation, read by Python-Markdown.

Authors indent a list item's content under its text (2 spaces after ``-``, 3
after ``1.``), start lists straight after a line of text and put code blocks
between numbered steps. Python-Markdown reads list content only at 4 spaces
and a list only after a blank line, so nested lists flatten, lists run into
paragraphs and code blocks leave their step. Each body is rewritten to the
same structure in the indentation both read alike: an item's content at 4
spaces past its marker, a blank line before a list that follows text. An item
indented 2 or more spaces past the marker of the item above is nested in it,
as its author meant even where CommonMark wants the full content indent. The
numbers are left as written; Python-Markdown's ``sane_lists`` shows a list
starting at 3 as starting at 3. Steps never start again at 1 within a
section: a numbered list that follows another one under the same heading,
after a code block, an admonition or a paragraph left at the margin, counts
on from it unless its author numbered it higher.

One pass over the lines, keeping the open items: linear in the body's size.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["commonmark_lists"]

_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)(.*)$")
_FENCE = re.compile(r"^ *(`{3,}(?=[^`]*$)|~{3,})")  # "```x```" is code in a line
_MAY_HOLD_LIST = re.compile(r"^ *(?:[-*+]|\d{1,9}[.)])(?: |$)", re.MULTILINE)
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?: |$)")
_TAB = 4  # Python-Markdown's indentation of a list item's content
_DEEPEST = 16  # lists nested deeper are shown at this depth


@dataclass
class _Item:
    marker: int  # where the item's marker starts in the source
    source: int  # where the item's content starts in the source
    target: int  # where it starts in the rewritten body
    ordered: bool


def _source(item: _Item) -> int:
    return item.source


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def commonmark_lists(body: str) -> str:
    """``body`` with its lists indented as Python-Markdown reads them (see above)."""
    if not _MAY_HOLD_LIST.search(body):
        return body
    out: list[str] = []
    items: list[_Item] = []  # the open items, outermost first
    fence: tuple[str, int] | None = None  # an open fence's marker, and its shift
    previous = ""  # the last line ("" when blank)
    previous_item = False  # whether it was a list item's first line
    step = 0  # the number shown on the section's last top-level numbered item (0: none)
    for raw in body.split("\n"):
        if fence is not None:
            line = _expand_indent(raw) if items else raw  # as the fence's opening line
            out.append(_shift(line, fence[1]))
            if _closes(line, fence[0]):
                fence = None
            previous, previous_item = raw, False
            continue
        if not raw.strip():
            out.append("")
            previous, previous_item = "", False
            continue
        line = _expand_indent(raw) if items else raw
        indent = _indent(line)
        item = None if _THEMATIC_BREAK.match(line) else _ITEM.match(line)
        if item and not items and previous and not _may_interrupt(item):
            item = None  # "2019. was a good year" inside a paragraph
        if item and indent >= (items[-1].source if items else 0) + _TAB:
            item = None  # indented code ("    - name: x" in a YAML sample), or its text
        if item:
            sibling, closed = None, 0
            while items and indent < items[-1].source and indent < items[-1].marker + 2:
                sibling, closed = items.pop(), closed + 1
            if len(items) >= _DEEPEST:
                sibling = items.pop()  # deeper still: a sibling, so the rewrite stays linear
            parent = items[-1].target if items else 0
            marker, text = item.group(2), item.group(4)
            ordered = marker[0].isdigit()
            if ordered and not items:  # a top-level numbered item
                if sibling is not None and sibling.ordered:
                    step += 1  # the list goes on: Markdown numbers it
                elif step and int(marker[:-1]) <= step:
                    step += 1
                    marker = f"{step}{marker[-1]}"  # a new list counts on from the last
                else:
                    step = int(marker[:-1])
            if (
                (previous and not previous_item)  # a list straight after a line of text
                or (sibling and sibling.ordered != ordered)  # another kind of list
                or (previous and closed > 1)  # the next item after a nested list
            ):
                out.append("")
            gap = len(item.group(3)) if text else 1
            gap = 1 if gap > 4 else gap  # 5+ spaces: the content is indented code
            items.append(_Item(indent, indent + len(marker) + gap, parent + _TAB, ordered))
            out.append(" " * parent + marker + (" " + text if text else ""))
            previous, previous_item = line, True
            continue
        owner = bisect_right(items, indent, key=_source) - 1  # sources grow with depth
        owner = None if owner < 0 else owner
        shift = 0
        if owner is None:
            if previous == "" or _FENCE.match(line):
                items.clear()  # the list has ended
            if _HEADING.match(raw):
                items.clear()
                step = 0  # a new section numbers its steps from its own start
            line = raw
        else:
            if previous == "":
                del items[owner + 1 :]  # back in an outer item: the inner lists ended
            shift = items[owner].target - items[owner].source
            line = _shift(line, shift)
        opening = _FENCE.match(line)
        if opening:
            fence = (opening.group(1), shift)
        out.append(line)
        previous, previous_item = line, False
    return "\n".join(out)


def _closes(line: str, fence: str) -> bool:
    closing = _FENCE.match(line)
    return bool(closing) and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence)


def _expand_indent(line: str) -> str:
    """``line`` with tabs in its indentation as spaces (a tab stops every 4 columns)."""
    if "\t" not in line[: _indent_width(line)]:
        return line
    rest = line.lstrip(" \t")
    return line[: len(line) - len(rest)].expandtabs(_TAB) + rest


def _indent_width(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _may_interrupt(item: re.Match) -> bool:
    """Whether a list item may start straight after a paragraph's line (CommonMark:
    not an empty one, and an ordered one only when it starts at 1)."""
    if not item.group(4):
        return False
    marker = item.group(2)
    return not marker[0].isdigit() or marker[:-1] == "1"


def _shift(line: str, shift: int) -> str:
    if shift > 0:
        return " " * shift + line
    if shift < 0:
        return line[min(-shift, _indent(line)) :]
    return line
