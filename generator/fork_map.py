"""``fork_map``: a function over many items, shared between forked processes.

Items come in runs that each process claims as it is free, so a process whose items
are cheap does more of them; results come back pickled through a file only the caller
and that worker share, announced on a pipe. Fork only (see ``executor``): where it is
not safe, or for a few items, the map runs in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import tempfile
from collections.abc import Callable, Sequence
from typing import TypeVar

from .executor import FAILED, OK, after_forks, before_fork, can_fork, die_with_parent

__all__ = ["fork_map"]

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 16  # fork_map's items come in this many runs per process, taken as each is free
MAX_RUNS = 4096  # their numbers must fit in a pipe's buffer (64 KiB) before any is read
_RECORD = struct.Struct("=QQ")  # where a worker wrote a run's results: offset, length


class _Worker:
    """A forked worker of ``fork_map`` as its caller sees it: each run it finishes is
    written, pickled, to a file only the two share, and announced on a pipe, so
    the caller takes results in between its own runs instead of all at the end."""

    def __init__(self, pid: int, results: int, notices: int) -> None:
        self.pid, self.results, self.notices = pid, results, notices
        self.pending = b""

    def take(self, done: dict[int, list], *, wait: bool) -> None:
        """Take in the runs announced so far; with ``wait``, every run until the worker ends."""
        os.set_blocking(self.notices, wait)
        while True:
            try:
                chunk = os.read(self.notices, 64 * _RECORD.size)
            except BlockingIOError:
                return
            if not chunk:
                return
            self.pending += chunk
            whole = len(self.pending) - len(self.pending) % _RECORD.size
            for offset, length in _RECORD.iter_unpack(self.pending[:whole]):
                number, results = pickle.loads(os.pread(self.results, length, offset))
                done[number] = results
            self.pending = self.pending[whole:]


def _sender(spool, notify: int) -> Callable[[int, list], None]:
    """How a worker sends a finished run: pickled into ``spool``, announced on ``notify``."""

    def send(number: int, run: list) -> None:
        data = pickle.dumps((number, run), pickle.HIGHEST_PROTOCOL)
        spool.write(data)
        spool.flush()  # in the file before it is announced
        os.write(notify, _RECORD.pack(spool.tell() - len(data), len(data)))

    return send


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    finish: Callable[[], None] | None = None,
) -> list[R]:
    """``[func(item) for item in items]``, the items shared between forked processes.

    The items are cut into runs; each process starts on its own run, then
    takes the next one not yet taken until none is left, so a process that
    drew slow items (put them first) or spends time taking in the others'
    results does fewer runs. Results come back pickled; the caller's memory is
    shared, so ``func`` may use anything in scope and nothing is imported
    again. Runs a worker did not send back (it failed) are done again here,
    so an error is raised in the caller. A forked worker calls ``finish`` once
    it is done (to save what it kept).
    """
    if workers <= 1 or len(items) < 2 * workers or not can_fork():
        return [func(item) for item in items]
    size = -(-len(items) // min(workers * CHUNKS_PER_WORKER, MAX_RUNS))
    runs = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    workers = min(workers, len(runs))
    # Runs after each process's first are claimed by reading their number from a
    # pipe: filled and closed before forking, read 4 bytes at a time (whole on Linux).
    claims, fill = os.pipe()
    with os.fdopen(fill, "wb") as pipe:
        pipe.write(struct.pack(f"={len(runs) - workers}I", *range(workers, len(runs))))

    def work(first: int, keep: Callable[[int, list[R]], None]) -> None:
        number = first
        while True:
            keep(number, [func(items[i]) for i in runs[number]])
            claim = os.read(claims, 4)
            if len(claim) < 4:
                return
            (number,) = struct.unpack("=I", claim)

    done: dict[int, list[R]] = {}
    children: list[_Worker] = []
    thaw = False
    for share in range(1, workers):
        try:
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's results; closed below
        except OSError:  # no temporary folder to write to: the runs left are done here
            break
        notices, notify = os.pipe()
        thaw = before_fork() or thaw
        pid = os.fork()
        if pid == 0:  # never returns into the caller
            status = FAILED
            try:
                os.close(notices)
                die_with_parent()
                work(share, _sender(spool, notify))
                if finish is not None:
                    finish()
                status = OK
            finally:
                os._exit(status)
        os.close(notify)
        children.append(_Worker(pid, os.dup(spool.fileno()), notices))
        spool.close()

    def keep(number: int, run: list[R]) -> None:
        done[number] = run
        for child in children:
            child.take(done, wait=False)

    try:
        work(0, keep)
        for child in children:
            child.take(done, wait=True)
    except BaseException:  # the error is the caller's; the workers' runs are not needed
        for child in children:
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGKILL)
        raise
    finally:
        os.close(claims)
        for child in children:
            os.waitpid(child.pid, 0)
            os.close(child.results)
            os.close(child.notices)
        after_forks(thaw)
    results: list[R] = []
    for number, run in enumerate(runs):
        results += done[number] if number in done else [func(items[i]) for i in run]
    return results
