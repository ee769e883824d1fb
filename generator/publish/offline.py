"""Offline copies: one self-contained HTML file per tier, for when the site is down.

``site/offline/l1.html`` … ``l4.html`` hold every runbook of their tier (as its
page shows it: escalation card, symptoms, steps) and the escalation matrix
with every ladder contact, styles and a small filter inline, so the file
opens from ``file://`` on a laptop with no network and asks for nothing
outside itself. Links between the runbooks in the file become links inside
it; images are inlined when small; other links point at the hosted site.

The copies are made from the built site's pages (the article of each), so
whatever engine built them, they show what the site shows. Deterministic:
the same site gives the same bytes.

A copy is keyed by a digest of exactly what it is made from (``_add_keys``):
its runbooks' places in it, the HTML of their pages and of the escalation
matrix, the images those pages may inline, the settings it prints and this
code. A rebuild takes the previous site's copy where the keys match, and
makes a copy from parts kept by page where they do not (``offline_reuse.py``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import posixpath
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..fork_map import fork_map
from ..model import Document, Tier
from ..packs import Digest, PackStore
from ..urls import OFFLINE_DIR, offline_uri
from .offline_reuse import CopyParts, CopyReuse, copy_code
from .offline_template import SCRIPT, STYLE, TEMPLATE

if TYPE_CHECKING:
    from ..check.catalog import Catalog

__all__ = [
    "OFFLINE_DIR",
    "CopyReuse",
    "offline_uri",
    "tiers_with_copies",
    "write_offline_copies",
]

MAX_IMAGE = 256 * 1024  # bytes; a larger image is named, not inlined
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*)</article>', re.DOTALL)
_DROP = re.compile(
    r"<script\b.*?</script>|<a class=\"headerlink\"[^>]*>.*?</a>"
    r"|<a [^>]*class=\"md-content__button[^\"]*\"[^>]*>.*?</a>"
    r"|<meta [^>]*>|<form\b.*?</form>",
    re.DOTALL,
)
_ATTR = re.compile(r'\b(href|src|id|for|aria-controls|aria-labelledby)="([^"]*)"')
_IMG = re.compile(r"<img\b[^>]*>")
_IMG_BYTES = re.compile(rb"<img\b[^>]*>")
_IMG_ATTR = re.compile(r'\b(src|alt)="([^"]*)"')


def tiers_with_copies(catalog: Catalog) -> list[Tier]:
    """The tiers that have runbooks, and so an offline copy."""
    have = {doc.tier for doc in catalog.runbooks}
    return [tier for tier in Tier if tier in have]


def _key(path: str) -> str:
    """A site path as a page's key: ``a/b/``, ``a/b/index.html``, ``a/b.html`` → ``a/b``."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    for end in ("/index.html", "index.html", ".html", "/"):
        if path.endswith(end):
            path = path[: -len(end)]
            break
    return path.strip("/")


def _page_file(site: Path, url: str) -> Path:
    return site / url / "index.html" if url.endswith("/") or not url else site / url


