"""Loads kept between commands: only changed files are read again, and nothing but a load
this user's opskb saved is ever unpickled."""

from __future__ import annotations

import hmac
import os
import pickle
import time
from pathlib import Path

import pytest
from opskb.pipeline import load_kb
from opskb.sources import kept_loads, load
from opskb.sources.kept_loads import KEPT_FILE, read_kept_loads, save_kept_loads

from tests.conftest import run_cli

RUNBOOK = "runbooks/vpn/reset-token.md"
BROKEN = "---\ntitle: Broken\ntier: L9\nsystems: [vpn]\n---\nSteps.\n"


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The documents read from their files (``load_document``), in this process."""
    seen: list[str] = []
    real = load.load_document

    def counted(root, path, *args):
        seen.append(Path(path).name)
        return real(root, path, *args)

    monkeypatch.setattr(load, "load_document", counted)
    return seen


def _kept(root: Path):
    """A command's load, its cache saved before this returns (a command saves it in a
    process of its own)."""
    cache = read_kept_loads(root / ".opskb-cache")
    kb = load_kb(root, cache=cache)
    save_kept_loads(cache, root / ".opskb-cache")
    return kb


def _saved(root: Path) -> bool:
    """Whether a command's own process saved its load (a bounded wait for it)."""
    deadline = time.monotonic() + 30
    while not read_kept_loads(root / ".opskb-cache").files:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_next_command_reads_only_the_files_that_changed(make_kb, reads):
    root = make_kb({"runbooks/vpn/broken.md": BROKEN})
    first = _kept(root)
    assert sorted(reads) == ["broken.md", "index.md", "reset-token.md", "vpn.md"]
    reads.clear()
    again = _kept(root)
    assert reads == []
    assert [p.as_text() for p in again.problems] == [p.as_text() for p in first.problems]
    assert again.catalog.by_path[RUNBOOK].title == first.catalog.by_path[RUNBOOK].title

    runbook = root / RUNBOOK
    runbook.write_text(runbook.read_text().replace("Reset VPN token", "Reset the token"))
    edited = _kept(root)
    assert reads == ["reset-token.md"]
    assert edited.catalog.by_path[RUNBOOK].title == "Reset the token"


def test_a_file_rewritten_with_its_size_and_modification_time_kept_is_read_again(make_kb, reads):
    """A copy that keeps times (``cp -p``, ``rsync -t``) changes the file's change time."""
    root = make_kb()
    runbook = root / RUNBOOK
    _kept(root)
    before = runbook.stat()
    text = runbook.read_text()
    runbook.write_text(text.replace("Reset VPN token", "Reset VPN TOKEN"))
    os.utime(runbook, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert runbook.stat().st_size == before.st_size
    reads.clear()
    assert _kept(root).catalog.by_path[RUNBOOK].title == "Reset VPN TOKEN"
    assert reads == ["reset-token.md"]


class _Planted:
    """What a pickle from elsewhere may hold: unpickling it makes a folder."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


@pytest.mark.parametrize("signed_by", ["nobody", "another key"])
def test_a_cache_that_came_from_elsewhere_is_never_unpickled(make_kb, reads, tmp_path, signed_by):
    root = make_kb()
    marker = tmp_path / "ran"
    data = pickle.dumps(("code", None, _Planted(marker)))
    if signed_by == "another key":
        data = hmac.new(b"k" * 32, data, "blake2b").digest() + data
    (root / ".opskb-cache").mkdir()
    (root / ".opskb-cache" / KEPT_FILE).write_bytes(data)
    assert run_cli("check", "--kb", str(root)).exit_code == 0
    assert _saved(root)  # a cache of its own in the planted one's place
    assert not marker.exists()
    reads.clear()
    assert load_kb(root, kept=True).catalog.by_path[RUNBOOK].title == "Reset VPN token"
    assert reads == []


def test_a_cache_made_by_other_code_is_passed_over(make_kb, reads, monkeypatch):
    root = make_kb()
    _kept(root)
    monkeypatch.setattr(kept_loads, "_code", lambda: "other code")
    reads.clear()
    _kept(root)
    assert len(reads) == 3  # every document read again


def test_without_a_user_cache_folder_commands_load_as_before(make_kb, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    root = make_kb({"runbooks/vpn/broken.md": BROKEN})
    result = run_cli("check", "--kb", str(root))
    assert result.exit_code == 1 and "broken.md" in result.output
    assert not (root / ".opskb-cache" / KEPT_FILE).exists()


def test_only_a_changed_body_is_read_for_other_tools_markdown_again(make_kb, monkeypatch):
    import opskb.pipeline as pipeline

    nested = "---\ntitle: Nested\ntier: L1\nsystems: [vpn]\n---\n1. Open it\n  - then this\n"
    root = make_kb({"runbooks/vpn/nested.md": nested})
    fresh = load_kb(root).catalog.bodies  # no cache: every body read
    read: list[str] = []
    real = pipeline.commonmark_lists
    monkeypatch.setattr(pipeline, "commonmark_lists", lambda body: read.append(body) or real(body))

    assert _kept(root).catalog.bodies == fresh
    assert len(read) == len(fresh)
    assert "    - then this" in fresh["runbooks/vpn/nested.md"]  # read as its author meant
    read.clear()
    assert _kept(root).catalog.bodies == fresh  # the next command: all kept
    assert read == []
    runbook = root / "runbooks/vpn/nested.md"
    runbook.write_text(nested + "2. Close it\n", encoding="utf-8")
    assert "2. Close it" in _kept(root).catalog.bodies["runbooks/vpn/nested.md"]
    assert len(read) == 1
