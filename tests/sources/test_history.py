"""History: each file's last commit date and author, read from a git checkout."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from opskb.sources.history import Change, last_changes


def _git(root: Path, *args: str, date: str = "", author: str = "Ada Ops") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _commit(root: Path, files: dict[str, str], date: str, author: str) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "change", date=date, author=author)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    _git(root, "init", "-q")
    _commit(
        root,
        {"runbooks/vpn/reset.md": "one\n", "runbooks/vpn/resync.md": "one\n"},
        "2025-03-04T10:00:00+00:00",
        "Ada Ops",
    )
    _commit(root, {"runbooks/vpn/reset.md": "two\n"}, "2026-02-05T23:30:00-05:00", "Bo Desk")
    return root


def test_each_file_has_its_last_commits_date_and_author(repo: Path) -> None:
    assert last_changes(repo) == {
        "runbooks/vpn/reset.md": Change("2026-02-05", "Bo Desk"),  # the date as committed
        "runbooks/vpn/resync.md": Change("2025-03-04", "Ada Ops"),
    }


def test_paths_are_relative_to_a_folder_inside_the_checkout(repo: Path) -> None:
    assert last_changes(repo / "runbooks") == {
        "vpn/reset.md": Change("2026-02-05", "Bo Desk"),
        "vpn/resync.md": Change("2025-03-04", "Ada Ops"),
    }


def test_a_file_not_yet_committed_has_no_entry(repo: Path) -> None:
    (repo / "runbooks/vpn/new.md").write_text("new\n", encoding="utf-8")
    assert "runbooks/vpn/new.md" not in last_changes(repo)


def test_a_folder_that_is_not_a_checkout_knows_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.md").write_text("a\n", encoding="utf-8")
    assert last_changes(plain) == {}


def test_the_cache_answers_at_the_same_commit_and_a_new_commit_walks_again(
    repo: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = last_changes(repo, cache)
    assert (cache / "history.json").is_file()
    assert last_changes(repo, cache) == first

    _commit(repo, {"runbooks/vpn/resync.md": "two\n"}, "2026-04-01T08:00:00+00:00", "Cy Net")
    assert last_changes(repo, cache)["runbooks/vpn/resync.md"] == Change("2026-04-01", "Cy Net")


def test_a_damaged_cache_is_walked_past(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "history.json").write_text("{not json", encoding="utf-8")
    assert last_changes(repo, cache)["runbooks/vpn/reset.md"] == Change("2026-02-05", "Bo Desk")
