"""In headless Chromium: a saved edit is on screen before the whole preview rebuilds."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.synthetic import write_kb
from tests.engines.mkdocs.test_watching import free_port, wait_for

MARK = "A line written while the browser shows the page."


def log_has(log, *lines: str, limit: float = 90) -> bool:
    """Whether the server's log comes to hold ``lines`` in this order (a bounded wait)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        at = 0
        for line in lines:
            at = text.find(line, at)
            if at < 0:
                break
            at += len(line)
        else:
            return True
        time.sleep(0.2)
    return False


def serve_logged(root, scratch, log) -> tuple[subprocess.Popen, str]:
    """``opskb serve`` on ``root`` in a subprocess writing its log to ``log``."""
    address = f"127.0.0.1:{free_port()}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "opskb.cli", "serve", "--kb", str(root), "-a", address],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(scratch)},
        )
    return process, f"http://{address}/"


def test_an_edit_shows_first_then_the_whole_site_rebuilds_and_the_page_stays(
    tmp_path, chromium
) -> None:
    kb = write_kb(tmp_path / "kb", documents=40, seed=5, related=True)
    edited = kb.published_runbooks[0]
    log = tmp_path / "serve.log"
    process, base = serve_logged(kb.root, tmp_path, log)
    context = chromium.new_context()
    try:
        url = base + edited.removesuffix(".md") + "/"
        assert wait_for(url, "</html>", process)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        assert log_has(log, "Serving on")
        with (kb.root / edited).open("a", encoding="utf-8") as handle:
            handle.write(f"\n{MARK}\n")
        # the live-reload script reloads the page by itself: first with the page shown first
        page.get_by_text(MARK).wait_for(timeout=60_000)
        assert log_has(log, f"shown first: {edited}", "Reloading browsers")
        # the page asked for the next change: the whole rebuild follows, and reloads it again
        assert log_has(
            log, f"shown first: {edited}", "Building documentation", "Reloading browsers"
        )
        page.get_by_text(MARK).wait_for(timeout=60_000)
        styled = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        assert styled == "sticky"  # the theme's stylesheet came with the page
        assert errors == []
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=20)