@dataclass
class _Context:
    site: Path
    page_url: str  # the site path of the page whose HTML is being rewritten
    prefix: str  # put before its ids, so that pages' ids never collide in one file
    anchors: dict[str, str]  # page key → its section's id in the file
    site_url: str

    def href(self, value: str) -> str:
        if value.startswith("#"):
            return f"#{self.prefix}{value[1:]}" if value[1:] else f"#{self.prefix}top"
        parts = urllib.parse.urlsplit(value)
        if parts.scheme or parts.netloc:
            return value  # mailto:, tel:, another site
        path = self._resolve(parts.path)
        key = _key(path)
        if key in self.anchors:
            anchor = self.anchors[key]
            return f"#{anchor}-{parts.fragment}" if parts.fragment else f"#{anchor}-top"
        target = path + (f"#{parts.fragment}" if parts.fragment else "")
        if self.site_url:
            return self.site_url.rstrip("/") + "/" + target
        return "../" + target  # the hosted site, from offline/

    def _resolve(self, path: str) -> str:
        base = "http://site/" + self.page_url
        return urllib.parse.urlsplit(urllib.parse.urljoin(base, path)).path.lstrip("/")

    def image_file(self, tag: str) -> tuple[str, str] | None:
        """The site path of the file an ``<img>`` tag may inline, and its media type."""
        parts = urllib.parse.urlsplit(html.unescape(dict(_IMG_ATTR.findall(tag)).get("src", "")))
        kind = _IMAGE_TYPES.get(posixpath.splitext(parts.path)[1].lower())
        if parts.scheme or parts.netloc or not kind:
            return None
        return urllib.parse.unquote(self._resolve(parts.path)), kind

    def image(self, tag: str) -> str:
        attrs = dict(_IMG_ATTR.findall(tag))
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        parts = urllib.parse.urlsplit(html.unescape(src))
        found = self.image_file(tag)
        inlined = _inlined(self.site / found[0]) if found is not None else None
        if found is not None and inlined is not None:
            kind, data = found[1], base64.b64encode(inlined).decode("ascii")
            return _IMG_ATTR.sub(
                lambda m: f'src="data:{kind};base64,{data}"' if m[1] == "src" else m[0], tag
            )
        shown = alt or posixpath.basename(parts.path) or "image"
        return f'<span class="offline-image">[image: {shown}]</span>'

    def rewrite(self, body: str) -> str:
        body = _DROP.sub("", body)
        body = _IMG.sub(lambda m: self.image(m[0]), body)

        def attr(match: re.Match) -> str:
            name, value = match[1], match[2]
            if name == "href":
                return f'href="{html.escape(self.href(html.unescape(value)), quote=True)}"'
            if name == "src":
                return match[0]  # images were dealt with above
            return f'{name}="{self.prefix}{value}"'

        return _ATTR.sub(attr, body)


def _page_bytes(site: Path, url: str) -> bytes | None:
    try:
        return _page_file(site, url).read_bytes()
    except OSError:
        return None


def _text(data: bytes | None) -> str | None:
    """A page's HTML as text, as ``Path.read_text`` reads it (newlines made ``\\n``)."""
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _article(text: str | None) -> str | None:
    found = _ARTICLE.search(text) if text is not None else None
    return found.group(1) if found else None


def _inlined(file: Path) -> bytes | None:
    """The bytes of an image file small enough to be inlined, else ``None``."""
    try:
        if file.is_file() and file.stat().st_size <= MAX_IMAGE:
            return file.read_bytes()
    except OSError:
        pass
    return None


def _anchor(doc: Document) -> str:
    return "rb-" + re.sub(r"[^a-z0-9]+", "-", doc.path.lower()).strip("-")


def _systems(catalog: Catalog, doc: Document) -> list[str]:
    return [catalog.systems[s].title for s in doc.systems if s in catalog.systems]


def _runbooks(catalog: Catalog, tier: Tier) -> list[Document]:
    def order(doc: Document) -> tuple:
        systems = _systems(catalog, doc)
        return (systems[0].lower() if systems else "~", doc.title.lower(), doc.path)

    return sorted((d for d in catalog.runbooks if d.tier is tier), key=order)


def _site_url(catalog: Catalog) -> str:
    return str(catalog.settings.raw.get("site_url") or "")


def _matrix_url(catalog: Catalog) -> str:
    return "escalation/" if catalog.settings.directory_urls else "escalation/index.html"


@dataclass
class _Inputs:
    """What one tier's copy is made from, read from the built site once, with keys."""

    tier: Tier
    runbooks: list[Document]  # in the copy's order
    anchors: dict[str, str]  # page key → its section's id in the copy
    pages: dict[str, PageSeen | None]  # site path → its page (the runbooks', the matrix's)
    parts: dict[str, str] = field(default_factory=dict)  # site path → its part's key
    key: str = ""  # the whole copy's


PageSeen = tuple[str, list[str]]  # a page's HTML: its digest, and its image tags


