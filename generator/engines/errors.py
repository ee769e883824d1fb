"""The one error an engine adapter raises."""

from __future__ import annotations

from ..errors import OpskbError

__all__ = ["EngineError"]


class EngineError(OpskbError):
    """The engine failed or is missing; the message says why and what to do."""
