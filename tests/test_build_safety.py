"""Builds are atomic, reproducible, offline, and never touch the sources.

- ``kill -9`` in the middle of a build leaves the previous site byte for byte;
  the next build clears what the killed one left behind.
- Two builds of the same sources with ``SOURCE_DATE_EPOCH`` are identical,
  file for file and byte for byte (sitemap.xml.gz included), wherever the
  site folder is.
- A build opens no network connection.
- The site folder is readable by a web server, and a site folder that would
  replace the sources or someone's files is refused.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import RUNBOOK_RESET, run_cli
from tests.test_hostile import EPOCH, opskb, sources_digest, tree_digest

INCIDENT = """\
---
title: VPN outage
date: 2026-05-03
severity: SEV2
status: resolved
systems: [vpn]
detected_at: 2026-05-03T08:00:00Z
resolved_at: 2026-05-03T09:30:00Z
root_cause: Expired certificate
root_cause_category: configuration
runbooks: [runbooks/vpn/reset-token.md]
workaround: Reconnect to the backup gateway.
action_items:
  - {title: Monitor certificate expiry, owner: NetOps, due: 2026-07-01, done: false}
---
The gateway certificate expired.
"""


def runbook(number: int) -> str:
    steps = "".join(
        f"{k}. Run `check {number} {k}` and compare the output.\n" for k in range(1, 12)
    )
    return RUNBOOK_RESET.replace("Reset VPN token", f"Procedure {number}").replace(
        "1. Resync the token.\n", steps
    )


def staging_folders(root: Path) -> list[Path]:
    return sorted(root.glob(".site-build-*"))


def test_a_build_killed_mid_write_leaves_the_previous_site_intact(make_kb, build) -> None:
    root = make_kb({"content/incidents/2026-05-03-vpn.md": INCIDENT})
    site = build(root)
    before = tree_digest(site)
    for number in range(250):  # enough pages that writing them takes a while
        (root / f"runbooks/vpn/procedure-{number:03d}.md").write_text(runbook(number))

    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, "-m", "opskb.cli", "build", "--kb", str(root), "-q"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240  # a bound on waiting, not a measurement
        while time.monotonic() < deadline and process.poll() is None:
            if any(any(folder.rglob("*.html")) for folder in staging_folders(root)):
                break  # MkDocs has started writing pages into the staging folder
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert staging_folders(root), "the build was killed while writing its staging folder"
    assert tree_digest(site) == before

    for extra in (root / "runbooks/vpn").glob("procedure-*.md"):
        extra.unlink()
    build(root)
    assert staging_folders(root) == [], "the next build removes what a killed one left"
    assert (site / "runbooks/vpn/reset-token/index.html").is_file()


def test_two_builds_of_the_same_sources_are_byte_identical(make_kb) -> None:
    root = make_kb(
        {
            "content/incidents/2026-05-03-vpn.md": INCIDENT,
            "content/articles/guide.md": "---\ntitle: Guide\nowner: Ops\n---\nRead [the runbook]"
            "(../../runbooks/vpn/reset-token.md).\n",
        }
    )
    sources = sources_digest(root)
    first, second = root.parent / "first", root.parent / "elsewhere" / "second"
    for folder in (first, second):
        result = opskb("build", "--kb", root, "-d", folder)
        assert result.returncode == 0, result.stderr
    one, two = tree_digest(first), tree_digest(second)
    assert "sitemap.xml.gz" in one and "search/search_index.json" in one
    assert sorted(one) == sorted(two)
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []
    assert sources_digest(root) == sources, "a build never writes into the sources"


def test_a_build_opens_no_network_connection(make_kb, build, monkeypatch) -> None:
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:80])
        raise OSError("no network during a build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    site = build(make_kb({"content/incidents/2026-05-03-vpn.md": INCIDENT}))
    assert (site / "index.html").is_file()
    assert attempts == []


def test_the_site_folder_is_readable_by_a_web_server(make_kb, build) -> None:
    previous = os.umask(0o022)
    try:
        site = build(make_kb())
    finally:
        os.umask(previous)
    assert stat.S_IMODE(site.stat().st_mode) == 0o755


@pytest.mark.parametrize("site_dir", [".", "content", "runbooks", "runbooks/site", ".."])
def test_a_site_folder_that_would_replace_sources_is_refused(make_kb, site_dir: str) -> None:
    root = make_kb()
    sources = sources_digest(root)
    result = run_cli("build", "--kb", root, "-d", str(root / site_dir))
    assert result.exit_code == 1
    assert "choose another" in result.output
    assert sources_digest(root) == sources


def test_a_folder_of_other_files_is_not_replaced_by_a_site(make_kb, tmp_path: Path) -> None:
    root = make_kb()
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "taxes.txt").write_text("keep me")
    result = run_cli("build", "--kb", root, "-d", documents)
    assert result.exit_code == 1 and "holds no built site" in result.output
    assert (documents / "taxes.txt").read_text() == "keep me"


def test_a_new_knowledge_base_loads_no_web_fonts(tmp_path: Path, build) -> None:
    """``opskb init`` sets ``theme.font: false``, so pages work on an intranet."""
    result = run_cli("init", tmp_path / "kb")
    assert result.exit_code == 0, result.output
    site = build(tmp_path / "kb")
    pages = list(site.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page


def test_the_replaced_site_is_removed_after_the_build_returns(make_kb, build) -> None:
    root = make_kb({"content/incidents/2026-05-03-vpn.md": INCIDENT})
    site = build(root)
    (site / "planted.txt").write_text("from the previous site")
    build(root)
    assert not (site / "planted.txt").exists()  # the new site is in place at once
    deadline = time.monotonic() + 60  # a bound on waiting, not a measurement
    while time.monotonic() < deadline and list(root.glob(".site-old-*")):
        time.sleep(0.05)
    assert list(root.glob(".site-old-*")) == [], "a detached process removed the old site"
    assert staging_folders(root) == []


def test_templates_are_compiled_once_and_kept_in_a_private_folder(tmp_path, monkeypatch) -> None:
    """Every build makes new template environments (ours, and MkDocs' for the theme):
    compiled templates are kept between processes, in a folder only this user can
    open, and a template whose source changed is compiled again."""
    import stat
    import tempfile

    import jinja2
    from opskb.pages import render

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    render.bytecode_cache.cache_clear()
    compiled: list[str] = []

    class Counting(jinja2.Environment):
        def compile(self, source, name=None, filename=None, *args, **kwargs):
            compiled.append(name)
            return super().compile(source, name, filename, *args, **kwargs)

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "main.html").write_text("{{ 1 + 1 }}", encoding="utf-8")

    def render_once() -> str:
        env = Counting(
            loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=render.bytecode_cache()
        )
        return env.get_template("main.html").render()

    try:
        assert render_once() == "2" and render_once() == "2"
        assert compiled == ["main.html"]
        (kept,) = [p for p in tmp_path.iterdir() if p.name != "templates"]
        assert stat.S_IMODE(kept.stat().st_mode) == 0o700 and any(kept.iterdir())
        (templates / "main.html").write_text("{{ 2 + 2 }}", encoding="utf-8")
        assert render_once() == "4" and compiled == ["main.html", "main.html"]
    finally:
        render.bytecode_cache.cache_clear()
