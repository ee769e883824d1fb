"""`opskb serve`: an edit to any source shows up in the served page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(url: str, text: str, process: subprocess.Popen, limit: float = 90) -> bool:
    """Polls ``url`` until it contains ``text``; a bounded loop, not a timing assertion."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if text in fetch(url):
            return True
        time.sleep(0.3)
    return False


def test_serve_rerenders_after_edits_in_runbooks_and_content(make_kb):
    root = make_kb()
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "opskb.cli", "serve", "--kb", str(root), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(base + "runbooks/vpn/reset-token/", "Resync the token.", process)
        runbook = root / "runbooks/vpn/reset-token.md"
        runbook.write_text(runbook.read_text().replace("Resync the token.", "Reissue the token."))
        assert wait_for(base + "runbooks/vpn/reset-token/", "Reissue the token.", process)
        system = root / "content/systems/vpn.md"
        system.write_text(system.read_text().replace("netops@example.com", "noc@example.com"))
        assert wait_for(base + "runbooks/vpn/reset-token/", "noc@example.com", process)
    finally:
        process.terminate()
        process.wait(timeout=20)
