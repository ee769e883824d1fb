"""opskb: IT operations knowledge (runbooks, incidents, escalation) as a static site.

The pipeline, one folder per stage (README → Architecture)::

    sources → check → pages → search → publish, with engines/ and cli/ as adapters
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
