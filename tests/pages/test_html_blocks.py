"""Our HTML blocks set aside while Markdown converts a page: the HTML is the same."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config
from opskb.pages import render_site
from opskb.pages.html_blocks import new_token, put_back, set_aside
from opskb.pipeline import load_kb
from opskb.search.index import SearchIndex

from tests.conftest import RUNBOOK_RESET

ROOT = Path(__file__).resolve().parents[2]

TRICKY_BODY = """\
<div class="authors-own">
<p>raw HTML written by the author</p>
</div>

<div markdown>
**Markdown inside** an author's block
</div>

```
<div class="in-a-code-block">

</div>
```

- a list

<table><tr><td>an author's table</td></tr></table>
"""


def converter(config_file: Path) -> markdown.Markdown:
    config = load_config(str(config_file))
    return markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )


def body_of(page) -> str:
    """The Markdown an engine converts: the page without its front matter."""
    return page.markdown.split("\n---\n", 1)[1].lstrip("\n")


def converted_both_ways(root: Path, site_pages) -> list[tuple[str, str, str | None, int]]:
    md = converter(root / "mkdocs.yml")
    token = new_token()
    results = []
    for page in site_pages:
        text = body_of(page)
        md.reset()
        plain = md.convert(text)
        aside, blocks = set_aside(text, page.authored, token)
        md.reset()
        restored = put_back(md.convert(aside), blocks, token)
        results.append((page.src_uri, plain, restored, len(blocks)))
    return results


def test_the_sample_site_converts_to_the_same_html_with_blocks_set_aside() -> None:
    site = render_site(load_kb(ROOT).catalog, None)
    results = converted_both_ways(ROOT, site.pages)
    assert [uri for uri, plain, restored, _ in results if plain != restored] == []
    assert sum(count for *_, count in results) > 2 * len(results)  # it did set blocks aside


def test_authors_markdown_is_never_set_aside(make_kb) -> None:
    runbook = RUNBOOK_RESET + "\n" + TRICKY_BODY
    unclosed = RUNBOOK_RESET.replace("reset-token", "unclosed") + "\n```\n<div>after</div>\n"
    root = make_kb(
        {"runbooks/vpn/tricky.md": runbook, "runbooks/vpn/unclosed.md": unclosed},
    )
    site = render_site(load_kb(root).catalog, None)
    results = {uri: rest for uri, *rest in converted_both_ways(root, site.pages)}
    for uri, (plain, restored, _) in results.items():
        assert plain == restored, uri
    page = next(p for p in site.pages if p.src_uri == "runbooks/vpn/tricky.md")
    aside, blocks = set_aside(body_of(page), page.authored, new_token())
    assert TRICKY_BODY.strip() in aside  # the author's part is left as written
    assert blocks and not any("authors-own" in b or "an author's table" in b for b in blocks)
    assert any('class="opskb-meta"' in b for b in blocks)  # ours before the body
    assert any('id="escalate"' in b or "opskb-escalat" in b for b in blocks)  # and after it


def test_an_open_fence_in_an_authors_part_leaves_the_rest_to_the_engine() -> None:
    ours = '<div class="ours">x</div>\n\n'
    text = ours + "```\nbody\n" + "\n\n" + ours
    authored = ((len(text) - len(ours), len(text) - len(ours) - len("```\nbody\n")),)
    aside, blocks = set_aside(text, authored, "tok")
    assert blocks == ['<div class="ours">x</div>'] and aside.endswith("\n\n" + ours)


@pytest.mark.parametrize(
    "chunk",
    [
        "<span>inline, so Markdown wraps it in a paragraph</span>",
        '<div class="opened">',
        "<div>\n  indented lines are not ours to judge\n</div>",
        "<div markdown>**asks for Markdown**</div>",
        "<p>text</p>\nfollowed by *Markdown*",
    ],
)
def test_blocks_markdown_would_not_pass_through_stay(chunk: str) -> None:
    text = f"# Title\n\n{chunk}\n\nafter\n"
    aside, blocks = set_aside(text, (), "tok")
    assert blocks == [] and aside == text


def test_a_changed_placeholder_is_noticed() -> None:
    token = new_token()
    aside, blocks = set_aside("<div>ours</div>\n\ntext\n", (), token)
    assert aside == f"{token}0x\n\ntext\n"
    restored = put_back(f"<p>{token}0x</p>\n<p>text</p>", blocks, token)
    assert restored == "<div>ours</div>\n\n<p>text</p>"
    assert put_back(f"<p><em>{token}0x</em></p>\n<p>text</p>", blocks, token) is None


def test_a_built_site_is_the_same_when_the_engine_converts_everything(
    make_kb, build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The adapter sets our blocks aside; should a placeholder come back changed, the
    page is converted as written. Either way the pages are the same."""
    from opskb.engines.mkdocs import plugin as mkdocs_plugin

    root = make_kb({"runbooks/vpn/tricky.md": RUNBOOK_RESET + "\n" + TRICKY_BODY})
    restored: list[int] = []
    put = mkdocs_plugin.put_back
    monkeypatch.setattr(
        mkdocs_plugin,
        "put_back",
        lambda html, blocks, token: restored.append(len(blocks)) or put(html, blocks, token),
    )

    def pages(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}

    aside = pages(build(root))
    assert restored and sum(restored) > len(restored)  # blocks were set aside
    assert not any(re.search(rb"opskb[0-9a-f]{16}n", html) for html in aside.values())

    monkeypatch.setattr(mkdocs_plugin, "put_back", lambda html, blocks, token: None)
    shutil.rmtree(root / "site")
    # the terminal's search index is written after the build, by a detached process
    SearchIndex.open(root).store.wait_for_writer()
    shutil.rmtree(root / ".opskb-cache")
    assert pages(build(root)) == aside


