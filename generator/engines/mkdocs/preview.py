"""Live preview while the sources have errors: the last good site, and what is wrong.

MkDocs' server holds every request until a rebuild succeeds, so one broken
runbook made every page of the preview hang, and its browser tab with it. Here
a failed rebuild counts as done: the server goes on serving the site folder,
which holds the last site that built when the rebuild stopped on the knowledge
base's errors (they stop it before it touches the folder), each page opens with
a banner naming the files, lines and fixes (what MkDocs logged as errors, else
the error), and the next rebuild that succeeds takes the banner away. Browsers
reload either way, as after any rebuild.

Between builds, the pages of edited documents may be shown first
(``quick.py``): the rebuild then returns at once, and the whole one follows.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["BANNER_ID", "LivePreview"]

BANNER_ID = "opskb-preview-problems"
_STYLE = (
    "position:relative;z-index:10;margin:0;padding:.8em 1.2em;background:#b71c1c;"
    "color:#fff;font:14px/1.5 system-ui,sans-serif"
)
_PRE_STYLE = "margin:.5em 0 0;white-space:pre-wrap;font:13px/1.45 monospace;color:#fff"


def _banner(failure: str) -> bytes:
    """The banner a page opens with while the last rebuild failed with ``failure``."""
    return (
        f'<div id="{BANNER_ID}" role="alert" style="{_STYLE}">'
        "<strong>The last rebuild failed; this is the last site that built.</strong> "
        "Fix what is listed and the preview rebuilds by itself."
        f'<pre style="{_PRE_STYLE}">{html.escape(failure)}</pre></div>'
    ).encode()


def _with_banner(page: bytes, failure: str) -> bytes:
    """``page`` with the banner right after its ``<body>`` tag (at the start if none)."""
    start = page.find(b"<body")
    end = page.find(b">", start) + 1 if start >= 0 else 0
    return page[:end] + _banner(failure) + page[end:]


class LivePreview:
    """What a live-reload server shows between a failed rebuild and the next good one."""

    def __init__(
        self, report: Callable[[str], None], inform: Callable[[str], None] = lambda _: None
    ) -> None:
        self._report = report  # says on the terminal why a rebuild failed
        self._inform = inform  # says which pages were shown first
        self._lock = threading.Lock()
        self._failure: str | None = None  # the last rebuild's error, while it stands

    @property
    def failure(self) -> str | None:
        with self._lock:
            return self._failure

    def keep_serving(
        self,
        server: Any,
        first: Callable[[], list[str]] | None = None,
        follow_up: Any = None,
    ) -> Any:
        """Make ``server`` (MkDocs' ``LiveReloadServer``) serve the last good site, with
        a banner, after a rebuild fails, instead of holding every request. ``first``
        shows the pages of edited documents before the rest when it can (their sources);
        ``follow_up`` (``quick.FollowUp``) then asks for the whole rebuild."""
        build = server.builder

        def builder(*args: Any, **kwargs: Any) -> None:
            quick = first is not None and not (args or kwargs) and self.failure is None
            if quick and (shown := _shown_first(first)):
                self._inform(f"shown first: {', '.join(shown)}; the rest rebuilds next")
                follow_up.due()
                return
            logged = _Errors()  # what MkDocs logs before it gives up (mkdocs.yml's errors)
            logger = logging.getLogger("mkdocs")
            logger.addHandler(logged)
            try:
                build(*args, **kwargs)
            except Exception as exc:  # a failure of any kind must not hold the requests
                # What MkDocs logged says it (on the terminal already); else the error does.
                failure = "\n".join(logged.messages) or f"{type(exc).__name__}: {exc}"
                with self._lock:
                    self._failure = failure
                said = "the rebuild failed (above)" if logged.messages else failure
                self._report(
                    f"{said}; the preview shows the last site that built until it is fixed"
                )
            else:
                with self._lock:
                    self._failure = None
            finally:
                logger.removeHandler(logged)

        server.builder = builder
        server.set_app(self.app(server.get_app(), follow_up))
        return server

    def app(self, inner: Callable, follow_up: Any = None) -> Callable:
        """The WSGI application ``inner`` with the banner in its HTML while a rebuild failed;
        ``follow_up`` is told when a browser asks for the next change."""

        def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
            if follow_up is not None and environ.get("PATH_INFO", "").startswith("/livereload/"):
                follow_up.shown()
            answer: list = []

            def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
                answer[:] = [status, headers, exc_info]
                return lambda data: None  # nothing here writes that way

            body = inner(environ, capture)
            failure = self.failure
            if not answer:
                return body
            status, headers, exc_info = answer
            kind = next((v for k, v in headers if k.lower() == "content-type"), "")
            if failure is None or not kind.startswith("text/html"):
                start_response(status, headers, exc_info)
                return body
            try:
                page = b"".join(body)
            finally:
                getattr(body, "close", lambda: None)()
            page = _with_banner(page, failure)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            start_response(status, [*headers, ("Content-Length", str(len(page)))], exc_info)
            return [page]

        return application


def _shown_first(first: Callable[[], list[str]]) -> list[str]:
    """What ``first`` showed; nothing if it failed (the whole rebuild then says why)."""
    try:
        return first()
    except Exception as exc:  # the whole rebuild meets the same problem, and reports it
        logging.getLogger("mkdocs").debug(f"nothing shown first: {type(exc).__name__}: {exc}")
        return []


class _Errors(logging.Handler):
    """Collects the messages of errors logged while a rebuild runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
