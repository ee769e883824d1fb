"""Lists as authors write them (CommonMark / GitHub) render as they meant them."""

from __future__ import annotations

import re

from tests.conftest import MKDOCS_YML, page

RUNBOOK = """\
---
title: Restart the tunnel
tier: L1
systems: [vpn]
owner: Service Desk
escalate_when: ["it still drops"]
last_reviewed: 2026-01-01
---
Check first:
- the client is up to date
- the user can reach the portal
  - from the office
  - from home

1. Stop the client:

   ```sh
   vpnctl stop
   ```

2. Start it again:

   ```sh
   vpnctl start
   ```

3. Ask the user to sign in.

Then, if it still drops:

```sh
vpnctl status
```

4. Collect the log.
5. Escalate with the log attached.
"""


def _built(make_kb, build, config: str = MKDOCS_YML) -> str:
    root = make_kb({"runbooks/vpn/restart.md": RUNBOOK}, config=config)
    return page(build(root), "runbooks/vpn/restart/")


def _article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def test_nested_lists_with_two_or_three_space_indents_stay_nested(make_kb, build):
    html = _article(_built(make_kb, build))
    assert re.search(r"<li>the user can reach the portal\s*<ul>\s*<li>from the office</li>", html)
    assert "<li>the client is up to date</li>" in html  # a list straight after a line


def test_numbered_steps_keep_their_code_and_their_numbers(make_kb, build):
    html = _article(_built(make_kb, build))
    steps = html[html.index("<ol>") : html.index("Then, if it still drops")]
    assert steps.count("<li>") == 3 and "vpnctl stop" in steps and "vpnctl start" in steps
    assert "<ol>" not in html[html.index("Start it again") :].split("Then, if")[0]
    assert '<ol start="4">' in html  # after a code block outside the list, counting on
    shown = html.split('<div class="opskb-ticket-note"')[0]  # the note lists the steps as text
    assert "- the client" not in shown and "1. Stop" not in shown


def test_lists_can_be_read_as_python_markdown_reads_them(make_kb, build):
    config = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      markdown_flavours: false\n")
    html = _article(_built(make_kb, build, config))
    assert '<ol start="4">' not in html
    assert "- the client is up to date" in html  # the list ran into the paragraph


def test_four_space_lists_and_list_lines_in_code_render_as_before(make_kb, build):
    body = (
        "- outer\n    - inner\n\n1. one\n\n    more about one\n\n2. two\n\n"
        "```yaml\nitems:\n- a\n  - b\n```\n\nIndented:\n\n    - name: gw\n      port: 443\n"
    )
    root = make_kb({"content/notes.md": "---\ntitle: Notes\n---\n" + body})
    html = _article(page(build(root), "notes/"))
    assert re.search(r"<li>outer\s*<ul>\s*<li>inner</li>", html)
    assert re.search(r"<p>one</p>\s*<p>more about one</p>\s*</li>\s*<li>\s*<p>two</p>", html)
    assert "items:\n- a\n  - b" in html  # code shown exactly as written
    assert "<pre><code>- name: gw\n  port: 443" in html


def test_a_list_indented_under_a_step_is_nested_in_it_and_kinds_stay_apart(make_kb, build):
    body = (
        "1. Open the dashboards:\n  - [Gateways](https://example.com/gw)\n  - Tunnels\n"
        "1. Restart the gateway,\n   from the console:\n   * `vpnctl restart`\n"
        "2. Tell the caller.\n\n"
        "- Check the tools:\n    * `vpnctl`\n    * `ping`\n    1. Run `vpnctl status`\n"
    )
    root = make_kb({"content/notes.md": "---\ntitle: Notes\n---\n" + body})
    html = _article(page(build(root), "notes/"))
    opened = r"<li>\s*(<p>)?Open the dashboards:(</p>)?\s*<ul>\s*<li><a [^>]*>Gateways</a></li>"
    assert re.search(opened, html)
    assert re.search(r"</ul>\s*</li>\s*<li>\s*(<p>)?Restart the gateway,", html)
    restart = r"<li><code>vpnctl restart</code></li>\s*</ul>\s*</li>\s*<li>\s*(<p>)?Tell the"
    assert re.search(restart, html)
    assert re.search(r"<li><code>ping</code></li>\s*</ul>\s*<ol>\s*<li>Run <code>vpnctl", html)


