"""The one link scanner (``sources/markdown_links.py``), and the sample site's links held
equal to what they were before every stage took its links from it."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

from opskb.check.links import rewrite_links
from opskb.pipeline import load_kb
from opskb.problems import Problems
from opskb.sources.headings import plain_text
from opskb.sources.markdown_links import (
    link_texts,
    map_targets,
    may_link,
)

GOLDEN = Path(__file__).parents[1] / "golden" / "sample_links.json"
_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.DOTALL)
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_TARGET = re.compile(r'\b(?:href|src)="([^"]*)"')


def _links_of(site: Path) -> dict[str, dict]:
    """Each page of ``site``: its title, and every link and image target in its article."""
    pages = {}
    for file in sorted(site.rglob("index.html")):
        text = file.read_text("utf-8")
        article = _ARTICLE.search(text)
        title = _TITLE.search(text)
        pages[file.parent.relative_to(site).as_posix()] = {
            "title": html.unescape(title.group(1)) if title else "",
            "targets": _TARGET.findall(article.group(1)) if article else [],
        }
    return pages


def test_the_sample_sites_links_and_titles_are_as_they_were(sample_site: Path) -> None:
    """Golden file: the titles and link targets of every page of the sample, as the
    three stages that rewrote links on their own made them. After a deliberate change
    to the sample, write it anew with ``OPSKB_WRITE_GOLDEN=1``."""
    found = _links_of(sample_site)
    if os.environ.get("OPSKB_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", "utf-8")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    assert sorted(found) == sorted(expected)
    for url, page in expected.items():
        assert found[url] == page, url
    assert sum(len(page["targets"]) for page in found.values()) > 500  # it saw links


def test_a_target_is_replaced_where_the_link_is_and_nowhere_else() -> None:
    line = "See [reset](reset.md), `[code](reset.md)`, ![map](map.png) and https://x.test/a.md"
    mapped = map_targets(line, lambda target: "NEW/" + target)
    assert mapped == (
        "See [reset](NEW/reset.md), `[code](reset.md)`, ![map](NEW/map.png) and https://x.test/a.md"
    )


def test_urls_anchors_and_paths_from_the_root_are_left_alone_unless_asked() -> None:
    line = "[a](https://x.test/) [b](#here) [c](//host/x) [d](/runbooks/x.md) [e](<a b.md>)"
    seen: list[str] = []
    map_targets(line, lambda target: seen.append(target) or target)
    assert seen == ["a b.md"]
    map_targets(line, lambda target: seen.append(target) or target, from_root=True)
    assert seen == ["a b.md", "/runbooks/x.md", "a b.md"]


def test_a_reference_definition_is_a_target_too() -> None:
    assert map_targets("[vpn]: ../vpn.md 'VPN'", str.upper) == "[vpn]: ../VPN.MD 'VPN'"


def test_may_link_says_no_only_when_nothing_could_be_a_link() -> None:
    assert not may_link("Plain text, [brackets] and (parentheses).")
    assert may_link("[a](b)") and may_link("[a]: b") and may_link('<img src="x">')


def test_link_texts_keeps_each_links_text_and_an_images_inside_a_link() -> None:
    assert link_texts("[![Logo](logo.png)](https://x.test) and [the docs][docs]") == (
        "Logo and the docs"
    )


def test_titles_take_links_by_their_text_as_search_does() -> None:
    heading = "Reset the [VPN](../vpn.md) token ![icon](i.png) via [portal][p]"
    assert plain_text(heading) == "Reset the VPN token icon via portal"
    assert plain_text(heading) == " ".join(link_texts(heading).split())


def test_the_catalogue_rewrites_what_the_reading_took_for_granted(make_kb) -> None:
    """A link to a draft: where the document was read it was taken to be published; the
    catalogue knows better, leaves the link as written and says why."""
    kb = load_kb(
        make_kb(
            {
                "runbooks/vpn/draft.md": "---\nstatus: draft\ntier: L1\nsystems: [vpn]\n"
                "escalate_when: [x]\n---\n# Draft\n",
                "content/articles/a.md": "# A\n\n[reset](../../runbooks/vpn/reset-token.md) "
                "[draft](../../runbooks/vpn/draft.md)\n",
            }
        )
    )
    problems = Problems()
    body = rewrite_links(kb.catalog, problems)["content/articles/a.md"]
    assert "[reset](../runbooks/vpn/reset-token.md)" in body
    assert "[draft](../../runbooks/vpn/draft.md)" in body
    assert [p.code for p in problems] == ["link-to-draft"]
