"""Build workers: the pages of one build shared between processes, one per CPU.

Converting Markdown and rendering the theme take most of a large build and
each page is independent of the others, so a build forks once the
navigation is known: every process holds the whole site (nav, links,
titles) but converts and writes only its own share of the pages. Shares
are planned from each page's size so that they finish together; the first
process keeps its share and writes everything else (assets, sitemap,
search index) after the others are done.

Fork is the only primitive used (no pickling, nothing re-imported), so this
runs only where ``os.fork`` is safe: Linux.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import heapq
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NoReturn

__all__ = [
    "FAILED",
    "OK",
    "WARNED",
    "BuildWorkers",
    "after_forks",
    "available_cpus",
    "before_fork",
    "can_fork",
    "collector_paused",
    "detach",
    "die_with_parent",
    "plan_shares",
    "remove_later",
]

OK, FAILED, WARNED = 0, 1, 3  # a worker's exit status: done, failed, done with warnings
FILE_ERROR = 64  # a worker's exit status FILE_ERROR + errno: it met that file-system error
PAGE_COST = 5_000  # the theme's cost of any page, in Markdown characters' worth of work
MAX_AUTO_WORKERS = 4  # each worker's memory grows as it renders; more CPUs gain little


def available_cpus() -> int:
    """How many processes a build may use by default: the CPUs this process may run on."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_AUTO_WORKERS))


def before_fork() -> bool:
    """Ready this process to fork children that share its memory.

    Output is flushed so it is not written twice; ``gc.freeze`` keeps the
    collector, in this process and in the children, from touching (and so
    copying) every object both hold, which otherwise made a forked child's
    memory its own. Returns what to give :func:`after_forks` once the
    children are joined.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    return thaw


def after_forks(thaw: bool) -> None:
    """The children forked since :func:`before_fork` are joined: what it froze goes back
    to the collector, so that a library call leaves the collector as it found it.

    Only when nothing was frozen before (``thaw``): objects cannot be thawed one
    by one, and what a caller froze itself (``opskb build`` freezes what loading
    made) stays frozen, with what was made since.
    """
    if thaw:
        gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused, in this process and in workers forked meanwhile,
    and then left as it was found.

    Loading makes millions of objects that live for the whole build, and each
    full collection walks all of them: 0.4 s of 2.5 at 10,000 documents,
    more the more there are; rendering then makes no cycles to collect, yet
    its collections took a tenth of it.

    Whether what was made is frozen after (``gc.freeze``: no later collection
    walks it, 0.13 s after loading 10,000 documents) is the command's choice,
    not the library's: a live preview frees each load when the next replaces
    it, and frozen objects are never collected.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def plan_shares(sizes: Mapping[str, int], workers: int) -> list[frozenset[str]]:
    """Split pages (``src_uri → Markdown characters``) into ``workers`` shares of equal work.

    Largest page first, each to the share with least work so far; ties go to
    the lower share, so the same pages always give the same shares.
    """
    loads = [(0, share) for share in range(workers)]
    shares: list[set[str]] = [set() for _ in range(workers)]
    for uri in sorted(sizes, key=lambda u: (-sizes[u], u)):
        work, share = heapq.heappop(loads)
        shares[share].add(uri)
        heapq.heappush(loads, (work + sizes[uri] + PAGE_COST, share))
    return [frozenset(s) for s in shares]


def die_with_parent() -> None:
    """Ask Linux to kill this worker if the build that forked it dies (``PR_SET_PDEATHSIG``)."""
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


class BuildWorkers:
    """The processes sharing one build; ``index`` 0 is the process that started it."""

    def __init__(self) -> None:
        self.index = 0
        self._children: list[int] = []
        self._thaw = False

    @property
    def is_worker(self) -> bool:
        return self.index > 0

    def start(self, count: int) -> int:
        """Fork ``count - 1`` workers; returns this process's share index."""
        parent = os.getpid()
        for index in range(1, count):
            self._thaw = before_fork() or self._thaw
            pid = os.fork()
            if pid == 0:
                self.index, self._children, self._thaw = index, [], False
                die_with_parent()
                for number in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(number, lambda *_: os._exit(FAILED))
                if os.getppid() != parent:  # the build died before the line above ran
                    os._exit(FAILED)
                return index
            self._children.append(pid)
        return 0

    def finish(
        self, *, failed: bool = False, warned: bool = False, error: BaseException | None = None
    ) -> NoReturn:
        """End a worker: its pages are written; its status tells the first process how
        (``warned``: the engine logged warnings that fail a strict build; which file-system
        ``error`` it met, such as a full disk)."""
        status = FAILED if failed else (WARNED if warned else OK)
        if isinstance(error, OSError) and 0 < (error.errno or 0) < 256 - FILE_ERROR:
            status = FILE_ERROR + error.errno
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)

    def wait(self) -> list[int]:
        """Wait for every worker; their exit statuses. A file-system error a worker met
        is raised here, as if this process had met it, so that it is reported once."""
        statuses = []
        for pid in self._children:
            _, status = os.waitpid(pid, 0)
            statuses.append(os.waitstatus_to_exitcode(status))
        self._children = []
        after_forks(self._thaw)
        self._thaw = False
        for status in statuses:
            if status > FILE_ERROR:
                raise OSError(status - FILE_ERROR, os.strerror(status - FILE_ERROR))
        return statuses

    def stop(self) -> None:
        """Stop the workers of a build that failed."""
        for pid in self._children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(OSError):  # the build failed already: its error is reported
            self.wait()


