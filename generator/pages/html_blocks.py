"""Our HTML blocks set aside while an engine converts a page's Markdown.

A page's own parts (the header strip, symptoms, escalation box, playbook
and review tables) are HTML blocks, which Markdown passes through as they
are; yet Python-Markdown runs an HTML parser over every one of them to find
where it ends: about a fifth of the Markdown conversion of a large site.
So before conversion each of our blocks becomes a one-word paragraph, and
after it that paragraph's HTML is replaced by the block.

Only what a template wrote outside authors' Markdown (``Page.authored``) is
touched, and only blocks Markdown would pass through unchanged: they start
with a block-level tag at the start of a line, every line is a tag's, their
block-level tags are balanced, they are not inside an open HTML block, and
they do not ask for Markdown inside (``markdown`` attribute). Everything
else is left for the engine, so the HTML is the same either way.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["new_token", "put_back", "set_aside"]

_BLOCK_TAG = re.compile(r"<(/?)(div|table|ul|ol|dl|p|details|section|h[1-6])\b")
_FENCES = ("```", "~~~")


def new_token() -> str:
    """A word no author writes, to stand for our blocks in one build."""
    return f"opskb{secrets.token_hex(8)}n"


def set_aside(
    markdown: str, authored: tuple[tuple[int, int], ...], token: str
) -> tuple[str, list[str]]:
    """``markdown`` with our blocks replaced by placeholder paragraphs, and the blocks.

    ``authored`` holds (start, end) pairs counted back from the end of ``markdown``.
    """
    size = len(markdown)
    spans = sorted((size - start, size - end) for start, end in authored)
    blocks: list[str] = []
    pieces: list[str] = []
    position = 0
    for start, end in [*spans, (size, size)]:
        ours = markdown[position:start]
        pieces.append(_set_aside_in(ours, blocks, token, position > 0, end < size))
        authors = markdown[start:end]
        pieces.append(authors)
        if any(authors.count(fence) % 2 for fence in _FENCES):
            pieces.append(markdown[end:])  # a fence left open: what follows may be code
            return "".join(pieces), blocks
        position = end
    return "".join(pieces), blocks


def _set_aside_in(text: str, blocks: list[str], token: str, after: bool, before: bool) -> str:
    chunks = text.split("\n\n")
    depth = 0  # block-level tags left open by earlier chunks
    for number, chunk in enumerate(chunks):
        balance = 0
        for closing, _ in _BLOCK_TAG.findall(chunk):
            balance += -1 if closing else 1
        edge = (after and number == 0) or (before and number == len(chunks) - 1)
        if depth == 0 and balance == 0 and not edge and _passes_through(chunk):
            blocks.append(chunk)
            chunks[number] = f"{token}{len(blocks) - 1}x"
        depth += balance
    return "\n\n".join(chunks)


def _passes_through(chunk: str) -> bool:
    if not _BLOCK_TAG.match(chunk) or "markdown" in chunk:
        return False
    return all(line.startswith("<") for line in chunk.split("\n") if line)


def put_back(html: str, blocks: list[str], token: str) -> str | None:
    """The converted page with our blocks in place; ``None`` if any placeholder was changed."""
    if not blocks:
        return html
    found = 0

    def block(match: re.Match) -> str:
        nonlocal found
        found += 1
        return blocks[int(match[1])] + "\n"  # Markdown ends a raw block with a blank line

    restored = re.sub(rf"<p>{token}(\d+)x</p>", block, html)
    return restored.strip() if found == len(blocks) else None  # stripped, as Markdown's own
