"""Builds are atomic, reproducible, offline, and never touch the sources.

- ``kill -9`` in the middle of a build leaves the previous site byte for byte;
  the next build clears what the killed one left behind.
- Two builds of the same sources with ``SOURCE_DATE_EPOCH`` are identical,
  file for file and byte for byte (sitemap.xml.gz included), wherever the
  site folder is.
- A build opens no network connection.
- The site folder is readable by a web server, and a site folder that would
  replace the sources or someone's files (a file included) is refused.
- A build the file system stops (a full disk, a read-only or immutable folder)
  ends with one line naming the path and the fix, the previous site intact and
  no staging folder left behind.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import errno
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MKDOCS_YML, RUNBOOK_RESET, SUITE_EPOCH, run_cli
from tests.whole_site.test_hostile import opskb, sources_digest, tree_digest

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

    env = {**os.environ, "SOURCE_DATE_EPOCH": SUITE_EPOCH}
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


@pytest.mark.parametrize("site_dir", ["mkdocs.yml", "notes.txt", "link-to-notes", "notes.txt/site"])
def test_a_site_folder_that_is_a_file_is_refused_naming_the_setting(make_kb, site_dir) -> None:
    root = make_kb(config=MKDOCS_YML + f"site_dir: {site_dir}\n")
    (root / "notes.txt").write_text("keep me")
    (root / "link-to-notes").symlink_to("notes.txt")
    sources = sources_digest(root)
    result = run_cli("build", "--kb", root)
    assert result.exit_code == 1
    line = len(MKDOCS_YML.splitlines()) + 1
    assert f"mkdocs.yml:{line}: error [site_dir]: the site folder" in result.output
    assert "which is a file" in result.output or "is a file, not a folder" in result.output
    assert "fix: choose another site folder" in result.output
    assert sources_digest(root) == sources
    assert (root / "notes.txt").read_text() == "keep me" and (root / "link-to-notes").is_symlink()
    assert not list(root.glob(".*-old-*")) and not list(root.glob(".*-build-*"))


@pytest.mark.parametrize("site_dir", ["notes.txt", "link-to-notes", "notes.txt/site"])
def test_a_site_folder_given_on_the_command_line_that_is_a_file_is_refused(
    make_kb, site_dir
) -> None:
    root = make_kb()
    (root / "notes.txt").write_text("keep me")
    (root / "link-to-notes").symlink_to("notes.txt")
    result = run_cli("build", "--kb", root, "-d", root / site_dir)
    assert result.exit_code in (1, 2), result.output  # 2: refused as a usage error
    assert "is a file" in result.output and "Traceback" not in result.output
    assert (root / "notes.txt").read_text() == "keep me" and (root / "link-to-notes").is_symlink()
    assert not list(root.glob(".notes.txt*")) and not list(root.glob(".site-*"))


def _changed(root: Path) -> None:
    """Edit a runbook, so that the next build writes its page again."""
    runbook = root / "runbooks/vpn/reset-token.md"
    runbook.write_text(runbook.read_text().replace("Resync the token.", "Resync it."))


def _fail_writes_in_staging(monkeypatch, code: int, *, only_in_workers: bool = False) -> None:
    """Every file opened for writing in a staging folder fails with ``code``."""
    real_open, first = builtins.open, os.getpid()

    def open_failing(file, mode="r", *args, **kwargs):
        writing = any(flag in mode for flag in "wax+")
        in_staging = ".site-build-" in os.fspath(file) if isinstance(file, str | Path) else False
        if writing and in_staging and not (only_in_workers and os.getpid() == first):
            raise OSError(code, os.strerror(code), os.fspath(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_failing)


def test_a_full_disk_fails_the_build_in_one_line_keeping_the_previous_site(
    make_kb, build, monkeypatch
) -> None:
    root = make_kb({"content/incidents/2026-05-03-vpn.md": INCIDENT})
    site = build(root)
    before = tree_digest(site)
    _changed(root)
    _fail_writes_in_staging(monkeypatch, errno.ENOSPC)
    result = run_cli("build", "--kb", root, "-q")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: no space left on device while writing {site}")
    assert line.endswith("; free space and build again (the previous site is untouched)")
    assert tree_digest(site) == before
    assert staging_folders(root) == []


def test_a_full_disk_met_by_a_build_worker_is_reported_once(make_kb, build, monkeypatch) -> None:
    config = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      workers: 2\n")
    root = make_kb({"content/incidents/2026-05-03-vpn.md": INCIDENT}, config=config)
    site = build(root)
    before = tree_digest(site)
    _changed(root)
    _fail_writes_in_staging(monkeypatch, errno.ENOSPC, only_in_workers=True)
    result = run_cli("build", "--kb", root, "-q")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: no space left on device while writing {site}; free space and build again "
        "(the previous site is untouched)"
    ]
    assert tree_digest(site) == before
    assert staging_folders(root) == []


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (
            errno.EROFS,
            "read-only file system while writing {site}; build into a folder on a "
            "writable file system",
        ),
        (
            errno.EACCES,
            "permission denied while writing {site}; give this user write access to {folder}",
        ),
    ],
)
def test_a_folder_the_site_cannot_be_written_in_fails_in_one_line(
    make_kb, monkeypatch, tmp_path: Path, code: int, said: str
) -> None:
    """As root, ``chmod`` stops nothing: the file system's refusal is simulated."""
    root = make_kb()
    published = tmp_path / "published"
    site = published / "site"
    assert run_cli("build", "--kb", root, "-q", "-d", site).exit_code == 0
    before = tree_digest(site)
    real_mkdir = os.mkdir

    def refuse(path, *args, **kwargs):
        if Path(path).parent == published:
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", refuse)
    result = run_cli("build", "--kb", root, "-q", "-d", site)
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("Error: " + said.format(site=site, folder=published)), line
    assert tree_digest(site) == before
    assert sorted(p.name for p in published.iterdir()) == ["site"]


