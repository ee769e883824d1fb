"""The next build's reused pages, put in place while nobody waits for them.

A rebuild takes most pages' HTML from the site it replaces (``reuse.py``) and
hard-links each into its new site folder: a folder and a link a page, half a
second or more of a rebuild at 5,000 pages. So once a build is in place, a
detached process makes those folders and links for the next build, in the
cache folder (:func:`keep_pages_for_next`: a copy of the site's pages that
shares their files, so it takes folders, not space). The next build claims
it (:func:`claim_pages`) and moves its folders into its new site folder at
once (:func:`take_pages`); it keeps a page only while it is still the very
file of the site it replaces and that build reuses it, and removes every
other one before anything is written there: a page rendered again is written
as a new file, never through a link into the site online.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from ...executor import detach, remove_later, remove_orphans
from ...packs import digest

__all__ = ["claim_pages", "keep_pages_for_next", "take_pages"]

FOLDER = "next-site"  # in the cache folder: one prepared copy per site folder
LISTED = ".opskb-prepared.json"  # in a prepared copy: the pages it links, removed on use
PREPARE_NICE = 10  # the next build may start at once: this yields to it


def _home(cache_dir: Path, target: Path) -> tuple[Path, str]:
    return cache_dir / FOLDER, digest(str(target.resolve()))[:20]


def prepare_pages(site: Path, pages: Iterable[str], folder: Path) -> bool:
    """Hard-link each page (a path in ``site``) into a new folder put at ``folder`` once
    whole; whether it was (not where the cache folder is on another file system)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(folder.parent, f"{folder.name}-")  # what killed preparations left
    temp = folder.with_name(f"{folder.name}-{os.getpid()}-{secrets.token_hex(4)}")
    made: set[Path] = set()
    linked = []
    try:
        for rel in pages:
            source, copy = site / rel, temp / rel
            if copy.parent not in made:
                copy.parent.mkdir(parents=True, exist_ok=True)
                made.add(copy.parent)
            try:
                os.link(source, copy)
            except FileNotFoundError:  # a page that wrote nothing: the next build makes it
                continue
            linked.append(rel)
        (temp / LISTED).write_text(json.dumps(linked), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(temp, folder)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        return False
    return True


def keep_pages_for_next(cache_dir: Path, target: Path, pages: list[str]) -> None:
    """After a build put its site at ``target``: its ``pages`` (paths in it) linked for
    the next build, in a process of its own at a low priority (nothing where there is
    no fork: the next build links them itself)."""
    home, key = _home(cache_dir, target)
    detach(lambda: prepare_pages(target, pages, home / key), nice=PREPARE_NICE)


def claim_pages(cache_dir: Path, target: Path, staging: Path) -> Path | None:
    """The pages prepared for a build of ``target`` into ``staging``, moved beside it so
    that no other build takes them (and a killed build's are removed with its staging
    folder); ``None`` if there are none (not yet, or elsewhere)."""
    home, key = _home(cache_dir, target)
    claimed = staging.with_name(staging.name + "-prepared")
    try:
        os.rename(home / key, claimed)
    except OSError:
        return None
    return claimed


def take_pages(prepared: Path, site: Path, keep: Callable[[str, Path], bool]) -> set[str]:
    """Move the ``prepared`` pages into ``site`` (empty: nothing is written yet); the
    paths of those ``keep`` (a page's path, its file) says are still right. Every other
    page is removed at once, with the folders it leaves empty. When fewer than half would
    be kept, none is moved and the copy is removed in the background."""
    try:
        listed = json.loads((prepared / LISTED).read_text(encoding="utf-8"))
        kept = {rel for rel in listed if keep(rel, prepared / rel)}
    except (OSError, ValueError):
        listed, kept = [], set()
    if not listed or len(kept) * 2 < len(listed):
        remove_later(prepared)
        return set()
    moved = []
    try:
        (prepared / LISTED).unlink()
        for entry in sorted(os.listdir(prepared)):
            os.rename(prepared / entry, site / entry)
            moved.append(site / entry)
        os.rmdir(prepared)
    except OSError:  # no link may stay where the build writes
        for entry in moved:
            shutil.rmtree(entry, ignore_errors=True)
        remove_later(prepared)
        return set()
    for rel in listed:
        if rel in kept:
            continue
        page = site / rel
        with contextlib.suppress(FileNotFoundError):
            page.unlink()
        folder = page.parent
        with contextlib.suppress(OSError):  # not empty: a page left in it
            while folder != site:
                folder.rmdir()
                folder = folder.parent
    return kept
