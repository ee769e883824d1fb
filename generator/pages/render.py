"""Rendering: Jinja templates that write Markdown pages, with escaping built in.

Every value a template prints is escaped for both HTML and Markdown unless it
is marked trusted (``Markup``): front-matter text can never become markup, a
link, a table cell break or a template expression. Authors' Markdown bodies
are passed as trusted; they may hold HTML by design.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import posixpath
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..model import Document
from ..urls import _relpath, page_url, relative_url
from .memo import Derive, MemoPass, Rendered

__all__ = [
    "Page",
    "bytecode_cache",
    "doc_link",
    "escape_md",
    "header_meta",
    "md_link",
    "page_header",
    "page_url",
    "relative_url",
    "render_marked",
    "render_template",
    "safe_external_url",
]

TEMPLATES = Path(__file__).parent / "templates"

# Characters that HTML, Markdown or its extensions would read as syntax, as entities.
# One table, one pass: escaping HTML first and Markdown second would mangle entities.
_MD_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "|": "&#124;",
    "#": "&#35;",
    "{": "&#123;",
    "}": "&#125;",
    "~": "&#126;",
    "^": "&#94;",
    "=": "&#61;",
    "+": "&#43;",
    "$": "&#36;",
}
# C0 controls that are not whitespace mean nothing in a page (HTML shows U+FFFD for NUL):
# shown as U+FFFD, so none reaches the page, Markdown's placeholders or our markers
_CONTROLS = {chr(c): "\ufffd" for c in range(0x20) if not chr(c).isspace()}
_CONTROL_TABLE = str.maketrans(_CONTROLS)
_MD_TABLE = str.maketrans({**_MD_ENTITIES, **_CONTROLS})
_SYNTAX = re.compile("[" + re.escape("".join([*_MD_ENTITIES, *_CONTROLS])) + "]")
# the same names, teams, labels and dates are printed on page after page: escaped
# once, kept by the value printed (text or a date: equal values of either print alike)
_ESCAPED: dict[str | dt.date, str] = {}
_ESCAPED_MAX = 50_000
_SPACES = re.compile(r"\s(?<! )|  |^ | $")  # any whitespace but single inner spaces
# Brackets authors' Markdown while a template renders; made anew by each process, so
# no text reaching a page by any path holds it (a marker in text would vanish with it,
# and move where authors' Markdown lies)
AUTHORED = f"\x00authored-{secrets.token_hex(8)}\x00"
# Markup of text known to need no escaping, made without Markup's own constructor (a
# Python call that looks for ``__html__``): for the link printed on page after page
_trusted = functools.partial(str.__new__, Markup)


def escape_md(value: Any) -> str:
    """Text safe to place anywhere in Markdown or HTML, shown exactly as written."""
    kind = type(value)
    if kind is str or kind is dt.date:
        escaped = _ESCAPED.get(value)
        if escaped is not None:
            return escaped
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M UTC")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    escaped = " ".join(text.split()) if _SPACES.search(text) else text
    # most printed values (names, counts, dates) hold no syntax: nothing to translate
    escaped = escaped.translate(_MD_TABLE) if _SYNTAX.search(escaped) else escaped
    if len(_ESCAPED) >= _ESCAPED_MAX:
        _ESCAPED.clear()
    _ESCAPED[value if kind is str or kind is dt.date else text] = escaped
    return escaped


def _finalize(value: Any) -> str:
    """Every value a template prints: trusted ``Markup`` as it is, anything else escaped.

    The environment does not autoescape: this is the one escape, so a value is
    never wrapped twice, and Jinja's own filters (``join``, say) give plain
    text that is escaped here for Markdown as well as HTML.
    """
    kind = type(value)
    if kind is str or kind is dt.date:  # most values: printed before, escaped already
        escaped = _ESCAPED.get(value)
        if escaped is not None:
            return escaped
    return value if isinstance(value, Markup) else escape_md(value)


@jinja2.pass_context
def _href(context: Any, target_uri: str) -> Markup:
    """Filter: the URL of the page written from ``target_uri``, from the page being rendered.

    For links in our own HTML blocks, which the engine passes through as
    they are (it rewrites only Markdown links). The page's ``here`` and
    ``directory_urls`` are read from the values it was rendered with.
    """
    given = context.parent
    directory_urls = given["directory_urls"]
    url = relative_url(page_url(target_uri, directory_urls), given["here"], directory_urls)
    return _trusted(url)  # quoted: nothing in it for HTML to escape


@jinja2.pass_context
def _url(context: Any, target: str) -> Markup:
    """Filter: a link to a site path (an asset, say) from the page being rendered."""
    given = context.parent
    return Markup(relative_url(target, given["here"], given["directory_urls"]))


@dataclass
class Page:
    """A rendered page: where it goes in the page tree, and its Markdown."""

    src_uri: str
    markdown: str
    title: str
    source: str | None = None  # the source document's path, if any
    # Where authors' Markdown lies in ``markdown``: (start, end) pairs counted back from
    # its end (an engine may strip the front matter); everything else is ours.
    authored: tuple[tuple[int, int], ...] = ()


def _format_minutes(minutes: int | float | None) -> str:
    if minutes is None:
        return "—"
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


def _duration(value: dt.timedelta | None) -> str:
    return _format_minutes(value.total_seconds() / 60 if value is not None else None)


@functools.cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, kept between processes in the user's private temporary folder
    (Jinja's own, checked to be theirs alone; never the knowledge base's cache folder,
    whose files anyone committing them could plant). Compiling the theme's and our
    templates took ~0.9 s of every build process."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


_INCLUDE = re.compile(r'{% include "(_[^"]+)" %}')  # of a partial: its name starts with _


class _SplicingLoader(jinja2.FileSystemLoader):
    """Templates with each ``{% include "_part" %}`` of a partial replaced by its text.

    An include makes a new context at every render (a tenth of a document
    page's time); spliced, a partial is compiled into each template using it
    and sees the same names. Partials set no names of their own.
    """

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return _INCLUDE.sub(lambda m: self._part(environment, m[1]), source), filename, uptodate

    def _part(self, environment: jinja2.Environment, name: str) -> str:
        # Included, a partial's output keeps its last newline and trim_blocks drops the
        # one after the include tag; spliced, that newline of the tag's line takes the
        # place of the partial's own.
        return self.get_source(environment, name)[0].removesuffix("\n")


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_SplicingLoader(str(TEMPLATES)),
        bytecode_cache=bytecode_cache(),
        auto_reload=False,  # package files: no look-up of their times at every page
        autoescape=False,  # _finalize escapes every value printed
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    # none of Jinja's default globals (range, dict, …) is used: without them, no render
    # copies them into its context
    env.globals.clear()
    env.filters["minutes"] = _format_minutes
    env.filters["duration"] = _duration
    env.filters["json"] = lambda v: Markup(json.dumps(v, ensure_ascii=False))
    env.filters["url"] = _url
    env.filters["href"] = _href
    env.filters["link"] = lambda target, here: Markup(md_link(target, here))
    env.filters["safe_url"] = safe_external_url
    env.filters["authored"] = _authored
    return env


def safe_external_url(value: Any) -> Markup:
    """An http(s) URL as an attribute value; anything else becomes ``#``."""
    text = str(value or "").strip()
    if not text.lower().startswith(("http://", "https://")):
        return Markup("#")
    return Markup(escape_md(quote(text, safe=":/?#[]@!$&'()*+,;=%-._~")))


def render_template(name: str, memo: MemoPass | None, /, **context: Any) -> str:
    return render_marked(name, memo, **context)[0]


def render_marked(
    name: str, memo: MemoPass | None, derive: Derive | None = None, /, **context: Any
) -> Rendered:
    """A template's Markdown, and where the authors' Markdown it holds lies (see ``Page``).

    Templates mark authors' Markdown with the ``authored`` filter. Through
    ``memo`` (the pass of ``render_site``), a context seen before is not rendered
    again. ``derive`` gives more values worked out from ``context`` alone (a
    runbook's ticket note from its body, say): it is called only when the
    template is rendered, never for a context the memo holds. (Positional
    parameters: a template may be given values of any name.)
    """
    if memo is not None:
        return memo.render(name, context, _render_marked, derive)
    return _render_marked(name, {**context, **derive(context)} if derive else context)


def _render_marked(name: str, context: dict[str, Any]) -> Rendered:
    parts = _env().get_template(name).render(**context).split(AUTHORED)
    text = "".join(parts)
    if len(parts) % 2 == 0:  # a marker in an author's text: call all of it theirs
        return text, ((len(text), 0),)
    spans, position = [], 0
    for number, part in enumerate(parts):
        if number % 2:
            spans.append((len(text) - position, len(text) - position - len(part)))
        position += len(part)
    return text, tuple(spans)


def _authored(value: Any) -> Markup:
    """Filter: an author's Markdown, printed as written and marked as theirs."""
    return Markup(f"{AUTHORED}{value}{AUTHORED}")


def page_header(title: str, **meta: Any) -> str:
    """The YAML front matter of a generated page.

    The title is HTML-escaped (its control characters shown as U+FFFD) because
    MkDocs themes print ``page.meta.title`` unescaped; our generated front matter
    is always present so MkDocs never mistakes a body's leading ``Key: value``
    lines for metadata.
    """
    shown = html.escape(" ".join(title.split()), quote=True).translate(_CONTROL_TABLE)
    lines = ["---", _meta_line("title", shown)]
    lines += [(_text_line if type(v) is str else _meta_line)(k, v) for k, v in meta.items()]
    return "\n".join([*lines, "---", ""])


def _meta_line(key: str, value: Any) -> str:
    return f"{key}: {_yaml_safe(json.dumps(value, ensure_ascii=False))}"


_text_line = functools.lru_cache(maxsize=256)(_meta_line)  # kinds and tiers, page after page


# Characters JSON leaves as they are but a YAML reader refuses (DEL, C1 controls, …);
# written as the \u escapes both read alike.
_NOT_YAML = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _yaml_safe(text: str) -> str:
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def header_meta(markdown: str) -> dict[str, Any]:
    """The metadata ``page_header`` wrote at the start of ``markdown``, read back as an
    engine's YAML reader reads it (each value is JSON, which YAML reads alike)."""
    lines = iter(markdown.split("\n", 64))
    meta: dict[str, Any] = {}
    if next(lines, None) != "---":
        return meta
    for line in lines:
        if line == "---":
            break
        key, _, value = line.partition(": ")
        meta[key] = json.loads(value)
    return meta


def md_link(target_uri: str, here: str) -> str:
    """The relative Markdown path from page ``here`` to page ``target_uri`` (both .md).

    Markdown links to ``.md`` files let the engine check them and write the
    final URL, whatever its URL style.
    """
    relative = _relpath(target_uri, posixpath.dirname(here))
    return quote(relative, safe="/.-_~")  # '#', '?', '%' in file names too; MkDocs unquotes


def doc_link(doc: Document, here: str) -> Markup:
    """A Markdown link to a document's page, its title escaped."""
    return Markup(f"[{escape_md(doc.title)}]({md_link(doc.src_uri, here)})")