def no_library(*args, **kwargs):
    raise OSError(errno.ENOENT, "no C library in this test")


@contextlib.contextmanager
def immutable(path: Path):
    """``path`` made immutable (``chattr +i``, which stops root too). Where the file
    system cannot, the kernel's answer is simulated: EPERM for a rename of ``path``
    or for a folder made in it."""
    made = bool(shutil.which("chattr")) and (
        subprocess.run(["chattr", "+i", path], capture_output=True, check=False).returncode == 0
    )
    with pytest.MonkeyPatch.context() as patch:
        if not made:

            def refuse(real):
                def call(source, *args, **kwargs):
                    if Path(source) == path or Path(source).parent == path:
                        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(source))
                    return real(source, *args, **kwargs)

                return call

            patch.setattr(os, "replace", refuse(os.replace))
            patch.setattr(os, "mkdir", refuse(os.mkdir))
            patch.setattr(ctypes, "CDLL", no_library)  # no renameat2 to swap folders either
        try:
            yield
        finally:
            if made:
                subprocess.run(["chattr", "-i", path], check=True)


def test_an_immutable_site_folder_fails_in_one_line_and_leaves_nothing_behind(
    make_kb, build
) -> None:
    root = make_kb()
    site = build(root)
    before = tree_digest(site)
    _changed(root)
    with immutable(site):
        result = run_cli("build", "--kb", root, "-q")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: operation not permitted while writing {site}; ")
    assert f"lsattr -d {root} {site}" in line and "chattr -i" in line
    assert tree_digest(site) == before
    assert staging_folders(root) == [] and not list(root.glob(".site-old-*"))
    build(root)  # and once the flag is cleared, the build goes through
    assert "Resync it." in (site / "runbooks/vpn/reset-token/index.html").read_text()


def test_an_immutable_folder_for_the_site_fails_in_one_line(make_kb, tmp_path: Path) -> None:
    root = make_kb()
    published = tmp_path / "published"
    published.mkdir()
    with immutable(published):
        result = run_cli("build", "--kb", root, "-q", "-d", published / "site")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: operation not permitted while writing {published / 'site'}")
    assert list(published.iterdir()) == []
