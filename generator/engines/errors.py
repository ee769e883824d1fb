"""The one error an engine adapter raises."""

from __future__ import annotations

__all__ = ["EngineError"]


class EngineError(Exception):
    """The engine failed or is missing; the message says why and what to do."""
