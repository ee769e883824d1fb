"""Links: authors link documents as files sit in the repository; pages sit elsewhere.

A link in ``content/incidents/x.md`` to ``../../runbooks/vpn/reset.md`` is
right in an editor, but the page tree drops ``content/``. Every relative link
is resolved against the source tree, checked, and rewritten to the page tree,
so links work in the editor, on the forge and on the site alike.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from .catalog import Catalog
from .problems import Problems

__all__ = ["lines_outside_code", "rewrite_links", "virtual_path"]

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# No character class below can run into the next link's opening bracket, so
# matching stays linear on hostile lines ("[[[[…", "[a](" × 100,000).
_INLINE = re.compile(r"(!?\[[^\[\]\n]*\]\()(<[^<>\n]+>|[^()\s]+)((?:[ \t]+\"[^\"\n]*\")?\))")
_REFDEF = re.compile(r"^([ \t]{0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]+>|\S+)(.*)$")
_CODE_SPAN = re.compile(r"`+[^`\n]*`+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def virtual_path(path: str, content_dir: str) -> str:
    """Where a source file sits in the site's page tree."""
    prefix = content_dir.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path


def _rewrite_target(
    target: str, doc_path: str, doc_uri: str, catalog: Catalog, problems: Problems, line: int
) -> str:
    bare = target[1:-1] if target.startswith("<") else target
    if not bare or bare.startswith(("#", "/")) or _SCHEME.match(bare):
        return target
    path_part, sep, anchor = bare.partition("#")
    path_part, qsep, query = path_part.partition("?")
    if not path_part:
        return target
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), path_part))
    content_dir = catalog.settings.content_dir
    if resolved == ".." or resolved.startswith("../"):
        problems.warning(
            doc_path,
            line,
            f"link '{bare}' leaves the knowledge base",
            "link to a document inside the knowledge base, or use a full URL",
            code="link-outside",
        )
        return target
    if resolved.endswith(".md"):
        doc = catalog.by_path.get(resolved)
        if doc is None:
            problems.warning(
                doc_path,
                line,
                f"link '{bare}' points to a missing document",
                "fix the path; links are relative to this file",
                code="broken-link",
            )
            return target
        if doc.path not in catalog.published_paths:
            problems.warning(
                doc_path,
                line,
                f"link '{bare}' points to a draft, which the site leaves out",
                "publish the draft or remove the link",
                code="link-to-draft",
            )
            return target
        new_target = doc.src_uri
    else:
        if not (catalog.settings.root / resolved).exists():
            problems.warning(
                doc_path,
                line,
                f"link '{bare}' points to a missing file",
                "fix the path; links are relative to this file",
                code="broken-link",
            )
            return target
        new_target = virtual_path(resolved, content_dir)
    rel = posixpath.relpath(new_target, posixpath.dirname(doc_uri) or ".")
    rel += (qsep + query) + (sep + anchor)
    return f"<{rel}>" if target.startswith("<") else rel


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


def _rewrite_body(
    body: str, first_line: int, doc_path: str, doc_uri: str, catalog: Catalog, problems: Problems
) -> str:
    if "](" not in body and "]:" not in body:
        return body  # nothing that could be a link
    out = []
    for offset, line, in_code in lines_outside_code(body):
        if in_code or ("](" not in line and "]:" not in line):
            out.append(line)
            continue
        number = first_line + offset

        def inline(m: re.Match, number=number) -> str:
            new = _rewrite_target(m.group(2), doc_path, doc_uri, catalog, problems, number)
            return m.group(1) + new + m.group(3)

        spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(line)]

        def outside_code(m: re.Match, spans=spans, inline=inline) -> str:
            if any(s <= m.start() < e for s, e in spans):
                return m.group(0)
            return inline(m)

        line = _INLINE.sub(outside_code, line)
        ref = _REFDEF.match(line)
        if ref:
            new = _rewrite_target(ref.group(2), doc_path, doc_uri, catalog, problems, number)
            line = ref.group(1) + new + ref.group(3)
        out.append(line)
    return "\n".join(out)


def rewrite_links(catalog: Catalog, problems: Problems) -> dict[str, str]:
    """Each document's body with its relative links pointing into the page tree."""
    return {
        doc.path: _rewrite_body(doc.body, doc.body_line, doc.path, doc.src_uri, catalog, problems)
        for doc in catalog.documents
    }
