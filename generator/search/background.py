"""The terminal search index brought up to date beside a build, not before it.

``opskb search`` right after ``opskb build`` should need no indexing, but a
build has no use for the index itself (look-alikes are scored from the
search records, see ``related``). So the build forks a process that writes
the index while the pages render, and waits for it only at the end. The
store publishes a generation with one atomic swap (``store``), so a search
running meanwhile reads the previous generation.

Fork is the only primitive used (nothing pickled, nothing re-imported), as
for the build's own workers; where it is unavailable the update runs at
once, in the caller's process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import NoReturn

from .. import workers
from .index import SearchIndex

__all__ = ["BackgroundIndexUpdate", "start_index_update"]

FAILED = 1
_RUNNING = -(2**31)  # not an exit code
MESSAGE_LIMIT = 2000  # bytes of a failure's message passed back (one pipe write, never blocks)
STOPPING = frozenset({signal.SIGINT, signal.SIGTERM})
CANCEL_GRACE = 5.0  # seconds a cancelled update has to discard its unpublished generation


class BackgroundIndexUpdate:
    """An index update running in a child process (or already done, where fork is missing)."""

    def __init__(self, pid: int | None = None, messages: int | None = None, error: str = ""):
        self._pid = pid
        self._messages = messages  # read end of the pipe the child reports failures on
        self._owner = os.getpid()  # a build worker forked later must not reap it
        self._error = error

    @property
    def running(self) -> bool:
        """Whether a child process is still to be waited for."""
        return self._pid is not None and os.getpid() == self._owner

    def finish(self) -> None:
        """Wait for the update; raises ``OSError`` if it failed."""
        if self.running:
            self._reaped(_wait(self._pid, 0))
        if self._error:
            raise OSError(f"the search index was not updated: {self._error}")

    def cancel(self) -> None:
        """Stop the update and reap its process. An interrupted update discards the
        generation it was writing; the current one stays searchable. ``finish()``
        after ``cancel()`` raises unless the update had already succeeded."""
        if not self.running:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGTERM)
        deadline = time.monotonic() + CANCEL_GRACE
        while time.monotonic() < deadline:
            code = _wait(self._pid, os.WNOHANG)
            if code != _RUNNING:
                self._reaped(code, cancelled=True)
                return
            time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        self._reaped(_wait(self._pid, 0), cancelled=True)

    def _reaped(self, code: int | None, cancelled: bool = False) -> None:
        message = _read_all(self._messages) if self._messages is not None else ""
        self._pid = self._messages = None
        if code == 0 or (code is None and not message):
            return  # done; or reaped by another wait() of this process, and no failure reported
        if cancelled:
            self._error = "cancelled"
        elif message:
            self._error = message
        elif code is None or code > 0:
            self._error = f"the indexing process ended with status {code}"
        else:
            self._error = f"the indexing process was killed by signal {-code}"


def start_index_update(root: Path, catalog) -> BackgroundIndexUpdate:
    """Start bringing the search index of ``root`` up to date with ``catalog``.

    On Linux a forked process writes the index and this returns at once; call
    ``finish()`` to wait (or ``cancel()``). Elsewhere the update is done
    before this returns. A failure is never raised here: ``finish()`` raises it.
    """
    if workers.can_fork():
        messages, report = os.pipe()
        workers.before_fork()
        parent = os.getpid()
        # Ctrl-C or SIGTERM must not reach the child before it can handle them
        unmasked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        try:
            pid = os.fork()
        except OSError:
            pid = None
            os.close(messages)
            os.close(report)
        if pid == 0:
            _child(root, catalog, parent, unmasked, messages, report)  # never returns
        signal.pthread_sigmask(signal.SIG_SETMASK, unmasked)
        if pid is not None:
            os.close(report)
            return BackgroundIndexUpdate(pid, messages)
    try:
        SearchIndex.open(root).update(catalog)
    except Exception as exc:
        return BackgroundIndexUpdate(error=_describe(exc))
    return BackgroundIndexUpdate()


def _child(root: Path, catalog, parent: int, unmasked, messages: int, report: int) -> NoReturn:
    """The forked process: update the index and exit, never returning to the caller's code.

    SIGTERM (``cancel``) and Ctrl-C interrupt the update, so the writer
    discards its unpublished generation and releases its lock; once the
    update is over they end the process at once.
    """
    updating = True

    def stop(number, frame) -> None:
        if updating:
            raise KeyboardInterrupt
        os._exit(FAILED)

    status = FAILED
    try:
        os.close(messages)
        workers.die_with_parent()
        for number in STOPPING:
            signal.signal(number, stop)
        signal.pthread_sigmask(signal.SIG_SETMASK, unmasked)
        if os.getppid() == parent:  # else the build died before it could take this process along
            try:
                SearchIndex.open(root).update(catalog)
                status = 0
            except BaseException as exc:
                os.write(report, _describe(exc).encode("utf-8", "replace")[:MESSAGE_LIMIT])
            updating = False
    except BaseException:
        pass
    finally:
        os._exit(status)


def _wait(pid: int, options: int) -> int | None:
    """The process's exit code (negative: the signal that killed it); ``_RUNNING`` while it
    runs (with ``WNOHANG``); ``None`` when it was already reaped by another ``wait()``."""
    try:
        done, status = os.waitpid(pid, options)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if done else _RUNNING


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return str(exc) or type(exc).__name__


def _read_all(fd: int) -> str:
    chunks = []
    try:
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
    except OSError:
        pass
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace").strip()
