"""Reserved URLs: no source may sit where the site generates a page of its own."""

from __future__ import annotations

import json

import pytest
from opskb.check.export import CATALOG_URI
from opskb.check.reserved import generated_at
from opskb.pages import render_site
from opskb.pipeline import load_kb
from opskb.urls import page_url

from tests.conftest import page, run_cli

ARTICLE = "---\ntitle: In the way\nkind: article\n---\nMine.\n"
SYSTEM = "---\ntitle: Index\nowner: Someone\n---\nA system called Index.\n"
RESERVED = {  # a source → the generated page it would replace
    "content/systems/index.md": "/systems/",
    "content/systems/README.md": "/systems/",
    "content/incidents/index.md": "/incidents/",
    "content/escalation.md": "/escalation/",
    "content/escalation/index.md": "/escalation/",
    "content/playbooks/index.md": "/playbooks/",
    "content/playbooks/l1.md": "/playbooks/",
    "content/playbooks/l4.markdown": "/playbooks/",
    "content/search/index.md": "/search/",
    "content/known-issues.md": "/known-issues/",
    "content/review/index.md": "/review/",
    "content/alerts/HighLatency.md": "/alerts/",
    "content/offline/l1.md": "/offline/",
    "content/api/index.md": "/api/",
    "content/api/catalog.json": "/api/",
    "content/systems/index.html": "/systems/",
}
FREE = {  # below a system's or an incident's folder, documents are as usual
    "content/systems/vpn/notes.md": ARTICLE,
    "content/incidents/2026/summary.md": ARTICLE,
    "content/articles/playbooks.md": ARTICLE,
}


@pytest.fixture
def in_the_way(make_kb):
    files = {path: SYSTEM if "systems/" in path else ARTICLE for path in RESERVED}
    return make_kb({**files, **FREE})


def test_a_source_at_a_generated_page_is_one_error_naming_both(in_the_way):
    result = run_cli("check", "--kb", in_the_way, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    for path, generated in RESERVED.items():
        (problem,) = [p for p in found if p["path"] == path and p["code"] == "reserved-url"]
        assert problem["level"] == "error" and f"'{generated}'" in problem["message"], problem
        assert "rename" in problem["hint"] or "move" in problem["hint"]
    assert not [p for p in found if p["path"] in FREE and p["level"] == "error"]


def test_a_build_fails_rather_than_replace_a_generated_page(in_the_way):
    result = run_cli("build", "--kb", in_the_way, "-q")
    assert result.exit_code == 1
    assert "content/systems/index.md: error: its page would be at '/systems/'" in result.output
    assert not (in_the_way / "site").exists()


def test_the_list_of_all_systems_keeps_its_place_beside_system_folders(make_kb, build):
    root = make_kb(FREE)
    site = build(root, strict=False)
    assert "Mine." in page(site, "systems/vpn/notes/")
    assert "Mine." not in page(site, "systems/")


def test_new_refuses_a_document_at_a_generated_page(make_kb):
    root = make_kb()
    result = run_cli("new", "system", "--kb", root, "--title", "Index")
    assert result.exit_code == 1
    assert "'/systems/'" in result.output and "nothing was written" in result.output
    assert not (root / "content/systems/index.md").exists()


def test_every_page_the_site_generates_is_reserved(make_kb):
    """The reserved list and the pages the site makes are kept apart: held equal here."""
    kb = load_kb(make_kb())
    documents = {doc.src_uri for doc in kb.catalog.published}
    generated = [p.src_uri for p in render_site(kb.catalog).pages if p.src_uri not in documents]
    assert "systems/index.md" in generated and "search/index.md" in generated
    for src_uri in generated:
        if src_uri != "index.md":  # the home page's prose is content/index.md's
            assert generated_at(page_url(src_uri)) is not None, src_uri
    assert generated_at(CATALOG_URI) is not None


def test_a_readme_at_the_top_is_the_home_pages_text_not_a_page_over_it(make_kb, build):
    """MkDocs puts a README at its folder's URL: at the top, that is the home page's."""
    root = make_kb({"content/README.md": "# Our runbooks\n\nStart here.\n"})
    (root / "content/index.md").unlink()
    home = (build(root) / "index.html").read_text(encoding="utf-8")
    assert "Start here." in home and "What is the caller reporting?" in home
