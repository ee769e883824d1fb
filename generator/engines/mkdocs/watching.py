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

from collections.abc import Iterable
from typing import Any

__all__ = ["watch_natively"]

READS = frozenset({"opened", "closed_no_write"})  # watchdog's events that change nothing


def watch_natively(server: Any, more: Iterable[str] = ()) -> bool:
    """Give MkDocs' live-reload ``server`` an observer of system file events, watching
    what it watches now; ``more`` are paths it will be asked to watch later. Whether it
    did (otherwise the server polls)."""
    try:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver
    except ImportError:
        return False
    watched = getattr(server, "_watched_paths", None)
    refs = getattr(server, "_watch_refs", None)
    observer = getattr(server, "observer", None)
    if (
        Observer is PollingObserver
        or not isinstance(watched, dict)
        or not isinstance(refs, dict)
        or not isinstance(observer, PollingObserver)
        or observer.is_alive()
        or not _can_watch(Observer, [*watched, *more])
    ):
        return False
    counts = dict(watched)
    watched.clear()
    refs.clear()
    server.observer = _changes_only(Observer)()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return True


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