def test_a_line_opening_with_inline_triple_backticks_is_no_code_block(make_kb, build):
    body = (
        "```vpnctl top```\n\nThe panel shows:\n- incoming traffic\n- outbound traffic\n\n"
        "See [the reset](../runbooks/vpn/reset-token.md).\n"
    )
    root = make_kb({"content/notes.md": "---\ntitle: Notes\n---\n" + body})
    html = _article(page(build(root), "notes/"))
    assert "<li>incoming traffic</li>" in html
    assert '<a href="../runbooks/vpn/reset-token/">the reset</a>' in html


def test_a_comment_in_code_under_a_list_item_stays_code_never_a_heading(make_kb, build):
    """A fence indented by a tab under a ``* `` item, and code indented 4 spaces past an
    item's text, are code in the item: their ``# comment`` lines are no headings."""
    body = (
        "# Turn off the old proxy\n\n"
        "* Switch the proxy off in the values file:\n\n"
        "\t```yaml\n\tproxy:\n\t  # Switch it off\n\t  enabled: false\n\t# Old listener\n"
        "\tlistener: none\n\t```\n\t\n"
        "#### Check the gateway\n\n"
        "1. Look at its settings:\n\n"
        "       # Print the settings\n       vpnctl show\n\n"
        "2. Tell the caller.\n"
    )
    root = make_kb({"content/notes.md": body})
    html = _article(page(build(root), "notes/"))
    assert html.count("<h1") == 1, html
    assert re.search(r"<code[^>]*>.*# Switch it off.*# Old listener", html, re.DOTALL), html
    assert re.search(r"<li>.*<code[^>]*>.*# Print the settings.*</li>", html, re.DOTALL), html
    assert re.search(r"<h4[^>]*>Check the gateway", html), html


STEPS_INTERRUPTED = """\
---
title: Rotate a key
tier: L1
systems: [vpn]
owner: Service Desk
escalate_when: ["it fails"]
last_reviewed: 2026-01-01
---
## Steps

1. Show the key:

```sh
keyctl show
```

1. Rotate it.

!!! warning
    The old key stops at once.

1. Tell the user.
1. Close the ticket.

Then, once the user confirms:

1. Remove the old key.

## Verify

1. Sign in again.
"""


def test_steps_interrupted_at_the_margin_count_on_within_their_section(make_kb, build):
    root = make_kb({"runbooks/vpn/rotate.md": STEPS_INTERRUPTED})
    html = _article(page(build(root), "runbooks/vpn/rotate/"))
    steps, verify = html.split('id="verify"')
    numbers = []  # each step's number, as the browser counts it
    for start, items in re.findall(r'<ol(?: start="(\d+)")?>(.*?)</ol>', steps, re.S):
        first = int(start or 1)
        numbers += range(first, first + items.count("<li>"))
    assert numbers == [1, 2, 3, 4, 5]
    assert '<ol start="' not in verify  # a new section starts again at 1
    assert "keyctl show" in steps and "The old key stops at once" in steps


def test_a_list_its_author_numbered_higher_keeps_its_number(make_kb, build):
    body = STEPS_INTERRUPTED.replace("1. Remove the old key.", "9. Remove the old key.")
    root = make_kb({"runbooks/vpn/rotate.md": body})
    html = _article(page(build(root), "runbooks/vpn/rotate/"))
    assert '<ol start="9">' in html and '<ol start="5">' not in html
