"""Judged on-call queries against adopted runbook repositories: is the right page found?

Not a test: a measurement to run by hand after changing search. Give it a folder
holding the four adopted knowledge bases (``prometheus``: Hugo alert runbooks,
``gitlab``: GitLab-flavoured READMEs, ``hmcts``: GOV.UK tech-docs ``.html.md.erb``,
``postmortems``: a postmortem collection), laid out as a user adopting them would
(the repository's files unedited below ``runbooks/<system>/`` or
``content/incidents/``, one system page, one ``_defaults.yml``). It builds each
(unless its ``site/`` exists, or with ``--rebuild``), asks every query of
``QUERIES`` in the terminal (``SearchIndex.search``) and on the search page
(headless Chromium through Playwright), and prints for each where the expected
page came and the top-1 / top-3 counts.

How the expected answers were chosen: before running any query, by reading the
file names, titles and first paragraphs of each repository, and writing down
what an on-call engineer would type for the page that answers it, in their own
words rather than the title's where they would say it otherwise. Where two
pages answer equally (an old and a new copy of the same runbook) both count.
The typo'd queries are the same kind of query with one slip each: a dropped, a
doubled, a swapped or a wrong letter.

    .venv/bin/python bench/search_queries.py KB_FOLDER [--rebuild] [--only terminal|page]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urljoin, urlparse


@dataclass(frozen=True)
class Query:
    kb: str  # the adopted knowledge base
    text: str  # what the on-call engineer types
    expected: tuple[str, ...]  # source paths (in that knowledge base) that answer it
    typo: bool = False

    def answers(self) -> set[str]:
        """The expected paths, and the same files renamed ``x.md`` from ``x.html.md.erb``
        (how they can be laid out while a knowledge base does not read ``.html.md.erb``)."""
        renamed = {p.removesuffix(".html.md.erb") + ".md" for p in self.expected}
        return set(self.expected) | renamed


K8S = "runbooks/kubernetes"
GL = "runbooks/gitlab/docs"
HM = "runbooks/platform"
PM = "content/incidents"

QUERIES = [
    Query("prometheus", "pod keeps crash looping", (f"{K8S}/kubernetes/KubePodCrashLooping.md",)),
    Query("prometheus", "cpu throttling", (f"{K8S}/kubernetes/CPUThrottlingHigh.md",)),
    Query(
        "prometheus",
        "persistent volume filling up",
        (f"{K8S}/kubernetes/KubePersistentVolumeFillingUp.md",),
    ),
    Query("prometheus", "etcd has no leader", (f"{K8S}/etcd/etcdNoLeader.md",)),
    Query(
        "prometheus", "node clock not synchronising", (f"{K8S}/node/NodeClockNotSynchronising.md",)
    ),
    Query("prometheus", "node not ready", (f"{K8S}/kubernetes/KubeNodeNotReady.md",)),
    Query("prometheus", "kubelet too many pods", (f"{K8S}/kubernetes/KubeletTooManyPods.md",)),
    Query("gitlab", "ban an ip address", (f"{GL}/redis/ban-an-IP-with-redis.md",)),
    Query(
        "gitlab",
        "ssl certificate expired",
        (f"{GL}/frontend/ssl_cert.md", f"{GL}/frontend/ssl_cert-1.md"),
    ),
    Query(
        "gitlab", "prometheus wal corruption", (f"{GL}/monitoring/prometheus-wal-corruption.md",)
    ),
    Query("gitlab", "postgres out of disk space", (f"{GL}/patroni/postgresql-disk-space.md",)),
    Query("gitlab", "nginx is down", (f"{GL}/web/nginx-is-down.md",)),
    Query("gitlab", "load balancer outage", (f"{GL}/frontend/load-balancer-outage.md",)),
    Query("gitlab", "grafana graph is empty", (f"{GL}/monitoring/grafana-graph-is-empty.md",)),
    Query(
        "hmcts",
        "restore a deleted postgres flexible server",
        (f"{HM}/database/Restoring-a-deleted-postgres-flexible-server.html.md.erb",),
    ),
    Query("hmcts", "patching heritage vms", (f"{HM}/heritage/patching-heritage-vms.html.md.erb",)),
    Query(
        "hmcts",
        "pipeline agent personal access token",
        (f"{HM}/azure-pipelines/ado_agent_pat.html.md.erb",),
    ),
    Query(
        "hmcts",
        "connect to azure redis",
        (f"{HM}/database/connecting-to-azure-managed-for-redis.html.md.erb",),
    ),
    Query(
        "postmortems",
        "leap second kernel futex",
        (f"{PM}/5bce5ed8-a675-4b38-8825-5ec0e41e0d1b.md",),
    ),
    Query(
        "postmortems",
        "cloudflare outage june 2022",
        (f"{PM}/34721eea-9a6a-469f-8865-48286476cf29.md",),
    ),
    # one slip each
    Query("prometheus", "etcd no leadr", (f"{K8S}/etcd/etcdNoLeader.md",), typo=True),
    Query(
        "prometheus",
        "pod crash loopping",
        (f"{K8S}/kubernetes/KubePodCrashLooping.md",),
        typo=True,
    ),
    Query("gitlab", "ngnix is down", (f"{GL}/web/nginx-is-down.md",), typo=True),
    Query(
        "gitlab",
        "ssl certifcate expired",
        (f"{GL}/frontend/ssl_cert.md", f"{GL}/frontend/ssl_cert-1.md"),
        typo=True,
    ),
    Query(
        "prometheus",
        "persistant volume filling up",
        (f"{K8S}/kubernetes/KubePersistentVolumeFillingUp.md",),
        typo=True,
    ),
]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def build(kb: Path, rebuild: bool) -> None:
    if (kb / "site" / "pagefind").is_dir() and not rebuild:
        return
    opskb = Path(sys.executable).with_name("opskb")
    print(f"building {kb.name} …", file=sys.stderr)
    subprocess.run([str(opskb), "build", "--kb", str(kb), "-q"], check=False)


def urls_by_path(kb: Path) -> dict[str, str]:
    catalog = json.loads((kb / "site" / "api" / "catalog.json").read_text(encoding="utf-8"))
    return {item["source"]: item["url"] for item in catalog["documents"]}


def terminal_ranks(kb: Path, queries: list[Query]) -> list[int | None]:
    from opskb.search import SearchIndex

    index = SearchIndex.open(kb)
    index.refresh()
    ranks = []
    for query in queries:
        paths = [hit.path for hit in index.search(query.text, limit=10, snippets=False).hits]
        ranks.append(next((n for n, p in enumerate(paths, 1) if p in query.answers()), None))
    return ranks


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def page_ranks(browser, kb: Path, queries: list[Query]) -> list[int | None]:
    handler = functools.partial(_Quiet, directory=str(kb / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    urls = urls_by_path(kb)
    ranks = []
    try:
        page = browser.new_page()
        for query in queries:
            page.goto(base + "search/?q=" + quote_plus(query.text))
            page.wait_for_function(
                "/document|No documents|unavailable/.test("
                "document.getElementById('opskb-search-status').textContent)"
            )
            hrefs = page.eval_on_selector_all(
                "#opskb-search-results a.opskb-search-title", "links => links.map(a => a.href)"
            )
            found = [urlparse(urljoin(base, h)).path.strip("/") for h in hrefs[:10]]
            wanted = {urls[p].strip("/") for p in query.answers() if p in urls}
            ranks.append(next((n for n, u in enumerate(found, 1) if u in wanted), None))
        page.close()
    finally:
        server.shutdown()
    return ranks


def report(name: str, queries: list[Query], ranks: list[int | None]) -> None:
    for typo in (False, True):
        picked = [r for q, r in zip(queries, ranks, strict=True) if q.typo == typo]
        top1 = sum(1 for r in picked if r == 1)
        top3 = sum(1 for r in picked if r is not None and r <= 3)
        label = "typo'd" if typo else "on-call"
        print(f"{name:>8} {label:>8}: top-1 {top1}/{len(picked)}, top-3 {top3}/{len(picked)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder holding the adopted knowledge bases")
    parser.add_argument("--rebuild", action="store_true", help="build even if a site exists")
    parser.add_argument("--only", choices=["terminal", "page"], help="measure one side only")
    args = parser.parse_args()
    by_kb: dict[str, list[int]] = {}
    for n, query in enumerate(QUERIES):
        by_kb.setdefault(query.kb, []).append(n)
    terminal: list[int | None] = [None] * len(QUERIES)
    page: list[int | None] = [None] * len(QUERIES)
    for name in by_kb:
        build(args.folder / name, args.rebuild)
    if args.only != "page":
        for name, numbers in by_kb.items():
            ranks = terminal_ranks(args.folder / name, [QUERIES[n] for n in numbers])
            for n, rank in zip(numbers, ranks, strict=True):
                terminal[n] = rank
    if args.only != "terminal":
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            for name, numbers in by_kb.items():
                ranks = page_ranks(browser, args.folder / name, [QUERIES[n] for n in numbers])
                for n, rank in zip(numbers, ranks, strict=True):
                    page[n] = rank
            browser.close()
    print(f"{'terminal':>8} {'page':>5}  query")
    for query, t, p in zip(QUERIES, terminal, page, strict=True):
        print(f"{t or '-':>8} {p or '-':>5}  [{query.kb}] {query.text}")
    if args.only != "page":
        report("terminal", QUERIES, terminal)
    if args.only != "terminal":
        report("page", QUERIES, page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
