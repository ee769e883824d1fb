"""The MkDocs adapter: a switchboard from MkDocs events to the opskb core.

``plugins: [search, opskb]`` in ``mkdocs.yml`` makes plain ``mkdocs build``
and ``mkdocs serve`` build a knowledge base; ``opskb build`` drives the same
plugin in-process. All logic lives in the core; this module only wires.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import CountHandler

from ...check.export import CATALOG_URI, catalog_json
from ...check.slow_markdown import ConversionWatch, terminal_notice
from ...executor import (
    OK,
    WARNED,
    BuildWorkers,
    available_cpus,
    can_fork,
    plan_shares,
    remove_later,
)
from ...pages import Page, RenderMemo, SimilarDocuments, Site, render_site
from ...pages.html_blocks import new_token, put_back, set_aside
from ...pages.render import bytecode_cache, header_meta
from ...pipeline import KnowledgeBase, load_kb
from ...problems import format_problems
from ...publish.offline import write_offline_copies
from ...publish.offline_worker import write_service_worker
from ...reuse import BuildRecord, context_digest, digest, reusable_pages
from ...search.records import RecordStore, search_records
from ...sources.alert_rules import alert_rule_files
from ...sources.load import LoadCache
from ...sources.walk import virtual_path
from ..stage import (
    FLAVOUR_EXTENSIONS,
    OFFLINE_SCRIPT,
    REQUIRED_EXTENSIONS,
    STYLESHEETS,
    TICKET_NOTE_SCRIPT,
    nav_config,
    nav_uris,
)
from .preview import LivePreview
from .watching import watch_natively

__all__ = ["OpskbPlugin"]

log = get_plugin_logger(__name__)
THEME_DIR = Path(__file__).resolve().parents[2] / "theme"
REUSE_TEMPLATE = "opskb-reuse.html"  # a one-line template for pages whose HTML is reused
# Plugins known to need nothing from pages another process renders (see workers.py).
SHARED_BUILD_PLUGINS = frozenset({"search", "material/search", "opskb"})


class OpskbConfig(base.Config):
    review_every = c.Type(int, default=180)
    include_drafts = c.Type(bool, default=False)
    runbooks_dir = c.Type(str, default="runbooks")
    tags = c.Optional(c.ListOfItems(c.Type(str)))
    related = c.Type(bool, default=True)  # related documents and similar past incidents
    workers = c.Type(int, default=0)  # processes sharing a build's pages; 0: one per CPU
    slow_page = c.Type((int, float), default=10)  # seconds a page converts before a warning
    markdown_flavours = c.Type(bool, default=True)  # CommonMark lists and others (lists.py)
    # groups of phrases that mean the same, for search (checked in config.py)
    search_synonyms = c.Type(list, default=[])
    alert_rules = c.Type((list, str), default=[])  # Prometheus rule files (alerts.py)
    offline_cache = c.Type(bool, default=True)  # the service worker (offline_worker.py)
    # what `opskb build` builds with (checked in config.py); MkDocs itself ignores it
    engine = c.Type(str, default="mkdocs")


def _similar(root: Path, catalog, records: list, workers: int) -> SimilarDocuments | None:
    """Look-alike documents from the search records; without a writable cache, none."""
    from ...search.related import similar_documents

    try:
        return similar_documents(root, catalog, records=records, workers=workers)
    except OSError as exc:
        log.warning(f"related documents left out: cannot write their cache ({exc})")
        return None


def _not_rendered(page, config: MkDocsConfig, files: Files) -> None:
    """``Page.render`` for a page whose HTML comes from elsewhere: no Markdown parser is
    set up for it, and MkDocs skips checking links to its anchors."""
    page.content = ""
    page.present_anchor_ids = None


def _warning_count() -> int:
    """Warnings MkDocs counted in this process (it counts only in strict mode)."""
    handlers = logging.getLogger("mkdocs").handlers
    return sum(n for h in handlers if isinstance(h, CountHandler) for _, n in h.get_counts())


def _engine_name() -> str:
    """The engine running this plugin: ProperDocs answers for ``mkdocs`` imports."""
    import mkdocs

    return getattr(mkdocs, "__name__", "mkdocs")


def _other_plugins(config: MkDocsConfig) -> set[str]:
    """Configured plugins that may need something from every page this process renders."""
    return set(config.plugins) - SHARED_BUILD_PLUGINS


def _read_ours(page, markdown: str, config: MkDocsConfig) -> None:
    """``Page.read_source`` for a page whose HTML comes from elsewhere: its metadata (the
    navigation prints its title) without reading its Markdown through YAML."""
    page.markdown, page.meta = "", header_meta(markdown)


def _put_in_place(previous: Path, target: Path, *, move: bool, made: set[Path]) -> None:
    """A page's HTML from the previous build at ``target``: moved when the previous site
    is a copy about to be deleted (live preview), else hard-linked (the previous site
    stays online until the new one replaces it), else copied. ``made``: folders made."""
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    if move:
        os.replace(previous, target)
        return
    try:
        os.link(previous, target)
    except OSError:
        shutil.copyfile(previous, target)


class OpskbPlugin(BasePlugin[OpskbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.kb: KnowledgeBase | None = None  # set by `opskb build` to reuse its loaded KB
        self.site: Site | None = None
        self.catalog_json = "{}"  # api/catalog.json of the knowledge base being built
        self.reported = False  # `opskb build` prints problems itself
        self.search_records: list = []  # what the in-browser search index holds
        # Incremental builds (see reuse.py): `opskb build` sets `previous_site` to the
        # site it replaces and saves `record` once the new site is in place.
        self.previous_site: Path | None = None
        self.previous_record: BuildRecord | None = None
        self.record: BuildRecord | None = None
        self.progress: Callable[[str, int, int], None] | None = None  # (stage, done, of)
        self.notice = terminal_notice()  # names a page that converts for long, or None
        self._watch = ConversionWatch(None, float("inf"))  # made for each build
        self._reused: dict[str, Path] = {}  # src_uri → the previous build's HTML of it
        self._made: set[Path] = set()  # folders made in the site for reused pages
        self._others: set[str] = set()  # plugins configured besides ours and search
        self._serving = False
        self._converted = self._done = self._total = 0
        self._workers = BuildWorkers()
        self._elsewhere: frozenset[str] = frozenset()  # pages another process renders
        self._site_index = None  # the Pagefind job of this build, running beside it
        self._index_update_go: Callable[[], None] | None = None  # starts the terminal index
        self._loaded = LoadCache()  # loaded source files, kept across live-preview rebuilds
        self._site_index_digest = ""  # what the last build's search page index holds
        self._pages: dict[str, Page] = {}  # our pages by source URI
        self._catalog = None  # the catalogue of the build under way
        self._token = new_token()  # stands for our HTML blocks while Markdown converts
        self._set_aside: dict[str, tuple[str, list[str]]] = {}  # src_uri → (Markdown, blocks)
        # what earlier builds worked out: (cache folder, search records, rendered templates)
        self._kept: tuple[Path, RecordStore, RenderMemo] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this keeps the plugin alive across ``serve`` rebuilds (and its record)."""
        self._serving = command == "serve"

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self._serving or self.record is None:
            return
        # MkDocs empties the site folder before each rebuild: keep the last one to reuse.
        site = Path(config.site_dir)
        previous = site.with_name(site.name + "-opskb-previous")
        shutil.rmtree(previous, ignore_errors=True)
        if site.is_dir():
            os.replace(site, previous)
            site.mkdir()
            self.previous_site, self.previous_record = previous, self.record

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        if self.kb is None:
            kb = load_kb(
                root, cache=self._loaded, workers=1 if self._serving else None, history=True
            )
        else:
            kb = self.kb
        self.kb = None  # a serve rebuild must reload the sources
        self._watch.close()
        self._watch = ConversionWatch(self.notice, self.config.slow_page)
        problems = kb.problems.for_build()
        if not self.reported:
            for problem in problems:
                if not problem.is_error:
                    log.warning(problem.as_text().replace("\n", " "))
        errors = [p for p in problems if p.is_error]
        if errors:
            raise PluginError("the knowledge base has errors:\n" + format_problems(errors))
        workers = self._worker_count(config, pages=False)
        records, memo = self._stores(kb.settings.cache_dir)
        self.search_records = search_records(kb.catalog.published, records, workers)
        records.save()
        self._cancel_background()
        from ...search.site_index import BUNDLE_DIR, SiteIndexJob, records_digest

        digest = records_digest(self.search_records)
        if not self._serving or digest != self._site_index_digest:
            # A live preview reuses the last bundle when the records are the same;
            # otherwise the parts of the last bundle holding the same records are kept.
            before = [Path(config.site_dir), *([self.previous_site] if self.previous_site else [])]
            self._site_index = SiteIndexJob(
                self.search_records,
                fork=not self._serving,
                previous=[site / BUNDLE_DIR for site in before],
            )
        if not self._serving:
            from ...search.background import start_index_update

            # `opskb search` right after a build needs no indexing (a live preview leaves
            # that to `opskb search`, which refreshes the files that changed).
            try:
                self._index_update_go = start_index_update(root, kb.catalog)
            except OSError as exc:
                log.warning(
                    f"the search index was not updated: {exc}; `opskb search` will index "
                    "the sources itself"
                )
        similar = None
        if self.config.related:
            similar = _similar(root, kb.catalog, self.search_records, workers)
        self.site = render_site(kb.catalog, similar, workers=workers, memo=memo)
        memo.save()
        if not self._serving:
            self._kept = None  # a build reads them once; a live preview keeps them in memory
        self.catalog_json = catalog_json(kb.catalog)
        self._catalog = kb.catalog  # for the offline copies, made once the pages are written
        config.nav = nav_config(self.site.nav)
        self._root = root
        self._settings = kb.settings
        self._files = kb.catalog.files
        custom = 1 if config.theme.custom_dir else 0
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(custom, str(THEME_DIR))
        for sheet in STYLESHEETS:
            if sheet not in config.extra_css:
                config.extra_css.append(sheet)
        if (
            self.config.offline_cache
            and not self._serving
            and OFFLINE_SCRIPT not in config.extra_javascript
        ):
            config.extra_javascript.append(OFFLINE_SCRIPT)
        if TICKET_NOTE_SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(TICKET_NOTE_SCRIPT)
        wanted = REQUIRED_EXTENSIONS + (FLAVOUR_EXTENSIONS if kb.settings.markdown_flavours else ())
        for ext in wanted:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        return config

    def _stores(self, cache_dir: Path) -> tuple[RecordStore, RenderMemo]:
        """The search records and rendered templates of earlier builds (``packs.py``): read
        from the cache folder by a build, kept in memory by a live preview."""
        if self._kept is None or self._kept[0] != cache_dir:
            self._kept = (cache_dir, RecordStore(cache_dir), RenderMemo(cache_dir))
        return self._kept[1], self._kept[2]

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        build_log = logging.getLogger("mkdocs.commands.build")
        build_log.removeFilter(self._quiet_skipped_pages)  # once, across live-preview rebuilds
        build_log.addFilter(self._quiet_skipped_pages)
        # Other files come from the walk of the sources, as documents do: MkDocs' own walk
        # of docs_dir would copy what the walk leaves out (named pipes, links round a loop).
        published = {virtual_path(p, self._settings.content_dir): p for p in self._files}
        for file in list(files):
            if file.generated_by:
                continue
            if file.is_documentation_page() or file.src_dir == config.docs_dir:
                files.remove(file)
        for src_uri, path in sorted(published.items()):
            if src_uri not in files.src_uris:
                abs_src_path = str(self._root / path)
                files.append(File.generated(config, src_uri, abs_src_path=abs_src_path))
        in_nav = set(nav_uris(self.site.nav))
        self._pages = {page.src_uri: page for page in self.site.pages}
        self._set_aside.clear()
        for page in self.site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            # Pages reached from system pages and playbooks stay out of the nav on purpose:
            # say so, so MkDocs does not list thousands of them at every build.
            inclusion = (
                InclusionLevel.UNDEFINED if page.src_uri in in_nav else (InclusionLevel.NOT_IN_NAV)
            )
            files.append(
                File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
            )
        existing = files.get_file_from_path(CATALOG_URI)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, CATALOG_URI, content=self.catalog_json))
        self._plan_reuse(files, config)
        return files

    def _plan_reuse(self, files: Files, config: MkDocsConfig) -> None:
        assert self.site is not None
        self.record = BuildRecord(
            context_digest(
                Path(config.config_file_path or "mkdocs.yml"),
                config.nav,
                config.theme.dirs,
                site_url=config.site_url,
                directory_urls=config.use_directory_urls,
                engine=_engine_name(),  # MkDocs' and ProperDocs' pages differ (generator tag)
            ),
            {page.src_uri: digest(page.markdown) for page in self.site.pages},
        )
        self._reused = {}
        self._made = set()
        self._others = _other_plugins(config)
        self._converted, self._done, self._total = 0, 0, len(self.site.pages)
        if self.previous_site is None:
            return
        for uri in sorted(reusable_pages(self.previous_record, self.record)):
            file = files.get_file_from_path(uri)
            html_file = self.previous_site / file.dest_uri if file else None
            if html_file is not None and html_file.is_file():
                self._reused[uri] = html_file

    def _worker_count(self, config: MkDocsConfig, *, pages: bool = True) -> int:
        """Processes to share the work: our rendering, or (``pages``) MkDocs' pages."""
        if self._serving or not can_fork():
            return 1  # a live preview renders few pages; its server runs threads
        others = _other_plugins(config)
        if pages and others:
            log.debug(f"one process renders every page: {', '.join(sorted(others))} may need to")
            return 1
        return max(1, self.config.workers) if self.config.workers else available_cpus()

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        """Share the pages between processes, now that every page's place is known."""
        assert self.site is not None
        count = min(self._worker_count(config), len(self.site.pages))
        self._elsewhere = frozenset()
        if count == 1:
            return nav
        sizes = {
            p.src_uri: 0 if p.src_uri in self._reused else len(p.markdown) for p in self.site.pages
        }
        shares = plan_shares(sizes, count)
        mine = shares[self._workers.start(count)]
        if self._workers.is_worker:  # the first process's jobs: never touch them from here
            self._site_index = self._index_update_go = None
        self._elsewhere = frozenset(sizes) - mine
        return nav

    def _quiet_skipped_pages(self, record: logging.LogRecord) -> bool:
        """MkDocs says so when a page writes nothing: pages another process writes, and
        reused pages, which are put in place without being written again, do."""
        return not str(record.msg).startswith("Page skipped:")

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """A worker writes its pages only: assets and the sitemap are the first process's.

        Templates are read once per build: the theme checks each one's file for
        changes on every page otherwise (thousands of needless look-ups). They are
        kept compiled between builds (``bytecode_cache``; Jinja checks their sources).
        """
        env.auto_reload = False
        env.bytecode_cache = bytecode_cache()
        if self._workers.is_worker:
            for file in [f for f in files if not f.is_documentation_page()]:
                files.remove(file)
            config.theme.static_templates.clear()
            config.extra_templates = []
        return env

    def on_pre_page(self, page, *, config: MkDocsConfig, files: Files):
        """A page this process will not convert needs only its metadata; another plugin
        may read any page's Markdown, so then reused pages are read as usual."""
        src_uri = page.file.src_uri
        ours = self._pages.get(src_uri)
        alone = not self._others
        if ours is not None and (src_uri in self._elsewhere or (alone and src_uri in self._reused)):
            page.read_source = functools.partial(_read_ours, page, ours.markdown)
        return page

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
        """Keep every page out of the theme's in-browser index; reused pages skip the rest.

        The header search box and ``search/`` use the Pagefind index written
        after the build (``search/site_index.py``); the theme's own index would
        parse every page's HTML for a file nothing reads. Our HTML blocks are
        set aside while Markdown converts the rest (``html_blocks``).
        """
        page.meta["search"] = {"exclude": True}
        src_uri = page.file.src_uri
        if src_uri not in self._reused and src_uri not in self._elsewhere:
            ours = self._pages.get(src_uri)
            self._watch.started(ours.source if ours and ours.source else src_uri)
            if ours is None or not ours.markdown.endswith(markdown):
                return markdown  # another plugin changed it: convert it as it is
            converted, blocks = set_aside(markdown, ours.authored, self._token)
            if blocks:
                self._set_aside[src_uri] = (markdown, blocks)
            return converted
        page.meta["template"] = REUSE_TEMPLATE
        page.render = functools.partial(_not_rendered, page)
        return ""

    @event_priority(100)
    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str:
        slow = self._watch.finished()
        if slow is not None:
            log.warning(slow.as_text().replace("\n", " "))
        pending = self._set_aside.pop(page.file.src_uri, None)
        if pending is not None:
            markdown, blocks = pending
            restored = put_back(html, blocks, self._token)
            if restored is None:  # an extension changed a placeholder: convert as written
                page.markdown = markdown
                page.render(config, files)
                restored = page.content
            html = restored
        self._converted += 1
        if self.progress is not None:
            self.progress("converting Markdown", self._converted, self._total)
        return html

    @event_priority(-100)
    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        self._done += 1
        if self.progress is not None:
            self.progress("writing pages", self._done, self._total)
        page.content = page.markdown = None  # written: do not hold every page until the end
        if page.file.src_uri in self._elsewhere:
            return ""  # MkDocs writes nothing for an empty page
        reused = self._reused.get(page.file.src_uri)
        if reused is None:
            return output
        _put_in_place(reused, Path(page.file.abs_dest_path), move=self._serving, made=self._made)
        return ""  # in place already: MkDocs writes nothing

    @event_priority(100)
    def _end_shared_build(self, *, config: MkDocsConfig) -> None:
        """A worker ends here; the first process waits for the workers' pages."""
        self._watch.close()
        if self._workers.is_worker:
            self._workers.finish(warned=_warning_count() > 0)
        statuses = self._workers.wait()
        if any(status not in (OK, WARNED) for status in statuses):
            raise PluginError("a build worker failed; its error is above")
        if WARNED in statuses and config.strict:
            raise PluginError("pages rendered by a build worker had warnings (above)")

    def on_build_error(self, *, error: Exception) -> None:
        self._watch.close()
        if self._workers.is_worker:
            self._workers.finish(failed=True, error=error)
        self._workers.stop()
        self._cancel_background()

    def _cancel_background(self) -> None:
        """Stop the search page's indexer a failed build started beside it (the terminal
        index is still brought up to date)."""
        if self._site_index is not None:
            self._site_index.cancel()
            self._site_index = None
        self._start_index_update()

    def _start_index_update(self) -> None:
        go, self._index_update_go = self._index_update_go, None
        if go is not None:
            go()

    @event_priority(-100)  # after Material's search plugin has written its index
    def _write_search_index(self, *, config: MkDocsConfig) -> None:
        """The in-browser search index, beside the pages (see ``search/site_index.py``)."""
        from ...search.site_index import (
            SiteIndexError,
            records_digest,
            reuse_site_index,
            write_site_index,
            write_site_synonyms,
        )

        job, self._site_index = self._site_index, None
        site_index_reused = job is None and (
            self._serving
            and self.previous_site is not None
            and reuse_site_index(self.previous_site, Path(config.site_dir), self.search_records)
        )
        if self._serving and self.previous_site is not None:
            remove_later(self.previous_site, fork=False)  # what is left: pages were moved out

        try:
            if job is not None:
                job.finish(Path(config.site_dir))
            elif not site_index_reused:
                write_site_index(self.search_records, Path(config.site_dir))
        except (OSError, SiteIndexError) as exc:
            self._site_index_digest = ""
            raise PluginError(f"cannot write the search page's index: {exc}") from None
        self._site_index_digest = records_digest(self.search_records)
        write_site_synonyms(self._settings.search_synonyms, Path(config.site_dir))
        self._start_index_update()

    def _write_offline_copies(self, *, config: MkDocsConfig) -> None:
        """Each tier's offline copy, made from the pages just written, and the catalogue
        again with the copies' checksums. Not in a live preview: an author waits on it,
        and the copies are for the published site."""
        if self._catalog is None or self._serving:
            return
        site = Path(config.site_dir)
        try:
            copies = write_offline_copies(self._catalog, site)
            if copies:
                (site / CATALOG_URI).write_text(
                    catalog_json(self._catalog, offline=copies), encoding="utf-8"
                )
        except OSError as exc:
            raise PluginError(f"cannot write the offline copies: {exc}") from None

    @event_priority(-200)  # last: it lists files the search index wrote
    def _write_service_worker(self, *, config: MkDocsConfig) -> None:
        if self._catalog is None:
            return
        try:  # a live preview's worker removes itself: saved pages would hide edits
            write_service_worker(
                self._catalog,
                Path(config.site_dir),
                enabled=self.config.offline_cache and not self._serving,
            )
        except OSError as exc:
            raise PluginError(f"cannot write the service worker: {exc}") from None

    on_post_build = CombinedEvent(
        _end_shared_build, _write_offline_copies, _write_search_index, _write_service_worker
    )

    def on_shutdown(self) -> None:
        """The live preview ends: stop its indexer and remove the last site it kept."""
        self._cancel_background()
        if self.previous_site is not None and self._serving:
            shutil.rmtree(self.previous_site, ignore_errors=True)

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        root = Path(config.config_file_path).resolve().parent
        runbooks = root / (self._settings.runbooks_dir if self._settings else "runbooks")
        if runbooks.is_dir():
            server.watch(str(runbooks))
        for rules in alert_rule_files(self._settings) if self._settings else ():
            server.watch(str(rules))  # an edited rules file is checked again
        watch_natively(server, more=[str(p) for p in config.watch])
        return LivePreview(report=log.error).keep_serving(server)
