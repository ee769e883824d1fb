"""Hugo, GitLab and GitHub flavours of Markdown read as their authors meant them."""

from __future__ import annotations

import re

from tests.conftest import page, run_cli

FRONT = """\
---
title: {title}
tier: L2
systems: [vpn]
owner: NetOps
escalate_when: ["the tunnel stays down"]
last_reviewed: 2026-01-01
---
"""

HUGO = (
    FRONT.format(title="Tunnel down")
    + """\
See [the restart runbook]({{< ref "./tunnel-restart.md" >}}) and [the
other one]({{< relref "tunnel-restart" >}}).

{{< hint warning >}}
**Careful**: restarting drops every session.
{{< /hint >}}

{{< details "Why it happens" >}}
The gateway runs out of `leases`.
{{< /details >}}

{{< tabs "os" >}}
{{< tab "Linux" >}}
Run `vpnctl restart`.
{{< /tab >}}
{{< tab "Windows" >}}
Use the tray icon.
{{< /tab >}}
{{< /tabs >}}

{{< youtube abc123 >}}
"""
)

RESTART = FRONT.format(title="Tunnel restart") + "Restart it.\n"

GITLAB = (
    FRONT.format(title="Gateway")
    + """\
[[_TOC_]]

## Summary

<p>
<details>
<summary>Output of `vpnctl status`</summary>

Look for **DOWN** in `state`.

</details>
</p>
"""
)


def _article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def _kb(make_kb):
    return make_kb(
        {
            "runbooks/vpn/tunnel-down.md": HUGO,
            "runbooks/vpn/tunnel-restart.md": RESTART,
            "runbooks/vpn/gateway.md": GITLAB,
        }
    )


def test_hugo_shortcodes_become_links_admonitions_and_collapsible_blocks(make_kb, build):
    site = build(_kb(make_kb), strict=False)
    html = _article(page(site, "runbooks/vpn/tunnel-down/"))
    assert "{{" not in html and "}}" not in html
    assert '<a href="../tunnel-restart/">the restart runbook</a>' in html
    assert '<a href="../tunnel-restart/">the\nother one</a>' in html
    assert re.search(r'<div class="admonition warning">\s*<p><strong>Careful</strong>', html)
    assert re.search(r"<details>\s*<summary>Why it happens</summary>\s*<p>The gateway", html)
    assert "<code>leases</code>" in html
    assert "<strong>Linux</strong>" in html and "<code>vpnctl restart</code>" in html


def test_gitlab_toc_marker_goes_and_details_hold_rendered_markdown(make_kb, build):
    site = build(_kb(make_kb), strict=False)
    html = _article(page(site, "runbooks/vpn/gateway/"))
    assert "[[_TOC_]]" not in html and "_TOC_" not in html
    details = html[html.index("<details") : html.index("</details>")]
    assert "<summary>Output of <code>vpnctl status</code></summary>" in details
    assert "<strong>DOWN</strong>" in details and "<code>state</code>" in details


def test_check_reports_unknown_shortcodes_and_broken_refs_with_their_lines(make_kb):
    root = _kb(make_kb)
    broken = HUGO.replace("tunnel-restart.md", "tunnel-restrat.md")
    (root / "runbooks/vpn/tunnel-down.md").write_text(broken, encoding="utf-8")
    result = run_cli("check", "--kb", root)
    assert "Traceback" not in result.output
    assert "tunnel-down.md:9: warning: link './tunnel-restrat.md' points to a missing document" in (
        result.output
    )
    assert "tunnel-down.md:29: warning: shortcode '{{< youtube abc123 >}}'" in result.output


RAW_HTML = FRONT.format(title="Diagram") + (
    '<img src="../../content/img/diagram.png" alt="Diagram">\n\n'
    '<p>See <a href="tunnel-restart.md#steps">the restart</a> or '
    "<a href='https://example.com/x?a=1&amp;b=2'>the vendor</a>.</p>\n\n"
    '`<img src="not-a-link.png">` in a code span\n'
)


def test_raw_html_images_and_links_resolve_to_built_files_and_are_checked(make_kb, build):
    root = make_kb(
        {
            "runbooks/vpn/diagram.md": RAW_HTML,
            "runbooks/vpn/tunnel-restart.md": RESTART,
            "content/img/diagram.png": b"\x89PNG",
        }
    )
    site = build(root, strict=False)
    html = _article(page(site, "runbooks/vpn/diagram/"))
    src = re.search(r'<img[^>]* src="([^"]+)"', html)[1]
    built = (site / "runbooks/vpn/diagram" / src).resolve()
    assert built == (site / "img/diagram.png").resolve() and built.is_file()
    assert '<a href="../tunnel-restart/#steps">the restart</a>' in html
    assert "https://example.com/x?a=1&amp;b=2" in html
    assert '&lt;img src="not-a-link.png"&gt;' in html
    playbook = page(site, "playbooks/l2/")
    src = re.search(r'<img[^>]* src="([^"]+)"', playbook)[1]
    assert (site / "playbooks/l2" / src).resolve() == built  # embedded steps: the same image

    broken = RAW_HTML.replace("diagram.png", "diagarm.png").replace("restart.md", "rest.md")
    (root / "runbooks/vpn/diagram.md").write_text(broken, encoding="utf-8")
    result = run_cli("check", "--kb", root)
    assert "diagram.md:9: warning: link '../../content/img/diagarm.png' points to a missing" in (
        result.output
    )
    assert "diagram.md:11: warning: link 'tunnel-rest.md#steps' points to a missing" in (
        result.output
    )
