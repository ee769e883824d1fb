"""Live preview: the sources are watched with the system's file events, not by polling.

MkDocs' server polls every watched folder twice a second, reading the status
of every file from Python threads. With thousands of documents that is a
steady load while the server idles and, while it rebuilds, threads taking
the interpreter from the build (measured: a fifth of the samples of a
5,000-document rebuild). Where the system reports changes itself (inotify,
FSEvents, kqueue, ReadDirectoryChangesW), the same paths are watched that
way. If it cannot watch them all (a limit on watches, say) the server keeps
polling, as MkDocs does.

System events also say when a file is opened or closed unwritten, as every
build does to every source. MkDocs rebuilds on any event, so those would make
each build start the next: only events that change something are passed on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

__all__ = ["watch_natively"]

READS = frozenset({"opened", "closed_no_write"})  # watchdog's events that change nothing


def watch_natively(server: Any, config: Any, ours: Iterable[str] = ()) -> bool:
    """Give MkDocs' live-reload ``server`` an observer of system file events, then watch
    ``ours`` (what the plugin watches besides MkDocs). What MkDocs watched already (the
    docs folder, ``mkdocs.yml``, maybe the theme's folders) is watched again the same
    way, and what it watches next (``config.watch``) is too. Whether it did (otherwise
    the server polls) — only the server's public ``watch``, ``unwatch`` and
    ``observer`` are used.
    """
    ours = list(ours)
    more = [str(path) for path in config.watch]
    try:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver
    except ImportError:
        Observer = PollingObserver = None
    candidates = [config.docs_dir, config.config_file_path, *config.theme.dirs]
    observer = getattr(server, "observer", None)
    if (
        Observer is None
        or Observer is PollingObserver
        or not isinstance(observer, PollingObserver)
        or observer.is_alive()
        or not _can_watch(
            Observer, [p for p in (*candidates, *ours, *more) if p and os.path.exists(p)]
        )
    ):
        for path in ours:
            server.watch(path)
        return False
    watched = [(path, _unwatch_all(server, path)) for path in candidates if path]
    server.observer = _changes_only(Observer)()
    for path, count in watched:
        for _ in range(count):
            server.watch(path)
    for path in ours:
        server.watch(path)
    return True


def _unwatch_all(server: Any, path: str) -> int:
    """Stop the server watching ``path``; how many times it watched it (``unwatch`` raises
    for a path it does not watch)."""
    count = 0
    while True:
        try:
            server.unwatch(path)
        except KeyError:
            return count
        count += 1


def _changes_only(observer_class: Any) -> Any:
    """``observer_class``, passing its handlers only the events that change a file."""

    class ChangesOnly(observer_class):
        def schedule(self, event_handler: Any, path: str, *args: Any, **kwargs: Any) -> Any:
            from watchdog.events import FileSystemEventHandler

            class Changes(FileSystemEventHandler):
                def dispatch(self, event: Any) -> None:
                    if event.event_type not in READS:
                        event_handler.dispatch(event)

            return super().schedule(Changes(), path, *args, **kwargs)

    return ChangesOnly


def _can_watch(observer_class: Any, paths: list[str]) -> bool:
    """Whether an observer of ``observer_class`` starts watching all of ``paths``."""
    from watchdog.events import FileSystemEventHandler

    probe = observer_class()
    try:
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except Exception:  # any failure means: keep polling
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return True
