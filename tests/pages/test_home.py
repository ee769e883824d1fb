"""The home page and the systems index: the index's own title and words, a door per tier."""

from __future__ import annotations

from opskb.pages.home import home_page, systems_index
from opskb.pipeline import load_kb

HOME = "---\ntitle: Operations handbook\n---\nStart with your tier.\n"


def test_the_home_page_takes_the_index_documents_title_and_words(make_kb):
    catalog = load_kb(make_kb({"content/index.md": HOME})).catalog
    page = home_page(catalog, "Test KB", set())
    assert (page.src_uri, page.title, page.source) == (
        "index.md",
        "Operations handbook",
        "content/index.md",
    )
    assert "Start with your tier." in page.markdown
    assert "VPN" in page.markdown


def test_without_an_index_document_the_home_page_is_titled_by_the_site_name(make_kb):
    root = make_kb()
    (root / "content/index.md").unlink()
    page = home_page(load_kb(root).catalog, "Test KB", set())
    assert (page.title, page.source) == ("Test KB", None)


def test_the_systems_index_lists_each_system(make_kb):
    page = systems_index(load_kb(make_kb()).catalog)
    assert (page.src_uri, page.title) == ("systems/index.md", "Systems")
    assert "VPN" in page.markdown