def test_overview_lists_and_tables_are_set_aside_whole() -> None:
    """A system page's runbook lists, incident and action tables and known issues, the
    known-issues page and the review tables are our HTML: Markdown has none of them to
    parse (the review page's tables once shared a chunk with their heading)."""
    site = render_site(load_kb(ROOT).catalog, None)
    pages = {p.src_uri: p for p in site.pages}
    overviews = ["review/index.md", "known-issues/index.md", "systems/vpn.md"]
    token = new_token()
    for uri in overviews:
        page = pages[uri]
        aside, blocks = set_aside(body_of(page), page.authored, token)
        left = [c for c in aside.split("\n\n") if not c.startswith(token)]
        for tag in ("<table", "<ul", "opskb-known", "<tr"):
            assert not any(tag in chunk for chunk in left), (uri, tag)
        assert any("<table" in b or "opskb-known" in b for b in blocks), uri
    assert any("opskb-runbook-list" in b for b in set_aside(
        body_of(pages["systems/vpn.md"]), pages["systems/vpn.md"].authored, token
    )[1])  # fmt: skip


def test_a_large_tiers_playbook_entries_are_set_aside_inside_markdown_divs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tier too large to embed its steps prints each runbook's entry as one HTML block
    inside a ``<div markdown>`` section: the entries are set aside too (two HTML-parser
    passes over them were most of a large build's playbook time), the HTML unchanged."""
    from opskb.pages import playbooks

    from bench.synthetic import write_kb

    written = write_kb(tmp_path / "kb", documents=60, seed=3, related=False)
    monkeypatch.setattr(playbooks, "EMBED_LIMIT", 2)
    site = render_site(load_kb(written.root).catalog, None)
    tiers = [p for p in site.pages if p.src_uri.startswith("playbooks/")]
    assert tiers and all("steps are on its own page" in body_of(p) for p in tiers)
    results = converted_both_ways(written.root, tiers)
    assert [uri for uri, plain, restored, _ in results if plain != restored] == []
    token = new_token()
    for page in tiers:
        aside, blocks = set_aside(body_of(page), page.authored, token)
        entries = body_of(page).count('<div class="opskb-pb-entry"')
        assert entries and len(blocks) > entries, page.src_uri  # each entry whole
        for part in ("opskb-pb-entry", "opskb-pb-card", "opskb-facts", "opskb-pb-runbook"):
            assert part not in aside, (page.src_uri, part)


@pytest.mark.parametrize(
    ("around", "set_apart"),
    [
        ('<div class="s" markdown>', True),
        ('<details markdown="1">', True),
        ('<section markdown="block">', True),
        ('<div class="raw">', False),  # a raw block: its blank lines are its own
        ("<p markdown>", False),  # Markdown as text, not as blocks
        ('<div markdown="span">', False),
    ],
)
def test_blocks_inside_an_open_block_are_set_aside_only_where_markdown_parses_blocks(
    around: str, set_apart: bool
) -> None:
    tag = around[1 : around.index(" ") if " " in around else -1].rstrip(">")
    text = f'{around}\n\n<p class="inner">ours</p>\n\n*md*\n\n</{tag}>\n\nafter\n'
    aside, blocks = set_aside(text, (), "tok")
    assert (blocks == ['<p class="inner">ours</p>']) is set_apart, aside
    if set_apart:
        assert "tok0y" in aside  # restored without Markdown's blank line (md_in_html's)
        md = markdown.Markdown(extensions=["md_in_html"])
        assert put_back(md.convert(aside), blocks, "tok") == md.reset().convert(text)


def test_a_stray_closing_tag_leaves_what_follows_to_the_engine() -> None:
    text = "</div>\n\n<div>ours</div>\n\nafter\n"
    assert set_aside(text, (), "tok") == (text, [])


@pytest.mark.parametrize(
    "chunk",
    [
        '<p role="note" class="x">attributes md_in_html would sort</p>',
        "<p class='x'>quoted as md_in_html would not</p>",
        '<div hidden class="x">a bare attribute</div>',
        '<h3 class="x">a heading md_in_html would put in the contents</h3>',
    ],
)
def test_blocks_md_in_html_would_write_differently_stay_inside_an_open_block(chunk) -> None:
    text = f'<div class="s" markdown>\n\n{chunk}\n\n</div>\n'
    assert set_aside(text, (), "tok") == (text, [])
    assert set_aside(chunk + "\n\nafter\n", (), "tok")[1] == [chunk]  # at the top: as written


def test_a_block_after_two_blank_lines_is_set_aside_and_its_line_breaks_kept() -> None:
    text = '# Title\n\n\n<div class="ours">x</div>\n\n\n\n<p class="ours">y</p>\n\nafter\n'
    aside, blocks = set_aside(text, (), "tok")
    assert blocks == ['<div class="ours">x</div>', '<p class="ours">y</p>']
    assert aside == "# Title\n\n\ntok0x\n\n\n\ntok1x\n\nafter\n"
    md = markdown.Markdown()
    assert put_back(md.convert(aside), blocks, "tok") == md.reset().convert(text)
