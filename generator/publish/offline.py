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
"""

from __future__ import annotations

import base64
import hashlib
import html
import posixpath
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Document, Tier
from ..urls import OFFLINE_DIR, offline_uri

if TYPE_CHECKING:
    from ..check.catalog import Catalog

__all__ = ["OFFLINE_DIR", "offline_uri", "tiers_with_copies", "write_offline_copies"]

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

    def image(self, tag: str) -> str:
        found = dict(_IMG_ATTR.findall(tag))
        src, alt = found.get("src", ""), found.get("alt", "")
        parts = urllib.parse.urlsplit(html.unescape(src))
        kind = _IMAGE_TYPES.get(posixpath.splitext(parts.path)[1].lower())
        if not parts.scheme and not parts.netloc and kind:
            file = self.site / urllib.parse.unquote(self._resolve(parts.path))
            try:
                if file.is_file() and file.stat().st_size <= MAX_IMAGE:
                    data = base64.b64encode(file.read_bytes()).decode("ascii")
                    return _IMG_ATTR.sub(
                        lambda m: f'src="data:{kind};base64,{data}"' if m[1] == "src" else m[0],
                        tag,
                    )
            except OSError:
                pass
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


def _article(site: Path, url: str) -> str | None:
    try:
        text = _page_file(site, url).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _ARTICLE.search(text)
    return found.group(1) if found else None


def _anchor(doc: Document) -> str:
    return "rb-" + re.sub(r"[^a-z0-9]+", "-", doc.path.lower()).strip("-")


def _runbooks(catalog: Catalog, tier: Tier) -> list[Document]:
    def order(doc: Document) -> tuple:
        systems = [catalog.systems[s].title for s in doc.systems if s in catalog.systems]
        return (systems[0].lower() if systems else "~", doc.title.lower(), doc.path)

    return sorted((d for d in catalog.runbooks if d.tier is tier), key=order)


def _copy(catalog: Catalog, tier: Tier, site: Path) -> str:
    settings = catalog.settings
    site_url = str(settings.raw.get("site_url") or "")
    runbooks = _runbooks(catalog, tier)
    anchors = {_key(doc.url): _anchor(doc) for doc in runbooks}
    matrix_url = "escalation/" if settings.directory_urls else "escalation/index.html"
    anchors[_key(matrix_url)] = "matrix"
    sections, contents = [], []
    for doc in runbooks:
        anchor = anchors[_key(doc.url)]
        article = _article(site, doc.url)
        if article is None:
            continue
        rewritten = _Context(site, doc.url, anchor + "-", anchors, site_url).rewrite(article)
        systems = ", ".join(catalog.systems[s].title for s in doc.systems if s in catalog.systems)
        contents.append(
            f'<li><a href="#{anchor}-top">{html.escape(doc.title)}</a>'
            f"{' <small>' + html.escape(systems) + '</small>' if systems else ''}</li>"
        )
        sections.append(f'<section class="offline-runbook" id="{anchor}-top">{rewritten}</section>')
    matrix = _article(site, matrix_url) or ""
    matrix = _Context(site, matrix_url, "matrix-", anchors, site_url).rewrite(matrix)
    title = f"{settings.site_name} · {tier.value} {tier.label} · offline copy"
    return _TEMPLATE.format(
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
        style=_STYLE,
        script=_SCRIPT,
    )


def write_offline_copies(catalog: Catalog, site: Path) -> dict[str, dict]:
    """Write each tier's offline copy into the built ``site``; each copy's site path,
    runbook count and SHA-256, for ``api/catalog.json``."""
    folder = site / OFFLINE_DIR
    written: dict[str, dict] = {}
    tiers = tiers_with_copies(catalog)
    if tiers:
        folder.mkdir(parents=True, exist_ok=True)
    for tier in tiers:
        data = _copy(catalog, tier, site).encode("utf-8")
        (site / offline_uri(tier)).write_bytes(data)
        written[tier.slug] = {
            "url": offline_uri(tier),
            "runbooks": len(_runbooks(catalog, tier)),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    return written


_STYLE = """
:root{color-scheme:light dark;--fg:#1b1b1f;--bg:#fff;--muted:#52525b;--line:#d4d4d8;
--accent:#283593;--card:#fff7ed;--cardline:#c2410c}
@media (prefers-color-scheme:dark){:root{--fg:#e4e4e7;--bg:#18181b;--muted:#a1a1aa;
--line:#3f3f46;--accent:#9fa8da;--card:#2a1d12;--cardline:#fb923c}}
*{box-sizing:border-box}body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.5
system-ui,sans-serif;color:var(--fg);background:var(--bg)}a{color:var(--accent);
text-decoration:underline}code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{overflow-x:auto;padding:.75rem;border:1px solid var(--line);border-radius:4px;
break-inside:avoid}table{border-collapse:collapse;width:100%}th,td{border:1px solid
var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}header{border-bottom:2px
solid var(--accent);margin-bottom:1rem}.offline-note{color:var(--muted)}
.offline-runbook{border-top:1px solid var(--line);padding-top:1rem;margin-top:2rem}
.opskb-escalate{background:var(--card);border-left:4px solid var(--cardline);
padding:.5rem 1rem}.opskb-badge,.opskb-chip,.opskb-tag{display:inline-block;
border:1px solid var(--line);border-radius:3px;padding:0 .3rem;margin-right:.2rem;
font-size:.85em}.opskb-facts{font-size:.9em;color:var(--muted)}.opskb-fact{margin-right:1rem}
#offline-filter{width:100%;font-size:1rem;padding:.5rem;border:2px solid var(--accent);
border-radius:4px;background:var(--bg);color:var(--fg)}#offline-filter:focus{outline:3px
solid var(--cardline);outline-offset:2px}svg{max-width:none}.offline-scroll{overflow-x:auto}
[hidden]{display:none!important}
@media print{#offline-search,nav.offline-contents{display:none}.offline-runbook{
break-before:page}a{color:inherit}@page{@bottom-right{content:counter(page)}}}
"""

_SCRIPT = """
(function () {
  var box = document.getElementById("offline-filter");
  var status = document.getElementById("offline-status");
  var sections = Array.prototype.slice.call(document.querySelectorAll(".offline-runbook"));
  var items = Array.prototype.slice.call(document.querySelectorAll("nav.offline-contents li"));
  var texts = sections.map(function (s) { return s.textContent.toLowerCase(); });
  box.hidden = false;
  document.getElementById("offline-search").hidden = false;
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    sections.forEach(function (section, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      section.hidden = !match;
      if (items[i]) { items[i].hidden = !match; }
      if (match) { shown += 1; }
    });
    status.textContent = words.length ? shown + " of " + sections.length + " runbooks match" : "";
  });
})();
"""

_TEMPLATE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{site_name}: {tier} runbooks</h1>
<p class="offline-note">Offline copy, built {built}: {count} runbooks and the escalation matrix. \
It may be out of date: when the site is back, use <a href="{hosted}">the site</a>.</p>
</header>
<div id="offline-search" role="search" hidden>
<label for="offline-filter">Filter runbooks (symptom, system, words of a step)</label>
<input id="offline-filter" type="search" autocomplete="off" hidden>
<p id="offline-status" role="status" aria-live="polite"></p>
</div>
<nav class="offline-contents" aria-label="Runbooks in this copy">
<h2>Runbooks</h2>
<ol>
{contents}
</ol>
<p><a href="#matrix-top">Escalation matrix and contacts</a></p>
</nav>
<main>
{sections}
<section class="offline-matrix" id="matrix-top">
<div class="offline-scroll">{matrix}</div>
</section>
</main>
<script>{script}</script>
</body>
</html>
"""
