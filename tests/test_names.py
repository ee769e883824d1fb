"""What a source's path says: a document or not, its stem, its place in the page tree."""

from __future__ import annotations

import pytest
from opskb.names import (
    DOCUMENT_SUFFIXES,
    document_stem,
    is_markdown,
    markdown_stem,
    virtual_path,
)


@pytest.mark.parametrize(
    ("path", "stem"),
    [
        ("runbooks/vpn/reset.md", "runbooks/vpn/reset"),
        ("a/b.markdown", "a/b"),
        ("a/b.mkd", "a/b"),
        ("source/index.html.md.erb", "source/index"),  # GOV.UK tech-docs (Middleman)
        ("a/notes.txt", "a/notes.txt"),  # not Markdown: as it is
    ],
)
def test_the_markdown_stem_drops_only_a_markdown_suffix(path, stem) -> None:
    assert markdown_stem(path) == stem
    assert is_markdown(path) is (stem != path)


def test_an_adopted_document_loses_its_own_suffix_and_a_dot_file_keeps_its_name() -> None:
    assert document_stem("runbooks/db/restart.txt") == "runbooks/db/restart"
    assert document_stem("runbooks/db/restart.md") == "runbooks/db/restart"
    assert document_stem("runbooks/.profile") == "runbooks/.profile"
    assert document_stem("runbooks/v1.2/README") == "runbooks/v1.2/README"


def test_every_suffix_mkdocs_builds_is_a_document_suffix() -> None:
    from mkdocs.utils import markdown_extensions

    assert set(markdown_extensions) <= set(DOCUMENT_SUFFIXES)


def test_content_sits_at_the_root_of_the_page_tree_and_runbooks_below_their_folder() -> None:
    assert virtual_path("content/index.md", "content") == "index.md"
    assert virtual_path("content/", "content/") == ""
    assert virtual_path("runbooks/vpn/reset.md", "content") == "runbooks/vpn/reset.md"
    assert virtual_path("contents/x.md", "content") == "contents/x.md"  # not a prefix match
