"""Links: one scanner finds and rewrites them everywhere, in linear time on any line."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pytest
from opskb.check.links import rewrite_links
from opskb.check.slow_markdown import slow_paragraph
from opskb.pages.playbooks import embed_body
from opskb.pipeline import load_kb
from opskb.problems import Problems
from opskb.search.records import plain_text

from tests.conftest import page, run_cli

# Lines that made one stage or another scan quadratically: seconds each at 40,000
# characters (5 s in the playbooks, 13 s in the search text), milliseconds now.
HOSTILE = {
    "unclosed brackets": lambda n: "[" * n,
    "brackets after a link's middle": lambda n: "](" + "[" * n,
    "links between code spans": lambda n: "`x`[a](b)" * (n // 9),
    "unclosed link targets": lambda n: "[a](" * (n // 4),
    "unclosed reference links": lambda n: "[a][" * (n // 4),
    "braces": lambda n: "{" * n,
    "blank lines": lambda n: " \n" * (n // 2),
}


def _searched(text: str) -> str:
    plain_text.cache_clear()  # it keeps what it made for the next build
    return plain_text(text)


def _rewriting(make_kb) -> Callable[[str], Callable[[str], object]]:
    """A runbook of ``body`` loaded; its links rewritten against the catalogue on call."""

    def prepare(body: str) -> Callable[[str], object]:
        runbook = "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\n" + body + "\n"
        kb = load_kb(make_kb({"runbooks/vpn/hostile.md": runbook}, name=f"kb{len(body)}"))
        return lambda _: rewrite_links(kb.catalog, Problems())

    return prepare


def seconds(scan: Callable[[str], object], text: str) -> float:
    """The least CPU time ``scan(text)`` takes, each try over enough calls to measure.

    CPU time of this process, not the clock: other processes sharing the machine (the
    suite's other workers) do not count, so the ratio below measures the work itself.
    """
    best = math.inf
    for _ in range(5):
        calls, started = 0, time.process_time()
        while True:
            scan(text)
            calls += 1
            elapsed = time.process_time() - started
            if elapsed > 0.02:
                break
        best = min(best, elapsed / calls)
    return best


@pytest.mark.parametrize("line", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(
    "stage", ["link rewriting", "playbook embedding", "search text", "slow paragraph check"]
)
def test_every_stage_that_scans_for_links_takes_linear_time_on_hostile_lines(
    make_kb, stage: str, line: Callable[[int], str]
) -> None:
    """Eight times the line, about eight times the work (a quadratic scan: sixty-four;
    at four times, 15 to 21 were measured before the fix), with room for a busy machine."""
    if stage == "link rewriting":
        prepare = _rewriting(make_kb)
        small, big = (prepare(line(n)) for n in (10_000, 80_000))
        ratio = seconds(big, "") / seconds(small, "")
    else:
        scan = {
            "playbook embedding": lambda text: embed_body(
                text, "runbooks/vpn/hostile.md", "playbooks/l1.md"
            ),
            "search text": _searched,
            "slow paragraph check": slow_paragraph,
        }[stage]
        ratio = seconds(scan, line(80_000)) / seconds(scan, line(10_000))
    assert ratio < 24, f"{stage}: 8 × the line took {ratio:.1f} × the time"


def test_a_playbook_leaves_links_in_code_spans_as_written_like_the_runbook_page(
    make_kb, build
) -> None:
    """Playbooks re-based links with a scanner of their own, code samples included."""
    runbook = (
        "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\n"
        "Write `[the token](token.md)` in the ticket, then read [the reset](reset-token.md).\n"
    )
    site = build(make_kb({"runbooks/vpn/ticket.md": runbook}))
    for html in (page(site, "runbooks/vpn/ticket/"), page(site, "playbooks/l1/")):
        assert "<code>[the token](token.md)</code>" in html
    assert 'href="../../runbooks/vpn/reset-token/"' in page(site, "playbooks/l1/")


def test_a_target_holding_parentheses_is_followed_and_checked(make_kb, build) -> None:
    """CommonMark lets a link's target hold balanced parentheses; tech-docs repositories
    name pages so ("Resize-Disk-(EU)"), and such links were left to 404."""
    runbook = "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\n{}\n"
    root = make_kb(
        {
            "runbooks/vpn/resize-(pcol).md": runbook.format("Resize the disk."),
            "runbooks/vpn/index-of-steps.md": runbook.format(
                "See [the resize](resize-(pcol).md) and [the old one](gone-(pcol).md)."
            ),
        }
    )
    checked = run_cli("check", "--kb", root)
    assert "link 'gone-(pcol).md' points to a missing" in checked.output, checked.output
    assert "resize-(pcol).md' points" not in checked.output
    site = build(root, strict=False)
    html = page(site, "runbooks/vpn/index-of-steps/")
    assert 'href="../resize-%28pcol%29/"' in html or 'href="../resize-(pcol)/"' in html, html


def test_a_link_from_the_site_root_is_followed_or_reported_with_a_relative_fix(
    make_kb, build
) -> None:
    """Repositories on a forge link from their own root ("/docs/x.md"); on the site such
    a link 404s. One naming a page or a page's URL from the site's root is followed; one
    naming nothing is reported with the link written relative to the file, and left as
    written."""
    runbook = "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\n{}\n"
    body = "\n".join(
        [
            "# Rotate the keys",
            "",
            "* [The reset](/runbooks/vpn/reset-token.md)",
            "* [The rotation how-to](/docs/rotate.md)",
            "* [production.log](/var/log/vpn/)",
            "* [Upstream](https://example.org/keys.md) and [mirror](//example.org/keys.md)",
            "",
            "See [the rules][rules].",
            "",
            "[rules]: /rules/README.md",
            "",
            "Then [its steps](/runbooks/vpn/reset-token/#steps), [the matrix](/escalation/).",
        ]
    )
    root = make_kb(
        {
            "runbooks/vpn/docs/rotate.md": runbook.format("# How to rotate"),
            "runbooks/vpn/rules/README.md": runbook.format("# Rules"),
            "runbooks/vpn/docs/keys/rotate-keys.md": runbook.format(body),
        }
    )
    checked = run_cli("check", "--kb", root)
    out = checked.output
    where = "runbooks/vpn/docs/keys/rotate-keys.md"
    assert checked.exit_code == 0, out
    assert f"{where}:9: warning: link '/docs/rotate.md' points to a missing" in out, out
    assert "write the link relative to this file, e.g. ../rotate.md," in out, out
    assert f"{where}:10: warning: link '/var/log/vpn/' points to a missing" in out, out
    assert f"{where}:15: warning: link '/rules/README.md' points to a missing" in out, out
    assert "e.g. ../../rules/README.md," in out, out
    json_out = run_cli("check", "--kb", root, "--format", "json").output
    assert json_out.count('"broken-link"') == 3, json_out
    assert "link '/runbooks/" not in out and "example.org" not in out, out
    assert "link '/escalation/'" not in out, out
    html = page(build(root, strict=False), "runbooks/vpn/docs/keys/rotate-keys/")
    assert 'href="../../../reset-token/"' in html, html
    assert 'href="../../../reset-token/#steps"' in html, html
    assert 'href="/escalation/"' in html, html  # generated: there, though no source is
    assert 'href="/docs/rotate.md"' in html and 'href="/var/log/vpn/"' in html, html
    assert 'href="https://example.org/keys.md"' in html, html
    assert 'href="//example.org/keys.md"' in html, html
