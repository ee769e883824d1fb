"""The in-browser search index: Pagefind, built from our search records.

Material's built-in search ships one index file holding every page and
builds it in the browser: measured at 5.8 MB and 7–12 s to a first result
for 1,000 synthetic documents (see ``opskb.search.bench``), and ten times
the size at 10,000. Pagefind writes its index in small fragments that the
browser fetches only for the words typed, and supports filters, so the
``search/`` page stays fast at any size and needs no server.

Each published document is fed to Pagefind as a small HTML page of its own
(title, symptoms weighted highest, tags, body) with tier, system and kind as
filters; nothing is read back from the rendered site, so the index does not
depend on the theme. All text is HTML-escaped on the way in.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .pagefind_files import canonicalise_filters
from .records import SearchRecord

__all__ = [
    "BUNDLE_DIR",
    "SiteIndexError",
    "record_html",
    "records_digest",
    "reuse_site_index",
    "write_site_index",
]

BUNDLE_DIR = "pagefind"  # below the site folder
RECORDS_FILE = ".opskb-records"  # in the bundle: the fingerprint of what it indexes


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def record_html(record: SearchRecord) -> str:
    """A document as the page Pagefind indexes: weights, filters and result metadata."""
    facets = [f"tier={record.tier}"] if record.tier else []
    facets += [f"kind={record.kind}"] + [f"system={s}" for s in record.systems]
    meta = [f"kind:{record.kind}"] + ([f"tier:{record.tier}"] if record.tier else [])
    if record.systems:
        meta.append("systems:" + " ".join(record.systems))
    if record.date:
        meta.append(f"date:{record.date}")
    parts = [
        '<html lang="en"><head><meta charset="utf-8"></head><body>',
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-meta="title" data-pagefind-weight="8">{_e(record.title)}</h1>',
        *(f'<span data-pagefind-filter="facet:{_e(f)}"></span>' for f in facets),
        *(f'<span data-pagefind-meta="{_e(m)}"></span>' for m in meta),
    ]
    if record.symptoms:
        items = "".join(f"<li>{_e(s)}</li>" for s in record.symptoms)
        parts.append(f'<ul data-pagefind-weight="10">{items}</ul>')
    if record.tags:
        parts.append(f'<p data-pagefind-weight="4">{_e(" ".join(record.tags))}</p>')
    parts.append(f"<p>{_e(record.body)}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


class SiteIndexError(Exception):
    """Pagefind could not write the index (its message says why)."""


def write_site_index(records: Iterable[SearchRecord], site_dir: Path) -> Path:
    """Write the Pagefind bundle into ``site_dir/pagefind`` (replacing any old one).

    Pagefind's command line (the binary shipped in the ``pagefind_bin``
    wheel) indexes a folder of small pages far faster than feeding pages one
    by one through its Python service.
    """
    from pagefind_bin import get_executable

    records = list(records)
    output = Path(site_dir) / BUNDLE_DIR
    if output.exists():
        shutil.rmtree(output)
    with tempfile.TemporaryDirectory(prefix="opskb-pagefind-") as staging:
        pages = Path(staging) / "pages"
        for record in sorted(records, key=lambda r: r.path):
            file = pages / record.url.strip("/") / "index.html"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(record_html(record), encoding="utf-8")
        pages.mkdir(exist_ok=True)
        command = [
            str(get_executable()),
            "--site", str(pages),
            "--output-path", str(output),
            "--force-language", "en",
            "--silent",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SiteIndexError((done.stderr or done.stdout).strip() or f"exit {done.returncode}")
    canonicalise_filters(output)
    (output / RECORDS_FILE).write_text(records_digest(records), encoding="utf-8")
    return output


def records_digest(records: Iterable[SearchRecord]) -> str:
    """One fingerprint of everything the in-browser index holds."""
    joined = "\n".join(sorted(f"{r.path} {r.digest}" for r in records))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def reuse_site_index(previous_site: Path, site_dir: Path, records: list[SearchRecord]) -> bool:
    """Copy the previous build's bundle when it holds exactly these records.

    Live preview rebuilds the site after every edit, and Pagefind takes
    seconds on a large knowledge base; it runs again only when what it
    indexes changed.
    """
    bundle = Path(previous_site) / BUNDLE_DIR
    try:
        same = (bundle / RECORDS_FILE).read_text(encoding="utf-8") == records_digest(records)
    except OSError:
        return False
    if not same:
        return False
    target = Path(site_dir) / BUNDLE_DIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(bundle, target)
    return True
