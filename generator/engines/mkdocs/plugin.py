"""The MkDocs adapter: a switchboard from MkDocs events to the opskb core.

``plugins: [search, opskb]`` in ``mkdocs.yml`` makes plain ``mkdocs build``
and ``mkdocs serve`` build a knowledge base; ``opskb build`` drives the same
plugin in-process. All logic lives in the core; this module only wires.
"""

from __future__ import annotations

import gc
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
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from ...check.export import CATALOG_URI, catalog_json, with_offline
from ...check.slow_markdown import ConversionWatch, terminal_notice
from ...executor import OK, WARNED, BuildWorkers, available_cpus, can_fork, plan_shares
from ...names import virtual_path
from ...options import OPTIONS, Option
from ...pages import RenderMemo, Site
from ...pages.html_blocks import new_token, put_back, set_aside
from ...pages.render import bytecode_cache
from ...pipeline import KnowledgeBase, load_kb, render_kb
from ...problems import format_problems
from ...publish.offline import write_offline_copies
from ...publish.offline_reuse import CopyParts, CopyReuse
from ...publish.offline_worker import write_service_worker
from ...reuse import BuildRecord
from ...search.records import RecordStore
from ...sources.alert_rules import alert_rule_files
from ...sources.load import LoadCache
from ..stage import nav_config, our_assets
from .nav_memo import NavMemo
from .next_site import take_pages
from .pages import PagePlan, PlannedFiles, build_record, hand_over, other_plugins
from .preview import LivePreview
from .quick import FollowUp, QuickPages
from .search_jobs import SearchJobs
from .watching import watch_natively

__all__ = ["OpskbPlugin"]

log = get_plugin_logger(__name__)
THEME_DIR = Path(__file__).resolve().parents[2] / "theme"
REUSE_TEMPLATE = "opskb-reuse.html"  # a one-line template for pages whose HTML is reused


def _declared(option: Option) -> c.BaseConfigOption:
    if option.default is None:
        return c.Optional(c.Type(option.types))
    default = option.default
    if isinstance(default, tuple):  # settings hold tuples; MkDocs checks defaults as values
        default = list(default)
    return c.Type(option.types, default=default)


#: The plugin's options, declared to MkDocs as the one schema has them (``options.py``).
OpskbConfig = type(
    "OpskbConfig",
    (base.Config,),
    {name: _declared(option) for name, option in OPTIONS.items()},
)


def _warning_count() -> int:
    """Warnings MkDocs counted in this process (it counts only in strict mode)."""
    handlers = logging.getLogger("mkdocs").handlers
    return sum(n for h in handlers if isinstance(h, CountHandler) for _, n in h.get_counts())


def _engine_name() -> str:
    """The engine running this plugin: ProperDocs answers for ``mkdocs`` imports."""
    import mkdocs

    return getattr(mkdocs, "__name__", "mkdocs")


