"""Caller phrasings against the sample knowledge base: is the right runbook in the top 3?

Not a test of speed: a measurement of search quality to run after changing search.
The judged phrasings are data (``caller_phrasings.yml``: phrase → the runbook(s) that
answer it). Each is asked in the terminal (``SearchIndex.search``, the ranking
``opskb search`` prints) and on the search page (the built site's ``search/?q=…``,
driven in headless Chromium), and the rank of the first expected runbook among the
results is printed, with top-1/top-3 counts. Live incidents the search lists apart,
above the results, are not counted as results (they are shown too).

    .venv/bin/python bench/caller_phrasings.py [--kb KB] [--rebuild] [--only terminal|page]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urljoin, urlparse

import yaml

HERE = Path(__file__).resolve().parent
PHRASINGS = HERE / "caller_phrasings.yml"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@dataclass(frozen=True)
class Phrasing:
    phrase: str  # what the caller says
    expected: tuple[str, ...]  # source paths of the runbooks that answer it
    slip: str  # typo, extra words, other words


def phrasings(path: Path = PHRASINGS) -> list[Phrasing]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Phrasing(d["phrase"], tuple(d["expected"]), d.get("slip", "")) for d in data]


def rank(found: list[str], expected: tuple[str, ...]) -> int | None:
    """Where the first expected path comes in ``found`` (1-based), or ``None``."""
    return next((n for n, path in enumerate(found, 1) if path in expected), None)


def terminal_results(kb: Path, items: list[Phrasing]) -> list[tuple[list[str], list[str]]]:
    """For each phrasing, the paths the terminal search lists (top 10) and its live ones."""
    from opskb.config import load_settings
    from opskb.search import SearchIndex

    settings, _ = load_settings(kb)
    index = SearchIndex.open(kb)
    index.refresh()
    found = []
    for item in items:
        results = index.search(
            item.phrase, limit=10, snippets=False, synonyms=settings.search_synonyms
        )
        found.append(([h.path for h in results.hits], [h.path for h in results.live]))
    return found


def page_results(kb: Path, items: list[Phrasing]) -> list[tuple[list[str], list[str]]]:
    """The same on the built site's search page, in headless Chromium: paths, live paths."""
    import json

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(HERE.parent))
    from tests.browser import serve_folder

    catalog = json.loads((kb / "site" / "api" / "catalog.json").read_text(encoding="utf-8"))
    by_url = {item["url"].strip("/"): item["source"] for item in catalog["documents"]}
    base, server = serve_folder(kb / "site")
    found = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            for item in items:
                page.goto(base + "search/?q=" + quote_plus(item.phrase))
                page.wait_for_function(
                    "/document|No documents|unavailable/.test("
                    "document.getElementById('opskb-search-status').textContent)"
                )

                def paths(selector: str) -> list[str]:
                    hrefs = page.eval_on_selector_all(selector, "a => a.map(x => x.href)")
                    urls = [urlparse(urljoin(base, h)).path.strip("/") for h in hrefs[:10]]
                    return [by_url.get(u, u) for u in urls]

                found.append(
                    (
                        paths("#opskb-search-results a.opskb-search-title"),
                        paths("#opskb-search-live a.opskb-search-title"),
                    )
                )
            browser.close()
    finally:
        server.shutdown()
    return found


def summary(name: str, ranks: list[int | None]) -> str:
    top1 = sum(1 for r in ranks if r == 1)
    top3 = sum(1 for r in ranks if r is not None and r <= 3)
    return f"{name:>8}: top-1 {top1}/{len(ranks)}, top-3 {top3}/{len(ranks)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=HERE.parent, help="the knowledge base")
    parser.add_argument("--rebuild", action="store_true", help="build even if a site exists")
    parser.add_argument("--only", choices=["terminal", "page"], help="measure one side only")
    args = parser.parse_args(argv)
    items = phrasings()
    sides: dict[str, list[tuple[list[str], list[str]]]] = {}
    if args.only != "page":
        sides["terminal"] = terminal_results(args.kb, items)
    if args.only != "terminal":
        if args.rebuild or not (args.kb / "site" / "pagefind").is_dir():
            import subprocess

            opskb = Path(sys.executable).with_name("opskb")
            subprocess.run([str(opskb), "build", "--kb", str(args.kb), "-q"], check=True)
        sides["page"] = page_results(args.kb, items)
    ranks = {name: [rank(f, i.expected) for (f, _), i in zip(found, items, strict=True)]
             for name, found in sides.items()}  # fmt: skip
    print(" ".join(f"{name:>8}" for name in sides) + "  live  phrase (slip)")
    for n, item in enumerate(items):
        cells = " ".join(f"{ranks[name][n] or '-':>8}" for name in sides)
        live = max(len(found[n][1]) for found in sides.values())
        print(f"{cells}  {live:>4}  {item.phrase} ({item.slip})")
    for name in sides:
        print(summary(name, ranks[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
