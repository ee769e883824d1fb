"""Front-matter text is escaped everywhere it reaches the site.

A knowledge base whose every front-matter field holds a script, an attribute
break-out or markup is built once; then every output file is searched for the
raw payloads: pages (text and attributes), diagrams, charts, JSON exports and
search indexes. Headless Chromium opens the main pages and no script may run.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import MKDOCS_YML, write_kb
from tests.whole_site.test_hostile import opskb, sources_digest

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
BOLD = "<b>x</b>"
JS_URL = "javascript:alert(1)"
RAW = (SCRIPT, "<img src=x onerror", BOLD)


def q(text: str) -> str:
    """A YAML double-quoted string (JSON is valid YAML)."""
    return json.dumps(text)


FILES = {
    "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/systems/evil.md": f"""---
title: {q("Evil " + SCRIPT + BREAKOUT)}
owner: {q(BOLD)}
tags: [{q(SCRIPT)}, {q(BREAKOUT)}]
last_reviewed: 2026-05-01
depends_on: [vpn]
escalation:
  L1: {{team: {q("Desk " + SCRIPT)}, contact: {q(BREAKOUT)}, hours: {q(BOLD)}, response: 15m}}
  L2: {{team: {q("Ops " + BREAKOUT)}, contact: {q(SCRIPT)}, hours: "24x7", response: 1h}}
  L3: {{team: {q("Eng " + BOLD)}, contact: {q(JS_URL)}, hours: "24x7", response: 1h}}
  L4: {{team: {q("Vendor " + SCRIPT)}, contact: {q(BREAKOUT)}, hours: "24x7", response: 4h,
        vendor: {q(SCRIPT)}, contract: {q(BREAKOUT)}, portal: {q(JS_URL)}}}
---
The evil system.
""",
    "content/systems/vpn.md": f"""---
title: {q("VPN " + BREAKOUT)}
owner: {q(SCRIPT)}
last_reviewed: 2026-05-01
escalation:
  L1: {{team: {q(SCRIPT)}, contact: "ext. 4000", response: 15m}}
  L4: {{team: Vendor, portal: {q(JS_URL)}, vendor: {q(BREAKOUT)}}}
---
""",
    "runbooks/evil/reset.md": f"""---
title: {q("Reset " + SCRIPT)}
tier: L1
systems: [evil]
owner: {q(BREAKOUT)}
tags: [{q(BOLD)}]
symptoms: [{q(SCRIPT)}, {q(BREAKOUT)}, {q(BOLD)}]
escalate_when: [{q(SCRIPT)}, {q(BREAKOUT)}]
prerequisites: [{q(BOLD)}, {q(SCRIPT)}]
estimated_time: {q(BREAKOUT)}
last_reviewed: 2026-05-01
related: [runbooks/evil/other.md]
---
## Steps

1. Do it.
""",
    "runbooks/evil/other.md": f"""---
title: {q("Other " + BREAKOUT)}
tier: L2
systems: [evil, vpn]
owner: {q(BOLD)}
symptoms: [{q(BREAKOUT)}]
escalate_when: [{q(BOLD)}]
last_reviewed: 2026-05-01
---
Other steps.
""",
    "runbooks/vpn/first.md": f"""---
title: {q("First " + BOLD)}
tier: L1
systems: [vpn]
owner: Desk
symptoms: [{q(SCRIPT)}]
escalate_when: [{q(BREAKOUT)}]
last_reviewed: 2026-05-01
---
First steps.
""",
    "content/incidents/2026-05-01-evil.md": f"""---
title: {q("Outage " + SCRIPT + BREAKOUT)}
date: 2026-05-01
severity: SEV1
status: resolved
systems: [evil, vpn]
tier: L3
owner: {q(SCRIPT)}
detected_at: 2026-05-01T10:00:00Z
resolved_at: 2026-05-01T12:00:00Z
root_cause: {q("Cause " + SCRIPT + BREAKOUT)}
root_cause_category: change
runbooks: [runbooks/evil/reset.md]
workaround: {q("Work " + SCRIPT + BREAKOUT + BOLD)}
tags: [{q(SCRIPT)}]
last_reviewed: 2026-05-01
action_items:
  - {{title: {q("Act " + SCRIPT)}, owner: {q(BREAKOUT)}, due: 2026-07-01, done: false}}
  - {{title: {q(BOLD)}, owner: {q(SCRIPT)}, due: 2026-04-01, done: false}}
