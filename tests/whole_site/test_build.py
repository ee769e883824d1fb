"""Building sites: what a user gets in the HTML, and what a failed build leaves behind."""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.synthetic import write_kb
from tests.conftest import REPO, page, run_cli


def heading(text: str) -> str:
    """The text of a page's first ``<h1>``, as a reader sees it."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    assert match, "page has no <h1>"
    inner = re.sub(r'<a class="headerlink".*?</a>', "", match.group(1))
    return html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_runbook_page_shows_tier_system_owner_symptoms_and_escalation_box(make_kb, build):
    site = build(make_kb())
    text = page(site, "runbooks/vpn/reset-token/")
    assert "<title>Reset VPN token - Test KB</title>" in text
    assert 'class="opskb-badge opskb-tier opskb-tier-l1"' in text
    assert ">VPN</a>" in text and "Service Desk" in text
    assert "token code invalid" in text
    box = text[text.index('class="opskb-escalate"') :]
    assert "Escalate to L2 when" in box
    assert "token still fails after resync" in box
    assert "NetOps" in box and "netops@example.com" in box and "1h" in box


def test_overdue_review_is_visible_on_the_page(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/old.md": """\
        ---
        title: Old procedure
        tier: L2
        systems: [vpn]
        owner: NetOps
        escalate_when: [x]
        last_reviewed: 2024-01-01
        ---
        Steps.
        """,
            "content/articles/old-notes.md": """        ---
        title: Old notes
        systems: [vpn]
        owner: NetOps
        last_reviewed: 2024-01-01
        ---
        Notes.
        """,
        }
    )
    site = build(root)
    runbook = page(site, "runbooks/vpn/old/")
    assert runbook.count("Review overdue") == 1 and "review overdue since" in runbook
    # under the escalation card, which stays in the first screen; before the steps
    assert runbook.index('id="escalate"') < runbook.index("Review overdue")
    assert runbook.index("Review overdue") < runbook.index("<p>Steps.</p>")
    article = page(site, "articles/old-notes/")
    assert article.count("Review overdue") == 1
    assert article.index("Review overdue") < article.index("<p>Notes.</p>")
    assert "Review overdue" not in page(site, "runbooks/vpn/reset-token/")


def test_page_urls_mirror_source_paths_and_drafts_are_left_out(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/deep/er/nested.md": (
                "---\ntier: L2\nsystems: [vpn]\nescalate_when: [x]\n---\n"
            ),
            "runbooks/vpn/wip.md": "---\ntier: L1\nsystems: [vpn]\nstatus: draft\n---\nSecret.\n",
        }
    )
    site = build(root)
    assert "Nested" in page(site, "runbooks/vpn/deep/er/nested/")
    assert "Vpn" not in page(site, "systems/vpn/").split("<h1")[1][:60]
    assert not (site / "runbooks/vpn/wip").exists()


def test_front_matter_text_is_shown_as_text_everywhere(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/xss.md": """\
            ---
            title: "<script>alert(1)</script>"
            owner: "<b>x</b>"
            tier: L1
            systems: [vpn]
            symptoms: ["<img src=x onerror=alert(2)>"]
            escalate_when: ["<i>never</i>"]
            ---
            Body.
            """,
            "content/articles/a.md": "---\ntitle: A\nrelated: [runbooks/vpn/xss.md]\n---\n",
        }
    )
    site = build(root)
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for raw in ("<script>alert(1)", "<b>x</b>", "<img src=x", "<i>never</i>"):
            assert raw not in text, (html_file, raw)
    shown = html.unescape(page(site, "runbooks/vpn/xss/"))
    assert "<script>alert(1)</script>" in shown and "<b>x</b>" in shown
    assert "<script>alert(1)</script>" in html.unescape(page(site, "articles/a/"))


def test_leading_key_value_lines_in_a_body_stay_in_the_page(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/plain.md": "Severity: high\nOwner: nobody\n\nCall the NOC.\n",
            "runbooks/vpn/_defaults.yml": "tier: L1\nsystems: [vpn]\nescalate_when: [always]\n",
        }
    )
    text = page(build(root), "runbooks/vpn/plain/")
    assert "Severity: high" in text and "Call the NOC." in text


BROKEN = {
    "runbooks/vpn/bad-yaml.md": "---\ntitle: x\ntier: [L1\n---\nbody\n",
    "runbooks/vpn/bad-tier.md": "---\ntitle: x\nsystems: [vpn]\ntier: L7\n---\n",
    "runbooks/vpn/no-tier.md": "---\ntitle: x\nsystems: [vpn]\n---\n",
    "runbooks/vpn/wrong-type.md": "---\ntier: L1\nsystems: [vpn]\nsymptoms: {a: b}\n---\n",
    "runbooks/vpn/unknown-system.md": "---\ntier: L1\nsystems: [nope]\n---\n",
}


def test_broken_documents_fail_check_and_build_naming_every_file(make_kb, build):
    root = make_kb()
    site = build(root)
    before = tree_digest(site)
    for rel, text in BROKEN.items():
        (root / rel).write_text(text, encoding="utf-8")
    sources = tree_digest(root / "runbooks")

    check = run_cli("check", "--kb", root)
    result = run_cli("build", "--kb", root)
    for outcome in (check, result):
        assert outcome.exit_code == 1
        assert "Traceback" not in outcome.output
        for rel in BROKEN:
            assert f"{rel}:" in outcome.output
    assert "runbooks/vpn/bad-tier.md:4: error [tier]" in check.output
    assert "previous site is untouched" in result.output
    assert tree_digest(site) == before
    assert tree_digest(root / "runbooks") == sources


def test_check_json_lists_every_problem(make_kb):
    import json

    root = make_kb(BROKEN)
    result = run_cli("check", "--kb", root, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert {p["path"] for p in found if p["level"] == "error"} == set(BROKEN)
    assert all(p["line"] >= 1 for p in found if p["path"] in BROKEN)


def test_build_into_another_folder(make_kb, tmp_path):
    root = make_kb()
    out = tmp_path / "public"
    result = run_cli("build", "--kb", root, "-d", out, "--strict")
    assert result.exit_code == 0, result.output
    assert "Reset VPN token" in page(out, "runbooks/vpn/reset-token/")
    assert not (root / "site").exists()


def test_init_creates_a_knowledge_base_that_builds_strict(tmp_path, build):
    target = tmp_path / "new-kb"
    result = run_cli("init", target)
    assert result.exit_code == 0, result.output
    site = build(target)
    assert "Mailbox full" in page(site, "runbooks/email/mailbox-full/")
    again = run_cli("init", target)
    assert again.exit_code != 0 and "Traceback" not in again.output


@pytest.mark.parametrize("present", ["notes.txt", ".git/HEAD", "docs/index.md"])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path, present):
    target = tmp_path / "existing"
    (target / present).parent.mkdir(parents=True)
    (target / present).write_text("keep me\n", encoding="utf-8")
    result = run_cli("init", target)
    assert result.exit_code == 1
    assert f"{target} is not empty" in result.output and "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        present
    ]


def test_init_fills_an_empty_folder(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    result = run_cli("init", target)
    assert result.exit_code == 0, result.output
    assert (target / "mkdocs.yml").is_file() and (target / "templates/runbook-l1.md").is_file()


def test_source_date_epoch_decides_today(make_kb, build, monkeypatch):
    root = make_kb(
        {
            "runbooks/vpn/aging.md": """\
        ---
        tier: L2
        systems: [vpn]
        escalate_when: [x]
        last_reviewed: 2026-01-01
        review_every: 200
        ---
        """
        }
    )
    assert "Review overdue" not in page(build(root), "runbooks/vpn/aging/")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    assert "Review overdue" in page(build(root), "runbooks/vpn/aging/")


def test_sample_builds_strict_with_a_page_for_every_published_document(sample_site):
    from opskb.pipeline import load_kb

    catalog = load_kb(REPO).catalog
    assert len(catalog.systems) >= 6
    assert len(catalog.runbooks) >= 24
    assert len(catalog.incidents) >= 8
    for doc in catalog.published:
        text = page(sample_site, doc.url)
        assert heading(text) == doc.title, doc.path
        assert f"<title>{html.escape(doc.title)} - " in text, doc.path
    for doc in catalog.documents:
        if doc.is_draft:
            assert not (sample_site / doc.url / "index.html").exists(), doc.path


def test_runbook_header_says_where_it_escalates_and_links_the_box(make_kb, build):
    text = page(build(make_kb()), "runbooks/vpn/reset-token/")
    facts = text[text.index('class="opskb-facts"') : text.index('id="escalate"')]
    assert "Escalates to:" in facts and 'href="#escalate"' in facts
    assert "L2 · NetOps (1h)" in facts


def test_plain_mkdocs_build_inside_a_knowledge_base_uses_the_plugin(make_kb, tmp_path):
    root = make_kb()
    out = tmp_path / "plain-site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    text = page(out, "runbooks/vpn/reset-token/")
    assert "Escalate to L2 when" in text and "NetOps" in text
    assert "Escalation matrix" in page(out, "escalation/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_link_between_pages_leads_to_a_page(tmp_path: Path, directory_urls: bool) -> None:
    """Our HTML blocks write page addresses themselves; both URL styles must hold."""
    kb = write_kb(tmp_path / "kb", documents=40, seed=21)
    config = kb.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(f"use_directory_urls: {str(directory_urls).lower()}\n" + text, "utf-8")
    site = tmp_path / "site"
    result = run_cli("build", "--kb", kb.root, "-q", "--strict", "-d", site)
    assert result.exit_code == 0, result.output
    checked = 0
    for html_file in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            target = urllib.parse.urlsplit(href)
            if target.scheme or target.netloc or target.path.startswith("/") or not target.path:
                continue  # another site, the server's root (404.html), or this page
            path = (html_file.parent / urllib.parse.unquote(target.path)).resolve()
            if path.is_dir():
                assert directory_urls, (html_file, href)
                path = path / "index.html"
            assert path.is_file(), f"{html_file.relative_to(site)} links to missing {href}"
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize("related", [True, False])
def test_after_a_build_the_terminal_search_needs_no_indexing(tmp_path: Path, related) -> None:
    from opskb.search.index import IndexUpdate, SearchIndex

    kb = write_kb(tmp_path / "kb", documents=30, seed=22, related=related)
    result = run_cli("build", "--kb", kb.root, "-q", "--strict")
    assert result.exit_code == 0, result.output
    assert SearchIndex.open(kb.root).refresh() == IndexUpdate()  # nothing left to index
    runbook = kb.published_runbooks[0]
    found = run_cli("search", "--kb", kb.root, "--json", kb.symptom[runbook])
    assert runbook in found.output


def test_a_library_build_leaves_the_environment_as_it_found_it(make_kb, monkeypatch):
    from opskb.engines.mkdocs.build import build_site

    root = make_kb()
    build_site(root, quiet=True)  # the engine and theme imported, as a caller would have them
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    before = dict(os.environ)
    assert build_site(root, quiet=True) == 0
    assert dict(os.environ) == before
