"""Engines: what turns opskb's Markdown pages into a site.

MkDocs and ProperDocs (the maintained MkDocs 1.x fork) run opskb's plugin
(``mkdocs/plugin.py``); any other engine, Zensical first, builds the staged
tree (``stage.py``): every page already rendered as plain Markdown, the theme
overrides and a generated ``mkdocs.yml``.
"""

from __future__ import annotations

__all__ = ["DEFAULT_ENGINE", "ENGINES", "PLUGIN_ENGINES", "STAGED_ENGINES"]

ENGINES = ("mkdocs", "properdocs", "zensical")
PLUGIN_ENGINES = frozenset({"mkdocs", "properdocs"})  # engines that run opskb's plugin
STAGED_ENGINES = frozenset({"zensical"})  # engines that build the staged tree
DEFAULT_ENGINE = "mkdocs"
