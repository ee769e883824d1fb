"""fork_map: results in order, shared by who is free, errors raised here, workers reaped."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from opskb.executor import can_fork
from opskb.fork_map import fork_map

needs_fork = pytest.mark.skipif(not can_fork(), reason="fork_map shares work through os.fork")


@needs_fork
def test_fork_map_keeps_order_and_raises_a_workers_error_here() -> None:
    items = list(range(101))
    assert fork_map(lambda i: (i * i, os.getpid()), items, 1)[5][0] == 25
    shared = fork_map(lambda i: (i * i, os.getpid()), items, 3)
    assert [square for square, _ in shared] == [i * i for i in items]
    assert len({pid for _, pid in shared}) == 3  # every process did a share

    def fails_on_seven(i: int) -> int:
        if i == 7:
            raise ValueError("seven")
        return i

    with pytest.raises(ValueError, match="seven"):  # 7 is in another process's share
        fork_map(fails_on_seven, items, 3)


@needs_fork
def test_fork_map_shares_by_who_is_free_and_keeps_what_a_dead_worker_sent() -> None:
    """A process held up by a slow item does fewer of the rest; runs a worker sent
    before it died are kept, and those it left are done here."""
    caller = os.getpid()

    def slow_first(i: int) -> int:
        if i == 0:  # in the caller's first run
            time.sleep(2)
        return os.getpid()

    pids = fork_map(slow_first, list(range(400)), 2)
    assert pids.count(caller) < 100, "the worker took the runs the caller could not"
    assert len(set(pids)) == 2

    def dies_late(i: int) -> tuple[int, int]:
        if os.getpid() != caller and i >= 300:
            os._exit(9)
        return i * 2, os.getpid()

    results = fork_map(dies_late, list(range(400)), 2)
    assert [value for value, _ in results] == [i * 2 for i in range(400)]
    assert any(pid != caller for _, pid in results), "what it sent before dying is kept"


@needs_fork
def test_fork_map_stops_its_workers_when_the_caller_fails(tmp_path: Path) -> None:
    """An error in the caller's own run is raised at once; the workers are stopped and
    reaped, not left running (or as zombies) behind the failed build."""
    caller = os.getpid()

    def fails_here(i: int) -> int:
        if os.getpid() == caller:
            deadline = time.monotonic() + 30
            while not any(tmp_path.iterdir()) and time.monotonic() < deadline:
                time.sleep(0.01)  # until the worker is at work
            raise ValueError("here")
        (tmp_path / str(os.getpid())).touch()
        time.sleep(0.05)
        return i

    with pytest.raises(ValueError, match="here"):
        fork_map(fails_here, list(range(400)), 2)
    (worker,) = [int(p.name) for p in tmp_path.iterdir()]
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)


@needs_fork
def test_fork_map_without_a_temporary_folder_does_the_work_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile as tempfile_module

    def no_room(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile_module, "TemporaryFile", no_room)
    assert fork_map(lambda i: (i, os.getpid()), list(range(50)), 3) == [
        (i, os.getpid()) for i in range(50)
    ]
