"""The overview pages in headless Chromium: light, dark, print, and no script errors.

The site is served on loopback and every request that would leave the machine
(web fonts, any CDN) is refused, as on an isolated
network; the pages must read well without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import serve_folder
from tests.conftest import RUNBOOK_RESET, SYSTEM_VPN, run_cli, write_kb

CONFIG = """\
site_name: Browser KB
docs_dir: content
theme:
  name: material
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc
  - pymdownx.superfences
plugins:
  - search
  - opskb
"""

HOSTILE = '<img src=x onerror=alert(1)> "]; click L1 call alert(2)'

SYSTEM_MAIL = f"""\
---
title: 'Mail {HOSTILE}'
owner: Mail Team
depends_on: [vpn]
escalation:
  L1: {{team: Service Desk, contact: "ext. 4000", hours: "24x7", response: 15m}}
  L2: {{team: 'Mail Ops {HOSTILE}', contact: "mail-ops@example.com", hours: "office hours",
       response: 1h}}
  L3: {{team: Mail Engineering, contact: "pager mail", hours: "24x7", response: 30m}}
  L4: {{team: Vendor, contact: "+1 555 0199", hours: "24x7", response: 4h, vendor: Postmark,
       contract: C-9, portal: "https://help.example.com"}}
last_reviewed: 2026-05-01
---
Staff mail.
"""


def _runbook(title: str, tier: str, system: str, reviewed: str = "2026-05-01") -> str:
    return f"""\
---
title: {title}
tier: {tier}
systems: [{system}]
owner: Service Desk
symptoms: ["{title.lower()} symptom"]
escalate_when: ["it still fails after the steps"]
last_reviewed: {reviewed}
---
## Steps

1. Check the thing.

```bash
echo checked
```
"""


def _incident(day: str, system: str, severity: str, minutes: int, category: str) -> str:
    return f"""\
