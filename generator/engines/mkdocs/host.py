"""Engines that run opskb's MkDocs plugin: MkDocs itself, and ProperDocs.

ProperDocs, the maintained MkDocs 1.x fork, runs MkDocs plugins and themes
unchanged: once ``properdocs.replacement`` is imported, every ``mkdocs.*``
import is answered by ``properdocs.*``, and it finds plugins and themes under
the ``mkdocs.plugins`` and ``mkdocs.themes`` entry points (opskb also declares
itself under ``properdocs.plugins``). So the adapter (``plugin.py``) is
the same for both; which one runs is decided before anything imports
``mkdocs``, once per process.
"""

from __future__ import annotations

import sys

from ..errors import EngineError

__all__ = ["running_engine", "use_engine"]


def running_engine() -> str | None:
    """The engine ``import mkdocs`` gives in this process, if one was loaded."""
    loaded = sys.modules.get("mkdocs")
    return None if loaded is None else getattr(loaded, "__name__", "mkdocs")


def use_engine(engine: str) -> None:
    """Make ``import mkdocs`` load ``engine`` (``mkdocs`` or ``properdocs``); raises
    EngineError when it is not installed or another engine is loaded already."""
    running = running_engine()
    if engine == "properdocs" and running is None:
        try:
            import properdocs.replacement  # noqa: F401 - from here on, mkdocs.* is ProperDocs
        except ImportError:
            raise EngineError(
                "ProperDocs is not installed: `pip install properdocs`, or build with "
                "--engine mkdocs"
            ) from None
    elif running is not None and running != engine:
        raise EngineError(
            f"this process has loaded {running} already: build with {engine} in a new "
            "process (one engine a process)"
        )