def _seen(site: Path, url: str, known: PackStore | None) -> PageSeen | None:
    """The digest and image tags of the page at ``url``; ``None`` if it has none.

    ``known`` keeps them by the file's identity, size and modification time: a
    rebuild's reused pages are the previous site's files, hard-linked, so their
    HTML (most of the site) is not read again."""
    path = _page_file(site, url)
    try:
        info = path.stat()
    except OSError:
        return None
    stamp = f"page {info.st_dev} {info.st_ino} {info.st_size} {info.st_mtime_ns}"
    found = known.get(stamp) if known is not None else None
    if found is not None:
        return found[0], list(found[1])
    data = _page_bytes(site, url)
    if data is None:
        return None
    seen = (
        Digest(data).hexdigest(),
        [t.decode("utf-8", "replace") for t in _IMG_BYTES.findall(data)],
    )
    if known is not None:
        known.put(stamp, seen)
    return seen


def _inputs(catalog: Catalog, tier: Tier, site: Path, known: PackStore | None = None) -> _Inputs:
    runbooks = _runbooks(catalog, tier)
    anchors = {_key(doc.url): _anchor(doc) for doc in runbooks}
    anchors[_key(_matrix_url(catalog))] = "matrix"
    urls = [doc.url for doc in runbooks] + [_matrix_url(catalog)]
    inputs = _Inputs(tier, runbooks, anchors, {url: _seen(site, url, known) for url in urls})
    _add_keys(catalog, inputs, site)
    return inputs


def _add_keys(catalog: Catalog, inputs: _Inputs, site: Path) -> None:
    """Digests of everything ``_copy`` makes a copy from. A part's: its page's whole HTML
    (more than the article it takes: never less), every image the page may inline, and
    what links are rewritten by (the tier's pages and anchors, the site's address). The
    copy's: its parts', and the settings, runbook titles and systems it prints."""
    settings = catalog.settings
    site_url = _site_url(catalog)
    base = Digest(copy_code(), site_url)
    for page, anchor in sorted(inputs.anchors.items()):
        base.add(page, anchor)
    base_key = base.hexdigest()
    for url, seen in inputs.pages.items():
        part = Digest(base_key, url, *((b"-",) if seen is None else (b"+", seen[0])))
        context = _Context(site, url, "", {}, site_url)
        for tag in seen[1] if seen is not None else ():
            found = context.image_file(tag)
            if found is not None:
                image = _inlined(site / found[0])
                part.add(found[0], *((b"-",) if image is None else (b"+", image)))
        inputs.parts[url] = part.hexdigest()
    key = Digest(base_key, settings.site_name, str(settings.directory_urls))
    key.add(catalog.today.isoformat(), inputs.tier.value, inputs.tier.label)
    for doc in inputs.runbooks:
        systems = _systems(catalog, doc)
        key.add(doc.path, doc.url, doc.title, str(len(systems)), *systems)
    inputs.key = key.add(*inputs.parts.values()).hexdigest()


def _prefixes(catalog: Catalog, inputs: _Inputs) -> dict[str, str]:
    """Each page's site path → what its ids start with in the copy."""
    found = {doc.url: inputs.anchors[_key(doc.url)] + "-" for doc in inputs.runbooks}
    return found | {_matrix_url(catalog): "matrix-"}


def _rewrite(site: Path, site_url: str, inputs: _Inputs, url: str, prefix: str) -> str | None:
    """The article of the page at ``url`` rewritten for the copy (``None``: it has none)."""
    article = _article(_text(_page_bytes(site, url)))
    if article is None:
        return None
    return _Context(site, url, prefix, inputs.anchors, site_url).rewrite(article)


