"""`opskb serve`: an edit to any source shows up in the served page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

from opskb.search.site_index import BUNDLE_DIR


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


def wait_until(url: str, check, process: subprocess.Popen, limit: float = 90) -> str:
    """Polls ``url`` until ``check(its text)``; the text then, or "" (a bounded loop)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        text = fetch(url)
        if text and check(text):
            return text
        time.sleep(0.3)
    return ""


def serve(root, scratch) -> tuple[subprocess.Popen, str]:
    """``opskb serve`` on ``root`` in a subprocess; the process and the site's address."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "opskb.cli", "serve", "--kb", str(root), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    return process, f"http://127.0.0.1:{port}/"


def test_serve_rerenders_after_edits_in_runbooks_and_content(make_kb, tmp_path):
    root = make_kb()
    scratch = tmp_path / "scratch"  # where the server keeps its site while it runs
    scratch.mkdir()
    process, base = serve(root, scratch)
    try:
        assert wait_for(base + "runbooks/vpn/reset-token/", "Resync the token.", process)
        runbook = root / "runbooks/vpn/reset-token.md"
        runbook.write_text(runbook.read_text().replace("Resync the token.", "Reissue the token."))
        assert wait_for(base + "runbooks/vpn/reset-token/", "Reissue the token.", process)
        system = root / "content/systems/vpn.md"
        system.write_text(system.read_text().replace("netops@example.com", "noc@example.com"))
        assert wait_for(base + "runbooks/vpn/reset-token/", "noc@example.com", process)
        assert list(scratch.iterdir())
    finally:
        process.terminate()  # as a service manager stops it
        process.wait(timeout=20)
    assert process.returncode == 0
    left = [p.name for p in scratch.iterdir() if not p.name.startswith("_jinja2-cache")]
    assert left == []  # its temporary sites and indexing folders removed (compiled templates kept)


def test_serve_keeps_answering_with_the_last_good_page_and_the_problem_while_a_source_is_broken(
    make_kb, tmp_path
):
    """A rebuild that fails on the sources used to hold every request until it succeeded."""
    root = make_kb()
    process, base = serve(root, tmp_path)
    url = base + "runbooks/vpn/reset-token/"
    runbook = root / "runbooks/vpn/reset-token.md"
    good = runbook.read_text()
    try:
        assert wait_for(url, "Resync the token.", process)
        runbook.write_text(good.replace("tier: L1", 'tier: "<b>L9</b>"'))
        broken = wait_until(url, lambda text: "opskb-preview-problems" in text, process)
        assert "Resync the token." in broken  # the last page that built
        banner = broken[broken.index('id="opskb-preview-problems"') :]
        banner = banner[: banner.index("</div>")]
        assert "runbooks/vpn/reset-token.md:3: error [tier]" in banner
        assert "&lt;b&gt;L9&lt;/b&gt;" in banner and "<b>L9" not in banner
        assert "fix:" in banner
        runbook.write_text(good.replace("Resync the token.", "Reissue the token."))
        fixed = wait_until(url, lambda text: "Reissue the token." in text, process)
        assert fixed and "opskb-preview-problems" not in fixed
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0


def _server(tmp_path):
    """A live-reload server watching what MkDocs' ``serve`` watches before our plugin's
    ``on_serve``: the docs folder and ``mkdocs.yml``; and the config it was given."""
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(tmp_path)
    )
    for name in ("runbooks", "content"):
        (tmp_path / name).mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: KB\n", encoding="utf-8")
    config = SimpleNamespace(
        docs_dir=str(tmp_path / "content"),
        config_file_path=str(tmp_path / "mkdocs.yml"),
        theme=SimpleNamespace(dirs=[str(tmp_path / "theme")]),  # not watched: no --watch-theme
        watch=[],
    )
    server.watch(config.docs_dir)
    server.watch(config.config_file_path)
    return server, config


def test_the_live_preview_watches_with_system_file_events_and_sees_an_edit(tmp_path):
    """No polling threads statting every source twice a second; an edit still rebuilds."""
    from opskb.engines.mkdocs.watching import watch_natively
    from watchdog.observers.polling import PollingObserver

    server, config = _server(tmp_path)
    assert watch_natively(server, config, [str(tmp_path / "runbooks")])
    assert not isinstance(server.observer, PollingObserver)
    watched = sorted(server._watched_paths)  # MkDocs' own record of what it watches
    assert watched == [str(tmp_path / p) for p in ("content", "mkdocs.yml", "runbooks")]
    server.observer.start()
    try:
        (tmp_path / "runbooks" / "new.md").write_text("# New\n", encoding="utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=30)
    finally:
        server.observer.stop()
        server.observer.join()


def test_reading_the_sources_does_not_ask_the_live_preview_for_a_rebuild(tmp_path):
    """System events report files opened and closed unwritten, as every build does to every
    source: passed on, each rebuild would start the next one, for ever."""
    from opskb.engines.mkdocs.watching import watch_natively

    server, config = _server(tmp_path)
    source = tmp_path / "runbooks" / "read.md"
    source.write_text("# Read\n", encoding="utf-8")
    assert watch_natively(server, config, [str(tmp_path / "runbooks")])
    server.observer.start()
    try:
        time.sleep(0.5)  # let the observer settle before the reads it must ignore
        for _ in range(3):
            assert source.read_text(encoding="utf-8") == "# Read\n"
        with server._rebuild_cond:
            assert not server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=2)
        source.write_text("# Read, then edited\n", encoding="utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=30)
    finally:
        server.observer.stop()
        server.observer.join()


def test_the_live_preview_keeps_polling_where_the_system_cannot_watch(tmp_path, monkeypatch):
    """A limit on watches (or no such API) leaves MkDocs' polling as it was."""
    import watchdog.observers
    from opskb.engines.mkdocs.watching import watch_natively
    from watchdog.observers.polling import PollingObserver

    class Exhausted(watchdog.observers.Observer):
        def start(self):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", Exhausted)
    server, config = _server(tmp_path)
    polling = server.observer
    assert not watch_natively(server, config, [str(tmp_path / "runbooks")])
    assert server.observer is polling and isinstance(polling, PollingObserver)
    assert len(server._watch_refs) == 3  # ours are watched all the same, by polling


def test_serve_reloads_an_edit_before_the_search_index_has_it(make_kb, tmp_path, slow_pagefind):
    """Waiting for Pagefind was a third of the time from saving a runbook to seeing it: the
    page comes first, with the last bundle whole, and the new bundle follows."""
    root = make_kb()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    process, base = serve(root, scratch)
    page, words = base + "runbooks/vpn/reset-token/", base + f"{BUNDLE_DIR}/words.json"
    try:
        assert wait_for(page, "Resync the token.", process)
        runbook = root / "runbooks/vpn/reset-token.md"
        runbook.write_text(runbook.read_text().replace("Resync the token.", "Reissue it."))
        assert wait_for(page, "Reissue it.", process)
        served = fetch(words)
        assert '"token"' in served and '"reissue"' not in served  # the last bundle, whole
        assert wait_until(words, lambda text: '"reissue"' in text, process)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0
    left = [p.name for p in scratch.iterdir() if not p.name.startswith("_jinja2-cache")]
    assert left == []
