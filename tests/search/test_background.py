"""The terminal search index brought up to date after a build, without holding it up."""

from __future__ import annotations

import json
import os
import select
import threading
import time
from pathlib import Path

import pytest
from opskb import executor as workers
from opskb.pipeline import load_kb
from opskb.search import SearchIndex
from opskb.search.background import BACKGROUND_NICE, start_index_update

from bench.synthetic import write_kb as write_synthetic_kb

needs_fork = pytest.mark.skipif(not workers.can_fork(), reason="updates in the background on Linux")


@pytest.fixture
def synthetic(tmp_path: Path):
    return write_synthetic_kb(tmp_path / "kb", documents=120, seed=8)


@pytest.fixture
def held_update(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Detached updates wait for ``release()`` before writing; they say who they are."""
    go, seen = tmp_path / "go", tmp_path / "seen.json"
    real = SearchIndex.update

    def update(self, catalog):
        me = {"nice": os.nice(0), "parent": os.getppid(), "group": os.getpgid(0) == os.getpid()}
        me["session"] = os.getsid(0)
        me["fds"] = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
        seen.write_text(json.dumps(me))
        for _ in range(6000):  # a minute at most, should the test fail before releasing
            if go.exists():
                break
            time.sleep(0.01)
        return real(self, catalog)

    monkeypatch.setattr(SearchIndex, "update", update)
    yield (lambda: go.touch()), seen
    go.touch()


def generations(root: Path) -> set[str]:
    folder = root / ".opskb-cache" / "search"
    return {p.name for p in folder.glob("gen-*")} if folder.is_dir() else set()


@needs_fork
def test_the_update_runs_detached_and_a_search_waits_for_it(synthetic, held_update) -> None:
    release, seen = held_update
    read, write = os.pipe()  # stands for a pipe the build's caller reads to its end
    try:
        build_done = start_index_update(synthetic.root, load_kb(synthetic.root).catalog)
    finally:
        os.close(write)
    assert build_done is not None
    index = SearchIndex.open(synthetic.root)
    assert index.store.try_lock() is None  # the detached process holds the writer's lock
    assert start_index_update(synthetic.root, load_kb(synthetic.root).catalog) is None
    time.sleep(0.3)
    assert not seen.exists()  # it waits for the build to be done: no memory of its own yet
    build_done()
    for _ in range(3000):
        if seen.exists() and seen.stat().st_size:
            break
        time.sleep(0.01)
    me = json.loads(seen.read_text())
    assert me["nice"] == BACKGROUND_NICE  # low priority, among the build's processes
    assert me["group"] and me["session"] == os.getsid(0)  # out of reach of the terminal's ^C
    assert me["parent"] != os.getpid()  # no child of ours: nothing to reap, no zombie
    ended, _, _ = select.select([read], [], [], 60)  # bounded: never hang the suite
    assert ended and os.read(read, 1) == b""  # it holds no descriptor of ours but the lock's
    os.close(read)

    waited, outcome = [], []
    search = threading.Thread(
        target=lambda: outcome.append(index.refresh(lambda: waited.append(True)))
    )
    search.start()
    time.sleep(0.3)
    assert search.is_alive() and waited == [True]  # told, and waiting
    release()
    search.join(timeout=60)
    assert outcome and outcome[0].indexed == 0  # the build's process did the indexing
    runbook = next(p for p in synthetic.runbooks if p not in synthetic.drafts)
    assert index.search(synthetic.symptom[runbook]).hits[0].path == runbook


@needs_fork
def test_a_failed_detached_update_is_quiet_and_the_next_search_indexes(
    synthetic, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken(self, catalog):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SearchIndex, "update", broken)
    start_index_update(synthetic.root, load_kb(synthetic.root).catalog)()
    monkeypatch.undo()
    index = SearchIndex.open(synthetic.root)
    update = index.refresh()  # waits for the failed writer, then indexes everything itself
    assert update.indexed > 100 and update.rebuilt
    assert "disk on fire" not in "".join(capfd.readouterr())
    assert len(generations(synthetic.root)) == 1


def test_without_fork_the_update_is_done_before_start_returns(
    make_kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    root = make_kb()
    start_index_update(root, load_kb(root).catalog)()
    lock = SearchIndex.open(root).store.try_lock()
    assert lock is not None  # nobody holds it any more
    lock.close()
    hits = SearchIndex.open(root).search("token code invalid").hits
    assert [h.path for h in hits] == ["runbooks/vpn/reset-token.md"]

    (root / ".opskb-cache" / "search").rename(root / ".opskb-cache" / "moved")
    (root / ".opskb-cache" / "search").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OSError):
        start_index_update(root, load_kb(root).catalog)


def test_without_fork_a_build_updates_the_index_once_it_has_its_catalogue(
    make_kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import run_cli

    monkeypatch.setattr(workers, "can_fork", lambda: False)
    root = make_kb()
    assert start_index_update(root) is None  # nothing to fork early: nothing started

    result = run_cli("build", "--kb", root, "-q")

    assert result.exit_code == 0, result.output
    index = SearchIndex.open(root)
    assert index.refresh().indexed == 0  # the build indexed every document
    assert [h.path for h in index.search("token code invalid").hits] == [
        "runbooks/vpn/reset-token.md"
    ]


def _lock_free(root: Path) -> bool:
    """Whether the index's writer lock is free (a bounded wait for it)."""
    store = SearchIndex.open(root).store
    for _ in range(3000):
        lock = store.try_lock()
        if lock is not None:
            lock.close()
            return True
        time.sleep(0.01)
    return False


@needs_fork
def test_an_update_forked_before_loading_loads_what_it_indexes_itself(synthetic) -> None:
    """``opskb build`` forks it before it loads anything: it holds none of the build's
    memory while it waits, and loads the knowledge base once the build is done."""
    release = start_index_update(synthetic.root)  # no catalogue: nothing loaded yet
    assert release is not None
    time.sleep(0.3)
    assert generations(synthetic.root) == set()  # it waits for the build
    release()
    assert _lock_free(synthetic.root)
    index = SearchIndex.open(synthetic.root)
    assert index.refresh().indexed == 0  # it indexed every document
    runbook = next(p for p in synthetic.runbooks if p not in synthetic.drafts)
    assert index.search(synthetic.symptom[runbook]).hits[0].path == runbook


@needs_fork
def test_an_update_forked_for_a_build_that_failed_indexes_nothing_and_lets_go(
    synthetic, make_kb
) -> None:
    start_index_update(synthetic.root).abandon()
    assert _lock_free(synthetic.root) and generations(synthetic.root) == set()
    broken = make_kb({"runbooks/vpn/broken.md": "---\ntitle: Broken\ntier: L9\n---\nx\n"})
    from tests.conftest import run_cli

    assert run_cli("build", "--kb", broken, "-q").exit_code == 1
    assert _lock_free(broken)  # the failed build's update let the lock go: no search waits
    assert generations(broken) == set()
