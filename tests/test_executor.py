"""A build shared between processes writes the same site as one process, or fails whole."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opskb.engines.mkdocs.plugin import OpskbPlugin
from opskb.executor import PAGE_COST, can_fork, plan_shares

from bench.synthetic import write_kb
from tests.conftest import run_cli

needs_fork = pytest.mark.skipif(not can_fork(), reason="build workers need os.fork (Linux)")


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def set_workers(root: Path, count: int) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - opskb:\n", f"  - opskb:\n      workers: {count}\n"))


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers(0, 10**6), max_size=60),
       st.integers(1, 5))  # fmt: skip
def test_shares_hold_every_page_once_and_balance_the_work(sizes, workers) -> None:
    shares = plan_shares(sizes, workers)
    assert len(shares) == workers
    assert sorted(uri for share in shares for uri in share) == sorted(sizes)
    work = [sum(sizes[u] + PAGE_COST for u in share) for share in shares]
    largest = max((s + PAGE_COST for s in sizes.values()), default=0)
    assert max(work) - min(work) <= largest  # greedy, largest first: within one page
    assert plan_shares(dict(reversed(list(sizes.items()))), workers) == shares


@needs_fork
def test_two_processes_write_the_site_one_process_writes(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", documents=80, seed=11)
    sites = {}
    for count in (1, 2, 3, -2):  # a count below 1 means one process
        set_workers(kb.root, count)
        folder = tmp_path / f"site-{count}"
        result = run_cli("build", "--kb", kb.root, "-q", "--strict", "-d", folder)
        assert result.exit_code == 0, result.output
        sites[count] = tree(folder)
        config = (kb.root / "mkdocs.yml").read_text(encoding="utf-8")
        (kb.root / "mkdocs.yml").write_text(config.replace(f"      workers: {count}\n", ""))
    pages = [name for name in sites[1] if name.endswith("index.html")]
    assert len(pages) > 80
    assert sites[2] == sites[1]
    assert sites[3] == sites[1]
    assert sites[-2] == sites[1]


@needs_fork
@pytest.mark.parametrize("count", [1, 2])
def test_a_rebuild_after_an_edit_writes_the_site_a_whole_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """MkDocs goes over the pages a rebuild converts, no other; every other page is put in
    place from the previous site by the process whose run of neighbours holds it."""
    kb = write_kb(tmp_path / "kb", documents=60, seed=13)
    set_workers(kb.root, count)
    site = tmp_path / "site"
    assert run_cli("build", "--kb", kb.root, "-q", "--strict", "-d", site).exit_code == 0
    with (kb.root / kb.published_runbooks[0]).open("a", encoding="utf-8") as handle:
        handle.write("\nCall the vendor hotline zephyrquartz first.\n")
    rendered: list[str] = []
    listed: set[int] = set()
    render = OpskbPlugin.on_page_context

    def counted(self, context, *, page, **kwargs):
        rendered.append(page.file.src_uri)
        context = render(self, context, page=page, **kwargs)
        listed.add(len(context["pages"]))  # a page's context lists every page, as before
        return context

    monkeypatch.setattr(OpskbPlugin, "on_page_context", counted)
    assert run_cli("build", "--kb", kb.root, "-q", "--strict", "-d", site).exit_code == 0
    monkeypatch.undo()
    whole = tmp_path / "whole"  # a folder of its own: no previous site to take pages from
    assert run_cli("build", "--kb", kb.root, "-q", "--strict", "-d", whole).exit_code == 0

    assert tree(site) == tree(whole)
    pages = [name for name in tree(whole) if name.endswith("index.html")]
    assert len(pages) > 60
    if count == 1:  # the workers' calls are in their own processes
        assert 0 < len(rendered) < 12, rendered
        assert listed == {len(pages)}


@needs_fork
def test_a_failing_worker_fails_the_build_and_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = write_kb(tmp_path / "kb", documents=40, seed=12)
    set_workers(kb.root, 2)
    site = tmp_path / "site"
    assert run_cli("build", "--kb", kb.root, "-q", "-d", site).exit_code == 0
    before = tree(site)
    parent = os.getpid()
    convert = OpskbPlugin.on_page_content

    def fail_in_worker(self, html, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("disk full")
        return convert(self, html, **kwargs)

    monkeypatch.setattr(OpskbPlugin, "on_page_content", fail_in_worker)
    scratch = tmp_path / "scratch"  # where the search index is written beside the build
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with (kb.root / kb.published_runbooks[0]).open("a", encoding="utf-8") as handle:
        handle.write("\nChanged.\n")
    result = run_cli("build", "--kb", kb.root, "-q", "-d", site)

    assert result.exit_code == 1
    assert "build worker failed" in result.output
    assert tree(site) == before
    assert not list(tmp_path.glob(".site-build-*"))
    deadline = time.monotonic() + 60  # its files are removed in the background
    while list(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(scratch.iterdir()), "the search indexer was stopped and cleaned up"


def test_loading_and_rendering_leave_no_cycles(tmp_path: Path) -> None:
    """What loading and rendering made is freed by reference counting alone, so a
    command may freeze it (``opskb build`` does): frozen, a cycle's objects would
    never be freed, and a live preview reloads again and again."""
    import gc

    from opskb.pages import render_site
    from opskb.pipeline import load_kb
    from opskb.sources.load import LoadCache

    root = write_kb(tmp_path / "kb", documents=150).root
    cache = LoadCache()
    load_kb(root, cache=cache)  # modules imported, templates compiled
    with collector_state(enabled=False, frozen=False):
        gc.collect()  # whatever was garbage before
        for _ in range(2):  # the second load keeps files from the first, as a preview does
            kb = load_kb(root, cache=cache)
            site = render_site(kb.catalog)
        del kb, site
        assert gc.collect() == 0, "loading or rendering made reference cycles"


@contextlib.contextmanager
def collector_state(*, enabled: bool, frozen: bool):
    """The collector enabled or not, with nothing frozen or some objects frozen; as the
    test found it after."""
    import gc

    was_enabled, was_frozen = gc.isenabled(), gc.get_freeze_count()
    gc.unfreeze()
    if frozen:
        gc.freeze()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_frozen:
            gc.freeze()
        (gc.enable if was_enabled else gc.disable)()


def collector() -> tuple[bool, int]:
    import gc

    return gc.isenabled(), gc.get_freeze_count()


@pytest.mark.parametrize("enabled", [True, False])
def test_library_calls_leave_the_collector_as_they_found_it(tmp_path: Path, enabled) -> None:
    """Freezing objects and pausing the collector are the command's choices: loading,
    rendering and a forked map (which freezes while its workers run) undo their own."""
    from opskb.fork_map import fork_map
    from opskb.pages import render_site
    from opskb.pipeline import load_kb

    root = write_kb(tmp_path / "kb", documents=60).root
    with collector_state(enabled=enabled, frozen=False):
        kb = load_kb(root, workers=2)
        assert collector() == (enabled, 0)
        render_site(kb.catalog, workers=2)
        assert collector() == (enabled, 0)
        assert fork_map(abs, list(range(-40, 0)), 2) == list(range(40, 0, -1))
        assert collector() == (enabled, 0)


@needs_fork
def test_a_fork_keeps_what_its_caller_froze_frozen() -> None:
    """Objects cannot be thawed one by one: what a command froze stays frozen."""
    from opskb.fork_map import fork_map

    with collector_state(enabled=True, frozen=True):
        frozen = collector()[1]
        assert frozen > 0
        assert fork_map(abs, list(range(-40, 0)), 2) == list(range(40, 0, -1))
        assert collector()[1] >= frozen


@needs_fork
def test_build_workers_thaw_once_joined() -> None:
    from opskb.executor import BuildWorkers

    with collector_state(enabled=True, frozen=False):
        workers = BuildWorkers()
        if workers.start(2):
            workers.finish()
        assert collector()[1] > 0  # shared with the worker while it runs
        assert workers.wait() == [0]
        assert collector() == (True, 0)
