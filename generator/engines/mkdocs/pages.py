"""The pages opskb hands MkDocs, and which of them this process converts.

Every page of a knowledge base is one of ours (``pages/``): MkDocs gets it as
an :class:`OpskbPage`, a ``Page`` that asks the :class:`PagePlan` before it
reads or converts its Markdown. A page whose HTML comes from elsewhere — the
previous build (``reuse.py``) or another process of this one (``executor.py``)
— reads only its metadata (the navigation prints its title) and converts
nothing: no Markdown parser is set up for it, and MkDocs skips checking links
to its anchors. Its HTML is put in place instead of being written
(:func:`put_in_place`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from ...packs import digest
from ...pages import Page, Site
from ...pages.render import header_meta
from ...reuse import BuildRecord, context_digest, reusable_pages
from ..stage import nav_titles, nav_uris

__all__ = ["SHARED_BUILD_PLUGINS", "OpskbPage", "PagePlan", "PlannedFiles", "build_record"]
__all__ += ["hand_over", "other_plugins"]

#: Plugins known to need nothing from pages another process renders (see executor.py),
#: nor to keep anything of the pages they saw: any page can be rendered alone.
SHARED_BUILD_PLUGINS = frozenset({"search", "material/search", "opskb"})


def other_plugins(config: MkDocsConfig) -> set[str]:
    """Configured plugins that may need something from every page a build renders."""
    return set(config.plugins) - SHARED_BUILD_PLUGINS


class PagePlan:
    """Which of our pages this process converts, for one build."""

    def __init__(self) -> None:
        self.ours: dict[str, Page] = {}  # our pages by source URI
        self.reused: dict[str, Path] = {}  # src_uri → the previous build's HTML of it
        self.elsewhere: frozenset[str] = frozenset()  # pages another process renders
        self.alone = True  # no other plugin reads pages (then every page reads its Markdown)
        self.in_place: set[str] = set()  # reused pages linked in the site already (next_site.py)
        self._made: set[Path] = set()  # folders made in the site for reused pages

    def start(self, pages: Iterable[Page], *, alone: bool) -> None:
        self.ours = {page.src_uri: page for page in pages}
        self.reused, self.elsewhere, self.alone = {}, frozenset(), alone
        self.in_place, self._made = set(), set()

    def plan_reuse(
        self,
        previous_site: Path | None,
        previous: BuildRecord | None,
        current: BuildRecord,
        files: Files,
    ) -> None:
        """Take the HTML of pages whose Markdown and context are those of the previous build."""
        if previous_site is None:
            return
        for uri in sorted(reusable_pages(previous, current)):
            file = files.get_file_from_path(uri)
            html_file = previous_site / file.dest_uri if file else None
            if html_file is not None and html_file.is_file():
                self.reused[uri] = html_file

    def convert(self, page: Page) -> None:
        """This process converts ``page`` (rendered again alone, in place of its old one)."""
        self.ours[page.src_uri] = page
        self.reused.pop(page.src_uri, None)
        self.elsewhere = self.elsewhere - {page.src_uri}

    def converts(self, src_uri: str) -> bool:
        """Whether this process turns the page's Markdown into HTML."""
        return src_uri not in self.reused and src_uri not in self.elsewhere

    def header_only(self, src_uri: str) -> str | None:
        """The Markdown of a page that needs only its metadata, else ``None``. Another
        plugin may read any page's Markdown, so then reused pages are read as usual."""
        ours = self.ours.get(src_uri)
        if ours is None:
            return None
        if src_uri in self.elsewhere or (self.alone and src_uri in self.reused):
            return ours.markdown
        return None

    def mine_reused(self) -> list[str]:
        """The reused pages this process puts in place (the others' are theirs)."""
        return sorted(uri for uri in self.reused if uri not in self.elsewhere)

    def put_in_place(self, src_uri: str, target: Path, *, move: bool) -> bool:
        """A reused page's HTML from the previous build at ``target``: moved when the
        previous site is a copy about to be deleted (live preview), else hard-linked (the
        previous site stays online until the new one replaces it), else copied. Whether
        the page is a reused one."""
        previous = self.reused.get(src_uri)
        if previous is None:
            return False
        if src_uri in self.in_place:
            return True
        if move and self._move_folder(previous, target):
            return True
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        if move:
            os.replace(previous, target)
            return True
        try:
            os.link(previous, target)
        except OSError:
            shutil.copyfile(previous, target)
        return True

    def _move_folder(self, previous: Path, target: Path) -> bool:
        """Move the folder that holds only the page, as one: a live preview's rebuild
        made thousands of folders to move a page into each (a fifth of its time)."""
        folder = previous.parent
        try:
            if previous.name != target.name or os.listdir(folder) != [previous.name]:
                return False
            if target.parent.parent not in self._made:
                target.parent.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(target.parent.parent)
            os.rename(folder, target.parent)  # fails if MkDocs wrote there already
        except OSError:
            return False
        self._made.add(target.parent)
        return True


