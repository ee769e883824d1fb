"""Runbook repositories adopted as they are: folder pages, titles, GOV.UK tech-docs pages.

Each test lays out a few lines in the style of one kind of existing repository
(Hugo section pages, GitLab READMEs, Middleman ``.html.md.erb`` pages), builds
the site and reads what a reader gets: every link and catalogue URL reaches a
built page, each page has one ``<h1>`` holding the title the author meant.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.conftest import page, run_cli

DEFAULTS = "tier: L2\nsystems: [vpn]\nowner: NetOps\n"
RUNBOOK_TUNNEL = "---\ntier: L1\nsystems: [vpn]\nescalate_when: [still down]\n---\n# Tunnel down\n"
HREF = re.compile(r'href="([^"]*)"')


def article(html_text: str) -> str:
    """The page's own content, without the theme's navigation."""
    return html_text.split("<article", 1)[1].split("</article>", 1)[0]


def broken_links(site: Path, url: str) -> list[str]:
    """The relative links on the page at ``url`` that reach no built file."""
    broken = []
    for href in HREF.findall(article(page(site, url))):
        href = html.unescape(href)
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("#", "/", "mailto:")) or not parts.path:
            continue
        target = (site / url / unquote(parts.path)).resolve()
        if not (target.is_file() or (target / "index.html").is_file()):
            broken.append(href)
    return broken


def catalogue(site: Path) -> dict[str, dict]:
    data = json.loads((site / "api" / "catalog.json").read_text(encoding="utf-8"))
    return {doc["source"]: doc for doc in data["documents"]}


def test_a_hugo_section_page_is_its_folders_page_listing_the_folder(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/_defaults.yml": DEFAULTS,
            "runbooks/vpn/_index.md": "---\ntitle: VPN runbooks\nweight: 10\n---\n",
            "runbooks/vpn/tunnel/_index.md": "---\nbookCollapseSection: true\n---\n",
            "runbooks/vpn/tunnel/TunnelDown.md": (
                "---\ntitle: Tunnel down\nescalate_when: [still down]\n---\nRestart it.\n"
            ),
        }
    )
    site = build(root)  # strict: a section page is not a runbook missing 'escalate_when'
    folder = article(page(site, "runbooks/vpn/"))
    assert "VPN runbooks" in folder
    assert "Reset VPN token" in folder and "Tunnel" in folder
    assert broken_links(site, "runbooks/vpn/") == []
    assert "Tunnel down" in article(page(site, "runbooks/vpn/tunnel/"))
    assert not (site / "runbooks/vpn/_index").exists()
    found = catalogue(site)
    assert found["runbooks/vpn/_index.md"]["url"] == "runbooks/vpn/"
    assert found["runbooks/vpn/_index.md"]["kind"] == "article"
    for doc in found.values():
        assert (site / doc["url"] / "index.html").is_file(), doc["url"]
    assert "VPN runbooks" not in page(site, "playbooks/l2/")


def test_links_to_a_readme_in_any_form_reach_the_folder_page(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/_defaults.yml": DEFAULTS,
            "runbooks/vpn/README.md": (
                "# VPN runbooks\n\n- [Reset a token](reset-token.md)\n- [Tunnel](tunnel/)\n"
            ),
            "runbooks/vpn/tunnel/README.md": (
                "# Tunnels\n\n* [Tunnel down](down.md)\n* [Back to VPN](../README.md)\n"
            ),
            "runbooks/vpn/tunnel/down.md": (
                "---\nescalate_when: [still down]\n---\n# Tunnel down\n\n"
                "See [the VPN index](../index.md), [the folder](../) and [this one](README.md).\n"
            ),
        }
    )
    site = build(root, strict=False)
    for url in ("runbooks/vpn/", "runbooks/vpn/tunnel/", "runbooks/vpn/tunnel/down/"):
        assert broken_links(site, url) == [], url
    down = article(page(site, "runbooks/vpn/tunnel/down/"))
    for text, href in (("the VPN index", "../../"), ("the folder", "../../"), ("this one", "../")):
        assert f'<a href="{href}">{text}</a>' in down
    found = catalogue(site)
    assert found["runbooks/vpn/README.md"]["url"] == "runbooks/vpn/"
    assert found["runbooks/vpn/tunnel/README.md"]["kind"] == "article"
    assert found["runbooks/vpn/tunnel/down.md"]["kind"] == "runbook"
    hits = json.loads(run_cli("search", "--kb", root, "--json", "Tunnels").output)
    assert any(hit["url"].endswith("runbooks/vpn/tunnel/") for hit in hits), hits


def test_two_pages_for_one_folder_is_an_error_naming_both(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/_defaults.yml": DEFAULTS,
            "runbooks/vpn/README.md": "# VPN\n",
            "runbooks/vpn/_index.md": "---\ntitle: VPN\n---\n",
        }
    )
    result = run_cli("check", "--kb", root, "--format", "json")
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.output) if p["code"] == "duplicate-id"]
    paths = {p["path"] for p in problems}
    assert paths == {"runbooks/vpn/README.md", "runbooks/vpn/_index.md"}
    assert all("/runbooks/vpn/" in p["message"] for p in problems)


def headings_one(html_text: str) -> list[str]:
    """The text of each ``<h1>`` in the page's content."""
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", article(html_text), re.S)
    return [html.unescape(re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", h)) for h in found]


def test_each_page_has_one_h1_holding_the_title_its_author_meant(make_kb, build):
    pages = {
        "runbooks/vpn/notes/README.md": (
            "<!-- generated: edit the service catalogue instead -->\n\n"
            "**Table of Contents**\n\n[[_TOC_]]\n\n#  Tunnel  Service\n\n"
            "* [Reset a token](../reset-token.md)\n"
        ),
        "runbooks/vpn/notes/hugo-page.md": (
            "---\ntitle: Tunnel flapping\nweight: 20\n---\n# Tunnel flapping\n\n"
            "## Meaning\n\nThe tunnel goes up and down.\n"
        ),
        "runbooks/vpn/notes/marked-up.md": (
            "# [Cloudflare](https://example.com/cf) `edge` *cache* purge\n\nPurge it.\n"
        ),
        "runbooks/vpn/notes/setext.md": (
            "```sh\n# restart the tunnel\nsystemctl restart tun0\n```\n\n"
            "Tunnel restart\n==============\n\nDone.\n"
        ),
        "runbooks/vpn/notes/sections-only.md": "## Check the logs\n\nLook.\n",
        "runbooks/vpn/notes/two-parts.md": (
            "# Split tunnel\n\nIntro.\n\n# Part two\n\n## Detail\n\nMore.\n"
        ),
    }
    files = {"runbooks/vpn/notes/_defaults.yml": DEFAULTS + "kind: article\n", **pages}
    site = build(make_kb(files))
    expected = {
        "runbooks/vpn/notes/": "Tunnel Service",
        "runbooks/vpn/notes/hugo-page/": "Tunnel flapping",
        "runbooks/vpn/notes/marked-up/": "Cloudflare edge cache purge",
        "runbooks/vpn/notes/setext/": "Tunnel restart",
        "runbooks/vpn/notes/sections-only/": "Sections only",
        "runbooks/vpn/notes/two-parts/": "Split tunnel",
    }
    for url, title in expected.items():
        text = page(site, url)
        assert headings_one(text) == [title], url
        assert f"<title>{title} - " in html.unescape(text), url
    assert "<h2" in article(page(site, "runbooks/vpn/notes/two-parts/"))
    assert "Part two" in article(page(site, "runbooks/vpn/notes/two-parts/"))
    assert "restart the tunnel" in article(page(site, "runbooks/vpn/notes/setext/"))
    titles = {doc["source"]: doc["title"] for doc in catalogue(site).values()}
    assert titles["runbooks/vpn/notes/README.md"] == "Tunnel Service"
    assert titles["runbooks/vpn/notes/marked-up.md"] == "Cloudflare edge cache purge"


TECH_DOCS_INDEX = """\
---
title: Tunnel guides
last_reviewed_on: 2026-01-05
---

# <%= current_page.data.title %>

Guides for the tunnel.

<% current_page.children.each do |page| %>
- [<%= page.data.title %>](<%= page.url %>)
<% end %>
"""

TECH_DOCS_PAGE = """\
---
title: Rotate the tunnel key
---

# <%= current_page.data.title %>

<%= warning_text('Rotate out of hours only') %>

Read [the index](index.html) and [the overview](../overview.html#why), then run:

```sh
# <% not a tag in code %>
tunctl rotate
```
"""


def test_tech_docs_pages_are_read_with_no_template_tag_shown_raw(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/_defaults.yml": DEFAULTS + "escalate_when: [the key is rejected]\n",
            "runbooks/vpn/tunnel/index.html.md.erb": TECH_DOCS_INDEX,
            "runbooks/vpn/tunnel/rotate-key.html.md.erb": TECH_DOCS_PAGE,
            "runbooks/vpn/tunnel/legacy.htm.md.erb": "# <%= current_page.data.title %>\n",
            "runbooks/vpn/overview.md": "# VPN overview\n\n## Why\n\nBecause.\n",
        }
    )
    check = run_cli("check", "--kb", root, "--format", "json")
    tags = [p for p in json.loads(check.output) if p["code"] == "erb-tag"]
    assert [(p["path"], p["line"]) for p in tags] == [
        ("runbooks/vpn/tunnel/rotate-key.html.md.erb", 7)
    ], tags
    assert "warning_text" in tags[0]["message"] and tags[0]["level"] == "warning"

    site = build(root, strict=False)
    rotate = page(site, "runbooks/vpn/tunnel/rotate-key/")
    index = page(site, "runbooks/vpn/tunnel/")
    assert headings_one(rotate) == ["Rotate the tunnel key"]
    assert headings_one(index) == ["Tunnel guides"]
    for text in (rotate, index):
        assert "<%" not in text and "current_page" not in text
    assert "<code>&lt;%= warning_text('Rotate out of hours only') %&gt;</code>" in rotate
    assert "tunctl rotate" in rotate
    assert '<a href="../">the index</a>' in rotate
    assert '<a href="../../overview/#why">the overview</a>' in rotate
    assert '<a href="rotate-key/">Rotate the tunnel key</a>' in article(index)
    for url in ("runbooks/vpn/tunnel/", "runbooks/vpn/tunnel/rotate-key/"):
        assert broken_links(site, url) == [], url
    found = catalogue(site)
    assert found["runbooks/vpn/tunnel/index.html.md.erb"]["url"] == "runbooks/vpn/tunnel/"
    assert found["runbooks/vpn/tunnel/index.html.md.erb"]["kind"] == "article"
    assert found["runbooks/vpn/tunnel/rotate-key.html.md.erb"]["kind"] == "runbook"
    assert found["runbooks/vpn/tunnel/legacy.htm.md.erb"]["title"] == "Legacy"
    assert headings_one(page(site, "runbooks/vpn/tunnel/legacy/")) == ["Legacy"]
    for name in ("rotate-key.html.md.erb", "legacy.htm.md.erb"):
        assert not (site / "runbooks/vpn/tunnel" / name).exists()


def test_a_file_named_like_a_page_beside_it_is_one_error_naming_it(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/TunnelDown.md": RUNBOOK_TUNNEL,
            "runbooks/vpn/TunnelDown": "An older copy of the runbook, without a suffix.\n",
        }
    )
    result = run_cli("check", "--kb", root)
    assert result.exit_code == 1
    assert "runbooks/vpn/TunnelDown: error: the site would copy this file where" in result.output
    assert "runbooks/vpn/TunnelDown.md" in result.output
    build = run_cli("build", "--kb", root)
    assert build.exit_code == 1 and "Traceback" not in build.output
    assert build.output.count("runbooks/vpn/TunnelDown: error") == 1


def test_a_link_to_a_folder_with_no_page_is_reported(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/_defaults.yml": DEFAULTS,
            "runbooks/vpn/README.md": "# VPN\n\n- [Scripts](scripts/)\n- [Tokens](../vpn/)\n",
            "runbooks/vpn/scripts/rotate.sh": "tunctl rotate\n",
        }
    )
    result = run_cli("check", "--kb", root, "--format", "json")
    broken = [p for p in json.loads(result.output) if p["code"] == "broken-link"]
    assert [(p["path"], p["line"]) for p in broken] == [("runbooks/vpn/README.md", 3)], broken
    assert "folder with no page" in broken[0]["message"]
