"""The pages the MkDocs adapter hands MkDocs: which it converts, without patching MkDocs."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from opskb.engines.mkdocs.pages import OpskbPage, PagePlan, build_record, hand_over
from opskb.pages import NavItem, Site
from opskb.pages.render import Page
from opskb.reuse import BuildRecord

HEADER = '---\ntitle: "Reset a <token>"\ntemplate: "page.html"\n---\n'
MARKDOWN = HEADER + "# Reset a token\n\nResync it [here](#steps).\n\n## Steps\n"


@pytest.fixture
def config(tmp_path: Path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: KB\nsite_dir: s\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins._current_plugin = "opskb"  # as while MkDocs runs our on_files event
    return config


def _site() -> Site:
    pages = [
        Page("index.md", HEADER + "# Home\n", "Home"),
        Page("runbooks/reset.md", MARKDOWN, "Reset a <token>"),
    ]
    return Site(pages, [NavItem("Home & start", "index.md")])


def _handed(config: MkDocsConfig, plan: PagePlan) -> Files:
    site = _site()
    plan.start(site.pages, alone=True)
    files = Files([])
    hand_over(files, config, site, plan, sources={})
    return files


def test_every_page_is_handed_over_as_ours_with_its_nav_title_and_place(config) -> None:
    files = _handed(config, PagePlan())
    home, reset = (
        files.get_file_from_path("index.md"),
        files.get_file_from_path("runbooks/reset.md"),
    )
    assert isinstance(home.page, OpskbPage) and isinstance(reset.page, OpskbPage)
    assert home.page.title == "Home &amp; start"  # as the nav setting has it (escaped)
    assert home.inclusion is InclusionLevel.UNDEFINED
    assert reset.inclusion is InclusionLevel.NOT_IN_NAV  # reached from playbooks, not the nav


def test_a_page_this_process_converts_reads_and_renders_as_mkdocs_does(config) -> None:
    files = _handed(config, PagePlan())
    page = files.get_file_from_path("runbooks/reset.md").page
    page.read_source(config)
    assert page.meta["title"] == "Reset a <token>" and page.markdown.startswith("# Reset")
    page.render(config, files)
    assert '<h2 id="steps">Steps</h2>' in page.content
    assert "steps" in page.present_anchor_ids


def test_a_page_rendered_elsewhere_reads_its_metadata_only_and_converts_nothing(config) -> None:
    plan = PagePlan()
    files = _handed(config, plan)
    plan.elsewhere = frozenset({"runbooks/reset.md"})
    page = files.get_file_from_path("runbooks/reset.md").page
    page.read_source(config)
    assert page.markdown == ""
    assert page.meta == {"title": "Reset a <token>", "template": "page.html"}
    assert page.title == "Reset a <token>"
    page.render(config, files)
    assert page.content == "" and page.present_anchor_ids is None  # anchors left unchecked
    assert "render" not in vars(page) and "read_source" not in vars(page)  # nothing patched


def test_a_reused_page_is_read_in_full_when_another_plugin_may_read_it(config, tmp_path) -> None:
    plan = PagePlan()
    site = _site()
    plan.start(site.pages, alone=False)
    files = Files([])
    hand_over(files, config, site, plan, sources={})
    previous = tmp_path / "previous"
    (previous / "runbooks" / "reset").mkdir(parents=True)
    (previous / "runbooks" / "reset" / "index.html").write_text("<p>old</p>", encoding="utf-8")
    record = build_record(config, site.pages)
    plan.plan_reuse(previous, BuildRecord(record.context, dict(record.pages)), record, files)
    assert set(plan.reused) == {"runbooks/reset.md"}  # index.md had no HTML to take
    page = files.get_file_from_path("runbooks/reset.md").page
    page.read_source(config)
    assert page.markdown.startswith("# Reset")  # another plugin may want it
    page.render(config, files)
    assert page.content == ""  # but its HTML is the previous build's


def test_reuse_needs_the_same_context_and_markdown(config, tmp_path) -> None:
    plan = PagePlan()
    site = _site()
    files = _handed(config, plan)
    record = build_record(config, site.pages)
    changed = BuildRecord(record.context, {**record.pages, "runbooks/reset.md": "other"})
    (tmp_path / "previous" / "runbooks" / "reset").mkdir(parents=True)
    (tmp_path / "previous" / "runbooks" / "reset" / "index.html").write_text("x")
    plan.plan_reuse(tmp_path / "previous", changed, record, files)
    assert plan.reused == {}
    plan.plan_reuse(tmp_path / "previous", BuildRecord("elsewhere", record.pages), record, files)
    assert plan.reused == {}
    assert build_record(config, site.pages, engine="a").context != record.context


@pytest.mark.parametrize("move", [False, True])
def test_a_reused_page_is_put_in_place_from_the_previous_site(tmp_path, move) -> None:
    plan = PagePlan()
    old = tmp_path / "old" / "page.html"
    old.parent.mkdir()
    old.write_text("<p>kept</p>", encoding="utf-8")
    plan.reused = {"page.md": old}
    target = tmp_path / "new" / "deep" / "page.html"
    assert plan.put_in_place("page.md", target, move=move)
    assert target.read_text(encoding="utf-8") == "<p>kept</p>"
    assert old.exists() is not move  # a live preview's previous site is about to go
    assert not plan.put_in_place("other.md", tmp_path / "new" / "other.html", move=move)


def test_a_live_previews_reused_pages_move_with_their_folders_and_nothing_else(
    tmp_path,
) -> None:
    """A folder holding only the reused page moves as one; a folder holding more (a page
    deleted since, below it) gives up the page alone, and a folder the new build wrote
    into already keeps what it holds."""
    old, new = tmp_path / "old", tmp_path / "new"
    pages = {
        "alone.md": old / "runbooks" / "alone" / "index.html",
        "parent.md": old / "runbooks" / "parent" / "index.html",
        "written.md": old / "runbooks" / "written" / "index.html",
    }
    for path in pages.values():
        path.parent.mkdir(parents=True)
        path.write_text(path.parent.name, encoding="utf-8")
    deleted = old / "runbooks" / "parent" / "deleted" / "index.html"
    deleted.parent.mkdir()
    deleted.write_text("a page deleted since", encoding="utf-8")
    image = new / "runbooks" / "written" / "figure.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"png")
    plan = PagePlan()
    plan.reused = dict(pages)
    for uri, path in pages.items():
        target = new / path.relative_to(old)
        assert plan.put_in_place(uri, target, move=True)
        assert target.read_text(encoding="utf-8") == target.parent.name
    assert not (old / "runbooks" / "alone").exists()  # moved as one
    assert not (new / "runbooks" / "parent" / "deleted").exists()
    assert deleted.exists() and image.read_bytes() == b"png"
