"""The service worker: the hosted site keeps working offline after one visit.

``opskb-sw.js`` is written at the site's root (a worker serves only the
folder it is in and below). It saves the home page, the escalation matrix,
the playbooks, the search page, the offline copies, every L1 runbook and the
assets those pages load when it installs, and every page and search file a
visitor fetches after; it serves them when the network or the site is gone
and never while the site answers (network first). Its version is a digest of
the build, so a new build's worker replaces the saved copy. With the plugin
option ``offline_cache: false`` the file is a worker that removes itself and
its cache, so that browsers which kept an earlier one let go of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Tier
from .offline import offline_uri, tiers_with_copies

if TYPE_CHECKING:
    from ..check.catalog import Catalog

__all__ = ["WORKER_FILE", "write_service_worker"]

WORKER_FILE = "opskb-sw.js"
_TEMPLATE = Path(__file__).with_name("offline_worker.js")
_ASSET = re.compile(r'(?:href|src)="((?:\./)?(?:assets|pagefind)/[^"?#]+\.(?:css|js))"')
_PAGEFIND_CORE = (
    "pagefind/pagefind.js",
    "pagefind/pagefind-entry.json",
    "pagefind/words.json",
    "pagefind/synonyms.json",
)
_PAGEFIND_META = (".pagefind", ".pf_meta")
_REMOVE_SELF = """\
// opskb's service worker is turned off (offline_cache: false): this one removes
// itself and what an earlier one saved.
"use strict";
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => names.filter((n) => n.startsWith("opskb-")))
      .then((names) => Promise.all(names.map((n) => caches.delete(n))))
      .then(() => self.registration.unregister())
  );
});
"""


def _precache(catalog: Catalog, site: Path) -> list[str]:
    directory = catalog.settings.directory_urls

    def page(path: str) -> str:
        return f"{path}/" if directory else f"{path}/index.html"

    paths = ["", page("escalation"), page("search")]
    paths += [page(f"playbooks/{tier.slug}") for tier in Tier]
    paths += [offline_uri(tier) for tier in tiers_with_copies(catalog)]
    paths += sorted(doc.url for doc in catalog.runbooks if doc.tier is Tier.L1)
    try:
        home = (site / "index.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        home = ""
    paths += sorted({m.removeprefix("./") for m in _ASSET.findall(home)})
    paths += list(_PAGEFIND_CORE)
    paths += sorted(  # the search engine and its index's table of contents; chunks as used
        f"pagefind/{p.name}" for p in (site / "pagefind").glob("*") if p.suffix in _PAGEFIND_META
    )
    return [
        p
        for p in dict.fromkeys(paths)
        if p == "" or (site / p).exists() or (site / p / "index.html").exists()
    ]


def _version(catalog: Catalog, precache: list[str], site: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(catalog.bodies):  # what every page shows comes from these and…
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(catalog.bodies[path].encode("utf-8", "surrogateescape") + b"\0")
    for name in ("api/catalog.json", *(offline_uri(t) for t in tiers_with_copies(catalog))):
        with contextlib.suppress(OSError):  # …the catalogue and the offline copies
            digest.update((site / name).read_bytes())
    digest.update("\n".join(precache).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:16]


def write_service_worker(catalog: Catalog, site: Path, *, enabled: bool) -> None:
    """Write ``opskb-sw.js`` into the built ``site``."""
    target = site / WORKER_FILE
    if not enabled:
        target.write_text(_REMOVE_SELF, encoding="utf-8")
        return
    precache = _precache(catalog, site)
    text = (
        _TEMPLATE.read_text(encoding="utf-8")
        .replace("__OPSKB_VERSION__", _version(catalog, precache, site))
        .replace("__OPSKB_BUILT__", catalog.today.isoformat())
        .replace("__OPSKB_PRECACHE__", json.dumps(precache, ensure_ascii=True))
    )
    target.write_text(text, encoding="utf-8")