def _rewrite_all(
    catalog: Catalog, todo: list[_Inputs], site: Path, parts: CopyParts | None, workers: int
) -> dict[str, str | None]:
    """Part key → the rewritten page, for every page of the copies in ``todo``: from
    ``parts`` where they hold it, the others rewritten (shared between ``workers``
    processes: the results come back in order, so any count gives the same copies)
    and added to them."""
    done: dict[str, str | None] = {}
    missing: list[tuple[_Inputs, str, str]] = []
    for inputs in todo:
        for url, prefix in _prefixes(catalog, inputs).items():
            key = inputs.parts[url]
            found = parts.part(key) if parts is not None else None
            if found is not None:
                done[key] = found
            elif key not in done:
                done[key] = None
                missing.append((inputs, url, prefix))
    site_url = _site_url(catalog)
    rewritten = fork_map(lambda job: _rewrite(site, site_url, *job), missing, workers)
    for (inputs, url, _), text in zip(missing, rewritten, strict=True):
        done[inputs.parts[url]] = text
        if parts is not None and text is not None:
            parts.put(inputs.parts[url], (text, 0))
    return done


def _copy(catalog: Catalog, inputs: _Inputs, done: dict[str, str | None]) -> str:
    settings = catalog.settings
    site_url = _site_url(catalog)
    sections, contents = [], []
    for doc in inputs.runbooks:
        anchor = inputs.anchors[_key(doc.url)]
        rewritten = done[inputs.parts[doc.url]]
        if rewritten is None:
            continue
        systems = ", ".join(_systems(catalog, doc))
        contents.append(
            f'<li><a href="#{anchor}-top">{html.escape(doc.title)}</a>'
            f"{' <small>' + html.escape(systems) + '</small>' if systems else ''}</li>"
        )
        sections.append(f'<section class="offline-runbook" id="{anchor}-top">{rewritten}</section>')
    matrix = done[inputs.parts[_matrix_url(catalog)]] or ""
    tier = inputs.tier
    title = f"{settings.site_name} · {tier.value} {tier.label} · offline copy"
    return TEMPLATE.format(
        lang="en",
        title=html.escape(title),
        site_name=html.escape(settings.site_name),
        tier=html.escape(f"{tier.value} · {tier.label}"),
        built=catalog.today.isoformat(),
        count=len(sections),
        hosted=html.escape(site_url or ("../" if settings.directory_urls else "../index.html")),
        contents="\n".join(contents),
        sections="\n".join(sections),
        matrix=matrix,
        style=STYLE,
        script=SCRIPT,
    )


def write_offline_copies(
    catalog: Catalog, site: Path, reuse: CopyReuse | None = None, *, workers: int = 1
) -> dict[str, dict]:
    """Write each tier's offline copy into the built ``site`` (taking the previous site's
    where ``reuse`` says it is the same, its parts where they are kept), rewriting
    pages in up to ``workers`` processes; each copy's site path, runbook count and
    SHA-256, for ``api/catalog.json``."""
    folder = site / OFFLINE_DIR
    tiers = tiers_with_copies(catalog)
    if tiers:
        folder.mkdir(parents=True, exist_ok=True)
    data: dict[Tier, bytes] = {}
    counts: dict[Tier, int] = {}
    todo: list[_Inputs] = []
    for tier in tiers:
        uri, inputs = offline_uri(tier), _inputs(catalog, tier, site, reuse and reuse.parts)
        counts[tier] = len(inputs.runbooks)
        if reuse is not None and reuse.take(uri, inputs.key, site / uri):
            reuse.parts.keep(list(inputs.parts.values()))
            data[tier] = (site / uri).read_bytes()
        else:
            todo.append(inputs)
    done = _rewrite_all(catalog, todo, site, reuse.parts if reuse else None, workers)
    for inputs in todo:
        data[inputs.tier] = _copy(catalog, inputs, done).encode("utf-8")
        (site / offline_uri(inputs.tier)).write_bytes(data[inputs.tier])
    if reuse is not None:
        reuse.parts.save()
    written: dict[str, dict] = {}
    for tier in tiers:
        written[tier.slug] = {
            "url": offline_uri(tier),
            "runbooks": counts[tier],
            "sha256": hashlib.sha256(data[tier]).hexdigest(),
        }
    return written
