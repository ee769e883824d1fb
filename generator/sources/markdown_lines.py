"""Markdown lines: a body's lines, told apart as code or text.

Headings, links and titles are found only outside fenced code blocks: a
``# comment`` in a shell sample is not a heading, a URL in one is not a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["lines_outside_code"]

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}(?=[^`]*$)|~{3,})")  # "```x```" is code in a line


def lines_outside_code(body: str) -> Iterator[tuple[int, str, bool]]:
    """Each line of a Markdown body as (offset, line, inside a fenced code block?).

    Fence lines count as code: links and headings in code samples are left alone.
    """
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            yield offset, line, True
        elif match:
            fence = match.group(1)
            yield offset, line, True
        else:
            yield offset, line, False