---
title: {system} trouble on {day}
date: {day}
severity: {severity}
systems: [{system}]
status: resolved
detected_at: {day}T08:00:00Z
resolved_at: {day}T{8 + minutes // 60:02d}:{minutes % 60:02d}:00Z
root_cause: something in {system}
root_cause_category: {category}
runbooks: [runbooks/{system}/l1-check.md]
workaround: Restart the {system} client.
action_items:
  - {{title: Fix {system}, owner: Ops, due: 2026-05-01, done: false}}
---
What happened.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """A small knowledge base with every overview page, served on loopback."""
    files = {
        "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
        "content/systems/vpn.md": SYSTEM_VPN,
        "content/systems/mail.md": SYSTEM_MAIL,
        "runbooks/vpn/reset-token.md": RUNBOOK_RESET,
        "runbooks/vpn/l1-check.md": _runbook("Check VPN client", "L1", "vpn"),
        "runbooks/mail/l1-check.md": _runbook("Check mail client", "L1", "mail"),
        "runbooks/mail/l2-queue.md": _runbook("Drain mail queue", "L2", "mail", "2025-01-01"),
        "runbooks/mail/l3-relay.md": _runbook("Fail over mail relay", "L3", "mail"),
    }
    for index, (day, system, severity, minutes, category) in enumerate(
        [
            ("2026-01-10", "vpn", "SEV2", 45, "change"),
            ("2026-02-03", "vpn", "SEV1", 130, "change"),
            ("2026-03-21", "mail", "SEV3", 20, "capacity"),
            ("2026-04-02", "mail", "SEV4", 95, "dependency"),
            ("2026-05-15", "vpn", "SEV3", 300, "software-bug"),
        ]
    ):
        files[f"content/incidents/{day}-{system}-{index}.md"] = _incident(
            day, system, severity, minutes, category
        )
    root = write_kb(tmp_path_factory.mktemp("browser") / "kb", files, config=CONFIG)
    result = run_cli("build", "--kb", str(root), "-q", "--strict")
    assert result.exit_code == 0, result.output
    base, server = serve_folder(root / "site")
    yield base
    server.shutdown()


PAGES = [
    "",
    "escalation/",
    "playbooks/l1/",
    "systems/mail/",
    "incidents/",
    "known-issues/",
    "review/",
]


def _open(chromium, base: str, **options):
    """A page whose requests off loopback are refused; returns (page, script errors)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))

    def console(message) -> None:
        url = (message.location or {}).get("url", "")
        offsite = url and not url.startswith(base)
        if message.type == "error" and not offsite and "net::ERR_FAILED" not in message.text:
            errors.append(message.text)

    page.on("console", console)
    return context, page, errors


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_overview_pages_render_in_light_and_dark_without_script_errors(
    chromium, site: str, scheme: str, tmp_path: Path
) -> None:
    context, page, errors = _open(chromium, site, color_scheme=scheme)
    try:
        for path in PAGES:
            page.goto(site + path)
            assert page.locator("article h1").count() == 1, path
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            if scheme == "dark":
                assert _luminance(background) < 80, (path, background)
            else:
                assert _luminance(background) > 200, (path, background)
            page.screenshot(
                path=tmp_path / f"{path.strip('/').replace('/', '-') or 'home'}.png", full_page=True
            )
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_text_follows_the_page_colour_and_bars_are_coloured(
    chromium, site: str, scheme: str
) -> None:
    context, page, errors = _open(chromium, site, color_scheme=scheme)
    try:
        page.goto(site + "incidents/")
        charts = page.locator("svg.opskb-chart")
        assert charts.count() == 2
        text_fill = page.evaluate(
            "getComputedStyle(document.querySelector('.opskb-chart-text')).fill"
        )
        page_colour = page.evaluate("getComputedStyle(document.querySelector('article')).color")
        assert text_fill == page_colour
        bar_fill = page.evaluate(
            "getComputedStyle(document.querySelector('svg.opskb-chart rect.opskb-fill-sev1')).fill"
        )
        assert bar_fill.startswith("rgb(") and bar_fill != "rgb(0, 0, 0)"
        box = charts.first.bounding_box()
        assert box["width"] > 400 and box["height"] > 100
        assert errors == []
    finally:
        context.close()


def test_printing_a_playbook_hides_the_navigation_and_starts_each_system_on_a_new_page(
    chromium, site: str, tmp_path: Path
) -> None:
    context, page, errors = _open(chromium, site)
    try:
        page.goto(site + "playbooks/l1/")
        assert page.locator(".md-sidebar--primary").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".md-sidebar--primary").is_visible()
        assert not page.locator(".md-header").is_visible()
        breaks = page.evaluate(
            "[...document.querySelectorAll('h2.opskb-pb-system')]"
            ".map(h => getComputedStyle(h).breakBefore)"
        )
        assert breaks == ["page", "page"]
        assert page.get_by_text("echo checked").first.is_visible()
        page.screenshot(path=tmp_path / "playbook-print.png", full_page=True)
        assert errors == []
    finally:
        context.close()


def test_hostile_front_matter_stays_text_on_every_overview_page(chromium, site: str) -> None:
    context, page, errors = _open(chromium, site)
    try:
        for path in PAGES:
            page.goto(site + path)
            assert (
                # a page's own script (the playbook's filter box) comes from opskb's assets
                page.evaluate(
                    "document.querySelectorAll("
                    "'article img, article script:not([src*=\"assets/opskb/\"])').length"
                )
                == 0
            )
        page.goto(site + "escalation/")
        assert page.locator("article").get_by_text(f"Mail {HOSTILE}", exact=True).count() >= 1
        diagram = page.locator("svg.opskb-diagram").first
        assert f"Ops {HOSTILE}" in diagram.get_attribute("aria-label")
        assert diagram.locator("img, script, foreignObject").count() == 0
        shown = " ".join(diagram.locator("text").all_text_contents())
        assert "<img src=x" in shown  # the payload is text, wrapped over lines
        assert errors == []
    finally:
        context.close()
