"""Browser fixtures: a built site served on loopback, driven by headless Chromium.

Chromium comes from Debian's ``chromium`` package (``dev.py test`` installs
it); Playwright's Python package drives it. Tests using these fixtures are
skipped when no chromium is installed.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MKDOCS_YML, RUNBOOK_RESET, SYSTEM_VPN, run_cli, write_kb

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that leaves a page drops the files it was still fetching (the
        service worker's offline copies, say): not an error of the site's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve_folder(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve ``folder`` on an ephemeral loopback port; returns (base URL, server)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium browser (Playwright), shared by the session."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_site(chromium) -> Iterator:
    """``open_site(site_dir, "runbooks/x/", color_scheme="dark")`` → (page, errors).

    ``errors`` collects uncaught JavaScript errors and console errors.
    """
    servers = []
    contexts = []

    def open_(site: Path, path: str = "", **context_options):
        base, server = serve_folder(site)
        servers.append(server)
        context = chromium.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(base + path)
        page.base_url = base
        return page, errors

    yield open_
    for context in contexts:
        context.close()
    for server in servers:
        server.shutdown()


def inside(box: dict | None, viewport: dict) -> bool:
    """Whether an element's bounding ``box`` lies wholly inside the first ``viewport``."""
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


# --- a small knowledge base for the search tests ------------------------------

SEARCH_CONFIG = MKDOCS_YML.replace("  name: material\n", "  name: material\n  font: false\n")
SEARCH_FILES = {
    "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/systems/vpn.md": SYSTEM_VPN,
    "runbooks/vpn/reset-token.md": RUNBOOK_RESET,
    "runbooks/vpn/tunnel-drops.md": """\
        ---
        title: VPN tunnel keeps dropping
        tier: L2
        systems: [vpn]
        symptoms: ["tunnel drops every few minutes"]
        escalate_when: ["drops continue after the MTU change"]
        ---
        Check the MTU and the keepalive settings on the concentrator.
        """,
}


def build_search_site(folder: Path, files: dict[str, str]) -> Path:
    """Build ``SEARCH_FILES`` plus ``files`` with ``--strict``; the site folder."""
    root = write_kb(folder / "kb", {**SEARCH_FILES, **files}, config=SEARCH_CONFIG)
    result = run_cli("build", "--kb", root, "-q", "--strict")
    assert result.exit_code == 0, result.output
    return root / "site"


def search_page_results(page) -> list[str]:
    """The search page's result texts, once it has answered."""
    page.wait_for_function(
        "/document|No documents/.test(document.getElementById('opskb-search-status').textContent)"
    )
    return page.locator("#opskb-search-results li").all_inner_texts()