class OpskbPlugin(BasePlugin[OpskbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.kb: KnowledgeBase | None = None  # set by `opskb build` to reuse its loaded KB
        self.site: Site | None = None
        self.catalog_json = "{}"  # api/catalog.json of the knowledge base being built
        self.reported = False  # `opskb build` prints problems itself
        # Incremental builds (see reuse.py): `opskb build` sets `previous_site` to the
        # site it replaces and saves `record` once the new site is in place.
        self.previous_site: Path | None = None
        self.previous_record: BuildRecord | None = None
        self.record: BuildRecord | None = None
        self.prepared: Path | None = None  # `opskb build`: reused pages linked for it
        self.index_update: Callable[[], None] | None = None  # `opskb build`: forked early
        self.page_paths: list[str] = []  # the pages of the build under way, in its site
        self.progress: Callable[[str, int, int], None] | None = None  # (stage, done, of)
        self.notice = terminal_notice()  # names a page that converts for long, or None
        self._watch = ConversionWatch(None, float("inf"))  # made for each build
        self._plan = PagePlan()  # which pages this process converts
        self._planned: PlannedFiles | None = None  # the build's files, once its plan is final
        self._nav = NavMemo()  # the theme's navigation, rendered once for pages printing it alike
        self._search = SearchJobs(warn=log.warning)
        self._serving = False
        self._converted = self._done = self._total = 0
        self._workers = BuildWorkers()
        self._loaded = LoadCache()  # loaded source files, kept across live-preview rebuilds
        self._catalog = None  # the catalogue of the build under way
        self._root, self._settings, self._files = Path(), None, []  # of the build under way
        self._token = new_token()  # stands for our HTML blocks while Markdown converts
        self._set_aside: dict[str, tuple[str, list[str]]] = {}  # src_uri → (Markdown, blocks)
        # what earlier builds worked out: (cache folder, search records, rendered templates)
        self._kept: tuple[Path, RecordStore, RenderMemo] | None = None
        self._quick = QuickPages()  # a live preview's edited pages, shown before the rest
        self._follow_up: FollowUp | None = None

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
            if not self._serving:
                # `mkdocs build` ends with the build: freeze what loading made, as
                # `opskb build` does, so no later collection walks it
                gc.freeze()
        else:
            kb = self.kb
        self.kb = None  # a serve rebuild must reload the sources
        self._root, self._settings, self._files = root, kb.settings, kb.catalog.files
        self._watch.close()
        self._watch = ConversionWatch(self.notice, kb.settings.slow_page)
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
        sites = [Path(config.site_dir), *([self.previous_site] if self.previous_site else [])]

        self._search.index_update, self.index_update = self.index_update, None

        def searching(found: list) -> None:
            self._search.start(found, root, kb.catalog, serving=self._serving, sites=sites)

        self.site, _ = render_kb(
            kb, records, memo, workers=workers, searching=searching, warn=log.warning
        )
        self._kept = self._kept if self._serving else None  # a live preview keeps them
        self.catalog_json = catalog_json(kb.catalog)
        self._catalog = kb.catalog  # for the offline copies, made once the pages are written
        config.nav = nav_config(self.site.nav)
        custom = 1 if config.theme.custom_dir else 0
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(custom, str(THEME_DIR))
        offline = kb.settings.offline_cache and not self._serving
        sheets, scripts, extensions = our_assets(kb.settings, offline=offline)
        config.extra_css.extend([s for s in sheets if s not in config.extra_css])
        config.extra_javascript.extend([s for s in scripts if s not in config.extra_javascript])
        config.markdown_extensions.extend(
            [e for e in extensions if e not in config.markdown_extensions]
        )
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
        published = {virtual_path(p, self._settings.content_dir): p for p in self._files}
        sources = {uri: self._root / path for uri, path in published.items()}
        self._plan.start(self.site.pages, alone=not other_plugins(config))
        hand_over(files, config, self.site, self._plan, sources=sources)
        if (existing := files.get_file_from_path(CATALOG_URI)) is not None:
            files.remove(existing)
        files.append(File.generated(config, CATALOG_URI, content=self.catalog_json))
        # MkDocs' and ProperDocs' pages differ (their generator tag)
        self.record = build_record(config, self.site.pages, engine=_engine_name())
        self._converted, self._done, self._total = 0, 0, len(self.site.pages)
        self._plan.plan_reuse(self.previous_site, self.previous_record, self.record, files)
        self.page_paths = [files.get_file_from_path(p.src_uri).dest_uri for p in self.site.pages]
        if self.prepared is not None:
            self._take_prepared(files, Path(config.site_dir))
        self._planned = None
        return PlannedFiles(files)

    def _take_prepared(self, files: Files, site: Path) -> None:
        """The reused pages linked for this build while none ran (``next_site.py``)."""
        prepared, self.prepared = self.prepared, None
        reused = {}
        for uri in self._plan.reused:
            file = files.get_file_from_path(uri)
            if file is not None:
                reused[file.dest_uri] = uri
        for file in files:  # MkDocs copies these over whatever is there: never over a link
            if not file.is_documentation_page():
                reused.pop(file.dest_uri, None)

        def still_right(rel: str, page: Path) -> bool:
            uri = reused.get(rel)
            try:  # the very file of the site this build replaces, which it reuses
                return uri is not None and os.path.samefile(page, self._plan.reused[uri])
            except OSError:
                return False

        self._plan.in_place = {reused[rel] for rel in take_pages(prepared, site, still_right)}

    def _worker_count(self, config: MkDocsConfig, *, pages: bool = True) -> int:
        """Processes to share the work: our rendering, or (``pages``) MkDocs' pages."""
        if self._serving or not can_fork():
            return 1  # a live preview renders few pages; its server runs threads
        others = other_plugins(config)
        if pages and others:
            log.debug(f"one process renders every page: {', '.join(sorted(others))} may need to")
            return 1
        return self._settings.workers or available_cpus()

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        """Share the pages between processes, now that every page's place is known."""
        assert self.site is not None
        count = min(self._worker_count(config), len(self.site.pages))
        if count == 1:
            if self._serving:
                self._quick.saw(nav=nav)
            self._restrict(files)
            return nav
        reused = self._plan.reused
        sizes = {p.src_uri: len(p.markdown) for p in self.site.pages if p.src_uri not in reused}
        index = self._workers.start(count)
        if self._workers.is_worker:  # the first process's jobs: never touch them from here
            self._search.leave_to_first_process()
        # reused pages in runs of neighbours: two processes making the same folders wait
        # on each other
        kept = sorted(reused)
        start, end = index * len(kept) // count, (index + 1) * len(kept) // count
        others = kept[:start] + kept[end:]
        self._plan.elsewhere = (frozenset(sizes) - plan_shares(sizes, count)[index]) | set(others)
        self._restrict(files)
        return nav

    def _restrict(self, files: Files) -> None:
        """MkDocs' build goes over the pages this process converts only (``PlannedFiles``);
        not when another plugin may need to see every page."""
        if self._plan.alone and isinstance(files, PlannedFiles):
            files.restrict(self._plan)
            self._planned = files
            self._total = sum(1 for p in self.site.pages if self._plan.converts(p.src_uri))

    def _quiet_skipped_pages(self, record: logging.LogRecord) -> bool:
        """MkDocs says so when a page writes nothing: those another process or reuse writes."""
        return not str(record.msg).startswith("Page skipped:")

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """A worker writes its pages only: assets and the sitemap are the first process's.

        Templates are read once per build: the theme checks each one's file for
        changes on every page otherwise (thousands of needless look-ups). They are
        kept compiled between builds (``bytecode_cache``; Jinja checks their sources).
        """
        env.auto_reload, env.bytecode_cache = False, bytecode_cache()
        self._nav.start(env, config.theme.dirs, str(THEME_DIR))
        if self._serving:
            self._quick.saw(config=config, files=files, env=env)
        if self._workers.is_worker:
            for file in [f for f in files if not f.is_documentation_page()]:
                files.remove(file)
            config.theme.static_templates.clear()
            config.extra_templates = []
        return env

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
        if self._plan.converts(src_uri):
            ours = self._plan.ours.get(src_uri)
            self._watch.started(ours.source if ours and ours.source else src_uri)
            if ours is None or not ours.markdown.endswith(markdown):
                return markdown  # another plugin changed it: convert it as it is
            converted, blocks = set_aside(markdown, ours.authored, self._token)
            if blocks:
                self._set_aside[src_uri] = (markdown, blocks)
            return converted
        page.meta["template"] = REUSE_TEMPLATE  # its HTML comes from elsewhere (pages.py)
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

    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        if self._planned is not None:  # as if MkDocs had gone over every page
            context["pages"] = self._planned.unrestricted()
        return self._nav.context(context, page, nav, config, self._plan.converts(page.file.src_uri))

    @event_priority(-100)
    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        self._done += 1
        if self.progress is not None:
            self.progress("writing pages", self._done, self._total)
        output = self._nav.keep(output, page)
        page.content = page.markdown = None  # written: do not hold every page until the end
        if page.file.src_uri in self._plan.elsewhere:
            return ""  # MkDocs writes nothing for an empty page
        target = Path(page.file.abs_dest_path)
        if self._plan.put_in_place(page.file.src_uri, target, move=self._serving):
            return ""  # in place already: MkDocs writes nothing
        return output

    @event_priority(100)
    def _end_shared_build(self, *, config: MkDocsConfig) -> None:
        """A worker ends here; the first process waits for the workers' pages."""
        self._watch.close()
        if self._planned is not None:
            self._put_reused_in_place(self._planned)
        if self._workers.is_worker:
            self._workers.finish(warned=_warning_count() > 0)
        statuses = self._workers.wait()
        if any(status not in (OK, WARNED) for status in statuses):
            raise PluginError("a build worker failed; its error is above")
        if WARNED in statuses and config.strict:
            raise PluginError("pages rendered by a build worker had warnings (above)")

    def _put_reused_in_place(self, files: Files) -> None:
        """This process's share of the pages whose HTML the previous build made (MkDocs
        went over none of them), where MkDocs would have written them."""
        for uri in self._plan.mine_reused():
            file = files.get_file_from_path(uri)
            if file is not None:
                self._plan.put_in_place(uri, Path(file.abs_dest_path), move=self._serving)

    def on_build_error(self, *, error: Exception) -> None:
        self._watch.close()
        if self._workers.is_worker:
            self._workers.finish(failed=True, error=error)
        self._workers.stop()
        self._search.cancel()
        self._quick.forget()

    @event_priority(-100)  # after Material's search plugin has written its index
    def _write_search_index(self, *, config: MkDocsConfig) -> None:
        """The in-browser search index, beside the pages (``search_jobs.py``)."""
        self._search.finish(
            Path(config.site_dir),
            self.previous_site,
            serving=self._serving,
            synonyms=self._settings.search_synonyms,
        )

    def _write_offline_copies(self, *, config: MkDocsConfig) -> None:
        """Each tier's offline copy, made from the pages just written (or the previous
        site's: its key is kept in the build record), and the catalogue with their
        checksums. Not in a live preview: it is for the site."""
        if self._catalog is None or self._serving:
            return
        site, workers = Path(config.site_dir), self._worker_count(config, pages=False)
        previous = self.previous_record.pages if self.previous_record else {}
        reuse = CopyReuse(self.previous_site, previous, CopyParts(self._settings.cache_dir))
        try:
            copies = write_offline_copies(self._catalog, site, reuse, workers=workers)
            if self.record is not None:
                self.record.pages.update(reuse.made)
            if copies:
                text = with_offline(self.catalog_json, copies)
                (site / CATALOG_URI).write_text(text, encoding="utf-8")
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
                enabled=self._settings.offline_cache and not self._serving,
            )
        except OSError as exc:
            raise PluginError(f"cannot write the service worker: {exc}") from None
        if self._serving and self.site is not None:
            self._quick.built(self._catalog, self.site)

    on_post_build = CombinedEvent(
        _end_shared_build, _write_offline_copies, _write_search_index, _write_service_worker
    )

    def on_shutdown(self) -> None:
        """The live preview ends: stop its indexers and remove the last site it kept."""
        self._search.close()
        if self._follow_up is not None:
            self._follow_up.close()
        if self.previous_site is not None and self._serving:
            shutil.rmtree(self.previous_site, ignore_errors=True)

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        root = Path(config.config_file_path).resolve().parent
        runbooks = root / (self._settings.runbooks_dir if self._settings else "runbooks")
        ours = [str(runbooks)] if runbooks.is_dir() else []
        # an edited rules file is checked again
        ours += [str(rules) for rules in alert_rule_files(self._settings)] if self._settings else []
        watch_natively(server, config, ours)
        cache = self._settings.cache_dir if self._settings else root / ".opskb-cache"
        self._follow_up = FollowUp(server, cache / "preview")
        preview = LivePreview(report=log.error, inform=log.info)
        return preview.keep_serving(server, first=self._show_first, follow_up=self._follow_up)

    def _show_first(self) -> list[str]:
        """Pages of edited documents shown before the rest of the site (``quick.py``)."""
        self.kb = None
        if self.record is None:
            return []
        kb = load_kb(self._root, cache=self._loaded, workers=1, history=True)
        changed = self._quick.changed(kb)
        if changed is None:
            self.kb = kb  # the rebuild about to run reads what was loaded
            return []
        return self._quick.show(kb, changed, self._plan, self.record)
