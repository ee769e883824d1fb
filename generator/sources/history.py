"""History: when each source file last changed, and who changed it, from git.

A knowledge base adopted from a repository has years of history that says
more about a runbook's freshness than a ``last_reviewed`` nobody kept up. One
``git log`` walk gives every file's last change; it is kept in the cache
folder under the commit it was made at (HEAD), so a build at the same commit
does not walk again. Not a git checkout, or no git: nothing is known, and
nothing is said.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Change", "last_changes"]

CACHE_FILE = "history.json"
FORMAT = 1
_HEADER = "\x1e"  # starts each commit's line in the log, never in a path git prints
_TIMEOUT = 120  # seconds; a walk of 100,000 commits takes a few


@dataclass(frozen=True)
class Change:
    """A file's last commit: its author's date (YYYY-MM-DD, as committed) and name."""

    date: str
    author: str


def last_changes(root: Path, cache_dir: Path | None = None) -> dict[str, Change]:
    """Each file's last change below ``root``, by its path relative to ``root``.

    Empty when ``root`` is not in a git checkout, git is missing or fails; the
    files a checkout has not committed yet have no entry.
    """
    git = shutil.which("git")
    if git is None:
        return {}
    head = _git(git, root, "rev-parse", "HEAD")
    if not head:
        return {}
    head = head.strip()
    cache = cache_dir / CACHE_FILE if cache_dir is not None else None
    kept = _cached(cache, head)
    if kept is not None:
        return kept
    log_format = f"--format={_HEADER}%aI%x1f%an"
    options = ("--relative", "--name-only", "--no-ext-diff", "--no-textconv", log_format)
    log = _git(git, root, "log", *options, "--", ".")
    if log is None:
        return {}
    changes = _parse(log)
    _keep(cache, head, changes)
    return changes


def _git(git: str, root: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            # read-only, and no command a repository's own configuration names is run
            [git, "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", *args],
            cwd=root,
            capture_output=True,
            env=env,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def _parse(log: str) -> dict[str, Change]:
    """The newest commit naming each path: ``git log`` lists the newest first."""
    changes: dict[str, Change] = {}
    current = None
    for line in log.split("\n"):
        if line.startswith(_HEADER):
            when, _, author = line[1:].partition("\x1f")
            current = Change(when[:10], author.strip())
        elif line and current is not None and line not in changes:
            changes[line] = current
    return changes


def _cached(cache: Path | None, head: str) -> dict[str, Change] | None:
    if cache is None:
        return None
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("head") != head:
            return None
        return {path: Change(*entry) for path, entry in data["changes"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _keep(cache: Path | None, head: str, changes: dict[str, Change]) -> None:
    if cache is None:
        return
    data = {
        "format": FORMAT,
        "head": head,
        "changes": {p: [c.date, c.author] for p, c in sorted(changes.items())},
    }
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f"{cache.name}.{os.getpid()}")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, cache)
    except OSError:
        pass  # a cache that cannot be written costs one more walk next time