def detach(task: Callable[[], object], *, nice: int = 0, keep: Sequence[int] = ()) -> bool:
    """Run ``task`` in a process of its own that outlives this one, without waiting.

    The process is a grandchild in a process group of its own, so it is never
    a zombie of a long-running caller and the terminal's Ctrl-C does not reach
    it. It stays in the caller's session: the kernel's scheduler weighs a
    session's processes together (autogroups), so ``nice`` leaves the CPUs to
    the caller's processes, where a session of its own would get as much as
    all of them. It keeps no file descriptor but those in ``keep``: a pipe our
    caller reads to its end (``opskb build | tee``) must not stay open. Its
    output goes nowhere and its failure is its own. Returns ``False``
    (nothing run) where fork is unavailable.
    """
    if not can_fork():
        return False
    thaw = before_fork()
    child = os.fork()
    if child == 0:  # leave at once: the grandchild, orphaned, does the work
        try:
            if os.fork() == 0:
                os.setpgid(0, 0)
                # a kept descriptor below 3 (the caller's standard streams were closed) moves up
                import fcntl

                keep = [fd if fd > 2 else fcntl.fcntl(fd, fcntl.F_DUPFD, 3) for fd in keep]
                quiet = os.open(os.devnull, os.O_RDWR)
                for stream in (0, 1, 2):
                    if quiet != stream:
                        os.dup2(quiet, stream)
                _close_all_but(sorted({0, 1, 2, *keep}))
                if nice:
                    os.nice(nice)
                with contextlib.suppress(BaseException):
                    task()
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    after_forks(thaw)  # the grandchild keeps its copy frozen
    return True


def _close_all_but(kept: list[int]) -> None:
    low = 0
    for fd in [*kept, os.sysconf("SC_OPEN_MAX")]:
        if low < fd:  # an empty range is not a no-op for every os.closerange
            os.closerange(low, fd)
        low = fd + 1


def remove_orphans(parent, prefix: str) -> None:
    """Remove the folders ``parent/PREFIX<pid>-…`` of processes that are gone (killed
    mid-way, say); those of processes still running are theirs."""
    for folder in parent.glob(prefix + "*"):
        pid = folder.name.removeprefix(prefix).split("-", 1)[0]
        if not pid.isdigit() or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (PermissionError, OverflowError, OSError):
            continue


def remove_later(folder, *, fork: bool = True) -> None:
    """Delete ``folder`` without waiting for it (thousands of files take seconds).

    With ``fork`` (and where it is available) a detached process does it and
    outlives this one; else a background thread, for a long-running process
    such as the live preview's server.
    """
    if not (fork and detach(lambda: shutil.rmtree(folder, ignore_errors=True))):
        threading.Thread(target=shutil.rmtree, args=(folder, True), daemon=True).start()
