"""opskb: IT operations knowledge (runbooks, incidents, escalation) as a static site.

The pipeline, one module per stage::

    load → validate → catalog → pages → (mkdocs_plugin | search | cli)
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
