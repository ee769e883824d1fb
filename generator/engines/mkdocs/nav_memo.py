"""The theme's navigation, rendered once for every page outside it that prints it alike.

Material renders its whole navigation into every page: half of the theme's
time on a knowledge base, where most pages (runbooks, incidents) are not in
the navigation and so mark nothing in it as the current page. For such a
page the navigation depends only on the links it prints, each relative to
the page. So the first page with a given set of relative links renders it
as usual, between two markers (our ``partials/nav.html`` over the theme's);
the HTML between them is kept, and every later page with the same links
prints that HTML instead of rendering it again. The site is byte-identical
to one rendered without the memo (a test holds it so).

A theme folder of the knowledge base's own with a ``partials/nav.html`` is
found before ours: then its navigation is rendered for every page, as it would be.
"""

from __future__ import annotations

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup
from mkdocs.utils import normalize_url

__all__ = ["NAV_CONTEXT", "THEME_PREFIX", "NavMemo"]

THEME_PREFIX = "opskb-below"  # the theme folders below ours, by this prefix
NAV_CONTEXT = "opskb_nav"  # in a page's context: the kept HTML, or the marker to print
START, END = "<!--opskb-nav-->", "<!--/opskb-nav-->"


def _urls(items) -> list[str]:
    found = []
    for item in items:
        url = getattr(item, "url", None)
        if url is not None:
            found.append(url)
        found += _urls(getattr(item, "children", None) or ())
    return found


class NavMemo:
    """The navigation HTML of one build, by the links a page prints."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, ...], str] = {}
        self._targets: list[str] = []
        self._asked: dict[str, tuple[str, ...]] = {}  # src_uri → its key, to keep after

    def start(self, env, theme_dirs: list[str], ours: str) -> None:
        """A new build: the theme folders below ``ours`` reachable by ``THEME_PREFIX``."""
        self.kept, self._asked, self._targets = {}, {}, []
        below = theme_dirs[theme_dirs.index(ours) + 1 :] if ours in theme_dirs else []
        loaders = env.loader.loaders if isinstance(env.loader, ChoiceLoader) else []
        if below and not any(isinstance(loader, PrefixLoader) for loader in loaders):
            prefixed = PrefixLoader({THEME_PREFIX: FileSystemLoader(below)})
            env.loader = ChoiceLoader([env.loader, prefixed])

    def context(self, context: dict, page, nav, config, converts: bool = True) -> dict:
        """``context`` with the page's navigation if kept, else with the markers to keep
        it by. A page in the navigation renders it as usual (it marks itself there), and
        a page whose HTML comes from elsewhere (``converts`` false) prints none."""
        if not converts or page.file.inclusion.is_in_nav() or nav is None:
            return context
        if not self._targets:
            homepage = getattr(nav, "homepage", None)
            extra = config.extra.get("homepage") if isinstance(config.extra, dict) else None
            self._targets = [
                str(url)
                for url in (extra, homepage.url if homepage else None, config.theme.get("logo"))
                if url
            ] + _urls(nav.items)
        key = (context.get("base_url", ""), *(normalize_url(u, page) for u in self._targets))
        kept = self.kept.get(key)
        if kept is not None:
            context[NAV_CONTEXT] = Markup(kept)
        else:
            context[NAV_CONTEXT] = START
            self._asked[page.file.src_uri] = key
        return context

    def keep(self, output: str, page) -> str:
        """The page's HTML without the markers, its navigation kept for the next pages."""
        key = self._asked.pop(page.file.src_uri, None)
        if key is None:
            return output
        start = output.find(START)
        end = output.find(END, start)
        if start < 0 or end < 0 or output.find(START, start + 1) >= 0:
            return output.replace(START, "").replace(END, "")  # not printed once: keep none
        self.kept[key] = output[start + len(START) : end]
        return output[:start] + output[start + len(START) : end] + output[end + len(END) :]