---
What happened.
""",
    "content/incidents/2026-05-02-open.md": f"""---
title: {q("Open " + BREAKOUT)}
date: 2026-05-02
severity: SEV3
status: open
systems: [vpn]
workaround: {q(BREAKOUT)}
last_reviewed: 2026-05-01
---
Still open.
""",
}
TEXT_SUFFIXES = {".html", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".css", ".md"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_kb(tmp_path_factory.mktemp("escaping") / "kb", FILES, config=MKDOCS_YML)
    before = sources_digest(root)
    result = opskb("build", "--kb", root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sources_digest(root) == before
    return root / "site"


def output_files(site: Path) -> list[Path]:
    files = [p for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES]
    assert files
    return files


class _Elements(HTMLParser):
    """Collects what a browser would act on: tags, attributes, script text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if tag == "img" and ("src", "x") in attrs:
            self.dangers.append("planted <img>")
        if tag == "b" and not attrs:
            self.dangers.append("planted <b>")  # Material uses no bare <b>; ours is escaped
        for name, value in attrs:
            value = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") and "alert(1)" in value:
                self.dangers.append(f"{tag} {name}={value}")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value.startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.dangers.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(1)" in data:
            self.dangers.append("script runs alert(1)")


def test_no_page_holds_a_raw_payload_or_a_live_element(site: Path) -> None:
    pages = [p for p in output_files(site) if p.suffix in {".html", ".svg", ".xml"}]
    assert len(pages) >= 8
    for file in pages:
        text = file.read_text(encoding="utf-8")
        for raw in RAW:
            assert raw not in text, (file.relative_to(site), raw)
        parser = _Elements()
        parser.feed(text)
        assert parser.dangers == [], file.relative_to(site)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_json_files_are_valid_and_search_indexes_hold_no_raw_markup(site: Path) -> None:
    """Search indexes hold HTML fragments a script puts into the page: never raw markup.

    Other JSON files are data for programs: valid JSON, text intact.
    """
    found = [p for p in output_files(site) if p.suffix == ".json"]
    assert any(p.relative_to(site).as_posix().startswith("api/") for p in found)
    for file in found:
        data = json.loads(file.read_text(encoding="utf-8"))
        if "search" in file.relative_to(site).as_posix():
            for text in _strings(data):
                for raw in RAW:
                    assert raw not in text, (file.relative_to(site), text[:200])


def test_json_export_keeps_the_text_intact(site: Path) -> None:
    export = site / "api" / "catalog.json"
    if not export.exists():
        pytest.skip("no JSON export in this build")
    text = " ".join(_strings(json.loads(export.read_text(encoding="utf-8"))))
    assert "Reset " + SCRIPT in text and "Outage " + SCRIPT + BREAKOUT in text


def test_scripts_hold_no_payload(site: Path) -> None:
    for file in (p for p in output_files(site) if p.suffix == ".js"):
        text = file.read_text(encoding="utf-8", errors="replace")
        assert "alert(1)" not in text, file.relative_to(site)


def test_pages_show_the_payloads_as_plain_text(site: Path) -> None:
    runbook = html.unescape((site / "runbooks/evil/reset/index.html").read_text("utf-8"))
    assert "Reset " + SCRIPT in runbook and BREAKOUT in runbook and BOLD in runbook
    incident = html.unescape((site / "incidents/2026-05-01-evil/index.html").read_text("utf-8"))
    assert "Cause " + SCRIPT + BREAKOUT in incident and "Act " + SCRIPT in incident