class PlannedFiles(Files):
    """MkDocs' files, whose build goes over the pages this process converts only.

    MkDocs' build reads, then renders and writes, each page it lists with an
    ``inclusion`` test; a page whose HTML comes from elsewhere (the previous
    build, another process) would cost it every event, a template context and
    a template render for nothing (a second of a rebuild at 5,000 pages). Once
    the plan is final (``restrict``), those lists hold the pages it converts;
    every other use of the pages (the navigation, the sitemap, a page's
    ``pages``: :meth:`unrestricted`) still sees them all.
    """

    _plan: PagePlan | None = None
    _unrestricted: Sequence[File] = ()

    def restrict(self, plan: PagePlan) -> None:
        self._plan = plan

    def unrestricted(self) -> Sequence[File]:
        """What the build's page list would hold for every page (a page's ``pages``)."""
        return self._unrestricted

    def documentation_pages(
        self, *, inclusion: Callable[[InclusionLevel], bool] | None = None
    ) -> Sequence[File]:
        if inclusion is None:  # the navigation, the sitemap, a template's context: all
            return super().documentation_pages()
        pages = super().documentation_pages(inclusion=inclusion)
        if self._plan is None:
            return pages
        self._unrestricted = pages  # the build's own lists name a test: its loops
        return [file for file in pages if self._plan.converts(file.src_uri)]


class OpskbPage(MkDocsPage):
    """A page of ours: it reads and converts its Markdown only if its plan says so."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, plan: PagePlan):
        super().__init__(title, file, config)
        self.plan = plan

    def read_source(self, config: MkDocsConfig) -> None:
        header = self.plan.header_only(self.file.src_uri)
        if header is None:
            super().read_source(config)
        else:  # its metadata, without reading its Markdown through YAML
            self.markdown, self.meta = "", header_meta(header)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.plan.converts(self.file.src_uri):
            super().render(config, files)
        else:
            self.content = ""
            self.present_anchor_ids = None


def hand_over(
    files: Files, config: MkDocsConfig, site: Site, plan: PagePlan, *, sources: dict[str, Path]
) -> None:
    """Our pages, and the other files of the sources (``src_uri → path``), in place of
    what MkDocs found: its own walk of docs_dir would copy what the walk of the sources
    leaves out (named pipes, links round a loop)."""
    for file in list(files):
        if file.generated_by:
            continue
        if file.is_documentation_page() or file.src_dir == config.docs_dir:
            files.remove(file)
    for src_uri, path in sorted(sources.items()):
        if src_uri not in files.src_uris:
            files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    in_nav = set(nav_uris(site.nav))
    titles = nav_titles(site.nav)
    for page in site.pages:
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            files.remove(existing)
        # Pages reached from system pages and playbooks stay out of the nav on purpose:
        # say so, so MkDocs does not list thousands of them at every build.
        inclusion = (
            InclusionLevel.UNDEFINED if page.src_uri in in_nav else InclusionLevel.NOT_IN_NAV
        )
        file = File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
        OpskbPage(titles.get(page.src_uri), file, config, plan)  # it is file.page now
        files.append(file)


def build_record(config: MkDocsConfig, pages: Iterable[Page], **context: str) -> BuildRecord:
    """What a build puts in its site folder: each page's Markdown digest and the digest of
    everything else that reaches a page (``reuse.py``)."""
    return BuildRecord(
        context_digest(
            Path(config.config_file_path or "mkdocs.yml"),
            config.nav,
            config.theme.dirs,
            site_url=config.site_url,
            directory_urls=config.use_directory_urls,
            **context,
        ),
        {page.src_uri: digest(page.markdown) for page in pages},
    )
