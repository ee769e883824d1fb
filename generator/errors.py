"""The one root of every exception opskb raises.

Problems in a knowledge base are not raised: a stage returns them as
:class:`~opskb.problems.Problem`. What is raised is either a command that
cannot go on (an engine that is missing, a document that would overwrite
another) or a reader's signal to its caller, caught a few lines away. Each
derives from :class:`OpskbError`, so that a caller of the library, and the
command line in one place, can tell our errors from everything else.
"""

from __future__ import annotations

__all__ = ["OpskbError"]


class OpskbError(Exception):
    """An error of opskb; its message, one line, says what went wrong and what to do."""