MAIN_PAGES = [
    "",
    "runbooks/evil/reset/",
    "runbooks/vpn/first/",
    "systems/evil/",
    "systems/vpn/",
    "incidents/2026-05-01-evil/",
    "incidents/",
    "escalation/",
    "known-issues/",
    "review/",
    "playbooks/l1/",
    "systems/",
    "search/?q=script",
]


def test_no_script_runs_in_the_browser(site: Path, open_site) -> None:
    page, _ = open_site(site, "")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visited = 0
    for path in MAIN_PAGES:
        if not (site / path.split("?")[0] / "index.html").exists():
            continue
        page.goto(page.base_url + path)
        page.wait_for_load_state("load")
        visited += 1
        assert page.locator("img[src='x']").count() == 0, path
    assert visited >= 8

    page.goto(page.base_url + "runbooks/evil/reset/")
    assert page.locator("article h1").first.inner_text() == "Reset " + SCRIPT
    query = page.locator("input.opskb-hsearch__input")
    query.click()
    query.press_sequentially("outage")  # the header box searches as the user types
    results = page.locator(".opskb-hsearch__list li")
    results.first.wait_for()
    assert SCRIPT in page.locator(".opskb-hsearch__list").inner_text()  # shown, as text
    assert page.locator(".opskb-hsearch__list img[src='x']").count() == 0
    assert dialogs == []


MARKDOWN_SYMPTOM = "*not emphasis* and [not a link](https://example.org/x) | not a cell"


@pytest.mark.parametrize("uri", ["systems/vpn.md", "runbooks/vpn/reset-token.md"])
def test_markdown_in_a_symptom_shows_as_written(make_kb, uri: str) -> None:
    """Every printed value is escaped for Markdown too, lists joined by a template
    included (a system page lists its runbooks' symptoms joined by '; ')."""
    from opskb.pages import render_site
    from opskb.pipeline import load_kb

    from tests.conftest import RUNBOOK_RESET
    from tests.pages.test_html_blocks import body_of, converter

    runbook = RUNBOOK_RESET.replace('"token code invalid"', json.dumps(MARKDOWN_SYMPTOM))
    root = make_kb({"runbooks/vpn/reset-token.md": runbook})
    page = next(p for p in render_site(load_kb(root).catalog, None).pages if p.src_uri == uri)
    converted = converter(root / "mkdocs.yml").convert(body_of(page))
    assert "<em>not emphasis</em>" not in converted
    assert 'href="https://example.org/x"' not in converted
    assert MARKDOWN_SYMPTOM in html.unescape(re.sub(r"<[^>]+>", "", converted))


MARKER = "\0authored\0"  # the word between NULs, as the renderer once marked authors' text


def test_front_matter_holding_the_renderers_marker_shows_as_written(make_kb, build) -> None:
    """Text cannot forge where authors' Markdown lies in a page, nor vanish trying."""
    from tests.conftest import RUNBOOK_RESET, SYSTEM_VPN, page

    marked = json.dumps(f"Reset {MARKER} token")  # YAML reads \u0000 as NUL, as "\0"
    runbook = (
        RUNBOOK_RESET.replace("title: Reset VPN token", f"title: {marked}")
        .replace("owner: Service Desk", f"owner: {json.dumps(f'Desk {MARKER} team')}")
        .replace('"token code invalid"', json.dumps(f"code {MARKER} invalid"))
    )
    system = SYSTEM_VPN.replace("team: NetOps", f"team: {json.dumps(f'Net {MARKER} ops')}")
    root = make_kb({"runbooks/vpn/reset-token.md": runbook, "content/systems/vpn.md": system})
    site = build(root)

    def shown(url: str) -> str:  # a NUL may be dropped or shown as U+FFFD, nothing else
        text = html.unescape(re.sub(r"<[^>]+>", " ", page(site, url)))
        return " ".join(text.replace("\0", "").replace("\ufffd", "").split())

    runbook_page = shown("runbooks/vpn/reset-token/")
    for text in ("Reset authored token", "Desk authored team", "code authored invalid"):
        assert text in runbook_page
    assert "Resync the token." in runbook_page
    for url in ("systems/vpn/", "escalation/"):
        assert "Net authored ops" in shown(url), url
