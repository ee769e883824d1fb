"""Other tools' Markdown flavours, read as their authors meant them.

Existing runbook repositories are written for Hugo, GitLab or GitHub; adopted
unedited, their pages must not show ``{{< … >}}`` or ``[[_TOC_]]`` raw. Two
steps, both plain text to plain Markdown that any engine converts:

- :func:`read_flavours`, where a document is read, keeps every line where it
  was (so problems and links keep their line numbers): Hugo ``ref``/``relref``
  become the path they name, for the link scanner to check and rewrite like
  any link; GitLab's ``[[_TOC_]]`` and ``[TOC]`` go (the theme shows the page's
  contents beside it); ``<details>`` blocks get their Markdown rendered; any
  other shortcode is reported and shown as nothing.
- :func:`expand_blocks`, before the page is rendered, turns Hugo's block
  shortcodes into blocks: ``hint`` an admonition, ``details`` a collapsible
  block, ``tabs``/``tab`` headed sections.

Fenced code is left as written: shortcodes in code samples are the sample.
"""

from __future__ import annotations

import html
import posixpath
import re

from ..problems import Problems
from .markdown_lines import lines_outside_code

__all__ = ["expand_blocks", "read_flavours"]

# `{{< name args >}}` or `{{% name args %}}`, closing `{{< /name >}}`. No character class
# runs into another `{` or `}`, so scanning a hostile line stays linear.
_SHORTCODE = re.compile(r"\{\{([<%])[ \t]*(/?)[ \t]*([A-Za-z][\w.-]*)([^{}\n]*?)[ \t]*[>%]\}\}")
_ARGUMENT = re.compile(r'(?:([\w-]+)=)?(?:"([^"\n]*)"|\'([^\'\n]*)\'|([^\s"\']+))')
_TOC_MARKER = re.compile(r"^[ \t]*(?:\[\[_TOC_\]\]|\[TOC\])[ \t]*$")
# a <details> or <summary> tag (at a line's start) that does not say how to read its content
_DETAILS = re.compile(r"(^[ \t]*<details|<summary)(?=[\s>])(?![^>\n]*\bmarkdown=)", re.IGNORECASE)
_LINKS = frozenset({"ref", "relref"})
_BLOCKS = frozenset({"hint", "details", "tabs", "tab"})
_HINTS = {"info": "info", "warning": "warning", "danger": "danger", "tip": "tip", "note": "note"}


def _arguments(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named arguments."""
    positional, named = [], {}
    for match in _ARGUMENT.finditer(text):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        if match.group(1):
            named[match.group(1)] = value
        else:
            positional.append(value)
    return positional, named


def _ref_target(arguments: str) -> str:
    """The path a ``ref``/``relref`` names, as a relative Markdown link's target."""
    positional, _ = _arguments(arguments)
    target = positional[0] if positional else ""
    path, sep, anchor = target.partition("#")
    if path and not posixpath.splitext(path.rstrip("/"))[1]:
        path = path.rstrip("/") + ".md"  # Hugo finds `x` as x.md
    return path + sep + anchor


def read_flavours(body: str, path: str, first_line: int, problems: Problems) -> str:
    """``body`` with Hugo links, TOC markers and ``<details>`` read (see above), line for line.

    Shortcodes it does not know are reported as warnings on ``path``'s line.
    """
    if "{{" not in body and "TOC" not in body and "<details" not in body.lower():
        # nothing of another flavour in it (a <summary> outside <details> means nothing)
        return body
    lines = body.split("\n")
    inside = [False] * len(lines)
    for offset, _, in_code in lines_outside_code(body):
        inside[offset] = in_code
    for offset, line in enumerate(lines):
        if inside[offset]:
            continue
        if _TOC_MARKER.match(line):
            lines[offset] = ""
            continue
        if "{{" in line:
            line = _SHORTCODE.sub(
                lambda m, n=first_line + offset: _inline(m, path, n, problems), line
            )
        if "<details" in line.lower() or "<summary" in line.lower():
            line = _DETAILS.sub(_markdown_inside, line)
        lines[offset] = line
    _unwrap_details(lines, inside)
    return "\n".join(lines)


def _inline(match: re.Match, path: str, line: int, problems: Problems) -> str:
    name = match.group(3).lower()
    if name in _LINKS and not match.group(2):
        return _ref_target(match.group(4))
    if name in _BLOCKS:
        return match.group(0)  # made a block by expand_blocks
    problems.warning(
        path,
        line,
        f"shortcode '{match.group(0)}' is not one opskb reads; it is left out of the page",
        "write it as Markdown; opskb reads Hugo's ref, relref, hint, details, tabs and tab",
        code="unknown-shortcode",
    )
    return ""


def _markdown_inside(match: re.Match) -> str:
    span = match.group(1).lower().endswith("summary")
    return match.group(1) + (' markdown="span"' if span else ' markdown="1"')


def _unwrap_details(lines: list[str], inside: list[bool]) -> None:
    """A ``<p>`` line around a ``<details>`` block (GitLab's habit) made blank: HTML closes a
    paragraph before ``<details>``, and Markdown would keep the block raw inside it."""
    for offset in range(len(lines) - 1):
        if inside[offset] or inside[offset + 1]:
            continue
        here, after = lines[offset].strip().lower(), lines[offset + 1].strip().lower()
        if here == "<p>" and after.startswith("<details"):
            lines[offset] = ""
        elif here == "</details>" and after == "</p>":
            lines[offset + 1] = ""


def expand_blocks(body: str) -> str:
    """``body`` with Hugo's ``hint``, ``details`` and ``tabs`` shortcodes as blocks."""
    if "{{" not in body:
        return body
    out = []
    for _, line, in_code in lines_outside_code(body):
        out.append(line if in_code or "{{" not in line else _SHORTCODE.sub(_block, line))
    return "\n".join(out)


def _block(match: re.Match) -> str:
    name, closing = match.group(3).lower(), bool(match.group(2))
    positional, named = _arguments(match.group(4))
    if name == "hint":
        if closing:
            return "\n\n</div>\n\n"
        kind = _HINTS.get((positional or [named.get("type", "")])[0].lower(), "note")
        return f'\n\n<div class="admonition {kind}" markdown="1">\n\n'
    if name == "details":
        if closing:
            return "\n\n</details>\n\n"
        title = named.get("title") or (positional[0] if positional else "Details")
        shown = " open" if "open" in positional or named.get("open") == "true" else ""
        summary = html.escape(title, quote=True)
        return f'\n\n<details markdown="1"{shown}>\n<summary>{summary}</summary>\n\n'
    if name == "tab" and not closing:
        title = named.get("name") or (positional[0] if positional else "")
        return f"\n\n<p><strong>{html.escape(title, quote=True)}</strong></p>\n\n"
    if name in ("tab", "tabs"):
        return "\n\n"
    return match.group(0)
