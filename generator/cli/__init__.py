"""The ``opskb`` command line: one more adapter over the core."""

from .commands import main

__all__ = ["main"]
