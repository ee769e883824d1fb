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
block-level tags are balanced, they do not ask for Markdown inside
(``markdown`` attribute), and every HTML block still open round them asks for
Markdown as blocks (``<div markdown>``: a large playbook's entries). There
md_in_html parses a raw child into elements and writes it again, so only
what it would write back as it is (every attribute double-quoted, in
alphabetical order; no heading, which would join the page's contents) is set
aside. Everything else is left for the engine, so the HTML is the same
either way.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["new_token", "put_back", "set_aside"]

_BLOCK_TAG = re.compile(r"<(/?)(div|table|ul|ol|dl|p|details|section|h[1-6])\b([^>]*)")
#: tags whose ``markdown`` attribute makes md_in_html parse their content as blocks
_MARKDOWN_BLOCKS = {"div", "details", "section"}
_HEADING = re.compile(r"<h[1-6]\b")
_START_TAG = re.compile(r"<[a-z][a-z0-9]*((?:\s[^>]*)?)>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="[^"]*"')
_MARKDOWN_ATTR = re.compile(r'\smarkdown(?:\s*=\s*"(?:1|block)")?(?:\s|/|$)')
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
    # block-level tags left open by earlier chunks: does each parse its content as blocks?
    open_tags: list[bool] = []
    for number, line_breaks in enumerate(chunks):
        chunk = line_breaks.lstrip("\n")  # a chunk after two blank lines starts with one
        tags = _BLOCK_TAG.findall(chunk)
        balance = sum(-1 if closing else 1 for closing, _, _ in tags)
        edge = (after and number == 0) or (before and number == len(chunks) - 1)
        if (
            all(open_tags)
            and balance == 0
            and not edge
            and _passes_through(chunk)
            and (not open_tags or _as_md_in_html_writes(chunk))
        ):
            blocks.append(chunk)
            # md_in_html ends a raw child with a line break, Markdown a raw block with two
            kind = "y" if open_tags else "x"
            chunks[number] = f"{line_breaks[: -len(chunk)]}{token}{len(blocks) - 1}{kind}"
            continue
        for closing, name, attributes in tags:
            if not closing:
                asks = _MARKDOWN_ATTR.search(attributes) is not None
                open_tags.append(asks and name in _MARKDOWN_BLOCKS)
            elif open_tags:
                open_tags.pop()
            else:
                open_tags.append(False)  # more closed than opened: leave the rest alone
    return "\n\n".join(chunks)


def _as_md_in_html_writes(chunk: str) -> bool:
    """Would md_in_html give back a chunk inside ``<div markdown>`` as it is?

    It parses the chunk into elements and writes them again: every attribute
    quoted, in alphabetical order, and a heading in the page's contents.
    """
    if _HEADING.search(chunk):
        return False
    for attributes in _START_TAG.findall(chunk):
        names = _ATTRIBUTE.findall(attributes)
        if names != sorted(names) or _ATTRIBUTE.sub("", attributes).strip(" /"):
            return False
    return True


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
        return blocks[int(match[1])] + ("\n" if match[2] == "x" else "")

    restored = re.sub(rf"<p>{token}(\d+)([xy])</p>", block, html)
    return restored.strip() if found == len(blocks) else None  # stripped, as Markdown's own
