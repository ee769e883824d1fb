"""Live incidents in the built site: a bar on their systems' pages, first on the home page.

An incident is live while it is not resolved, however old; pages without one show no bar.
"""

from __future__ import annotations

import html as html_module
import re
import shutil
from pathlib import Path

from tests.conftest import page

SYSTEM_MAIL = """\
---
title: Mail
owner: Messaging
escalation:
  L2: {team: Messaging, contact: "mail-team@example.com", hours: "24x7", response: 1h}
---
Mail.
"""

RUNBOOK_MAIL = """\
---
title: Mailbox full
tier: L1
systems: [mail]
owner: Service Desk
symptoms: ["cannot send mail"]
escalate_when: ["the quota is already at its maximum"]
last_reviewed: 2026-01-01
---
Archive old items.
"""


def incident(title: str, status: str, *, date: str, severity: str = "SEV3", **extra: str) -> str:
    lines = [
        "---",
        f'title: "{title}"',
        f"date: {date}",
        f"severity: {severity}",
        "systems: [vpn]",
        f"status: {status}",
        "owner: Network Team",
        *(f"{key}: {value}" for key, value in extra.items()),
        "---",
        "What happened.",
        "",
    ]
    return "\n".join(lines)


OLD_OPEN = incident(
    "Tokens rejected since the 2020 migration",
    "open",
    date="2020-01-06",
    severity="SEV2",
    workaround='"Issue a temporary code from the admin console."',
    runbooks="[runbooks/vpn/reset-token.md]",
)
MONITORING = incident(
    "Tunnel drops every hour",
    "monitoring",
    date="2026-05-30",
    detected_at="2026-05-30T08:05:00Z",
    workaround='"Reinstall client 6.1.4."',
)
RESOLVED = incident(
    "Gateway outage in April",
    "resolved",
    date="2026-04-02",
    root_cause='"A failed crypto card"',
    root_cause_category="hardware",
    workaround='"Fail over to the second gateway."',
)

LIVE_FILES = {
    "content/systems/mail.md": SYSTEM_MAIL,
    "runbooks/mail/mailbox-full.md": RUNBOOK_MAIL,
    "content/incidents/2020-01-06-tokens.md": OLD_OPEN,
    "content/incidents/2026-05-30-drops.md": MONITORING,
    "content/incidents/2026-04-02-outage.md": RESOLVED,
}


def live_bar(html: str) -> str:
    """The page's live-incident bar (it holds no ``div`` of its own), or ``""``."""
    start = html.find('<div class="opskb-live"')
    return "" if start < 0 else html[start : html.index("</div>", start)]


def test_runbook_opens_with_its_systems_live_incidents(make_kb, build) -> None:
    site = build(make_kb(LIVE_FILES))
    html = page(site, "runbooks/vpn/reset-token")
    bar = live_bar(html)
    assert bar, "the VPN runbook shows the VPN's live incidents"
    assert html.index(bar) < html.index('id="escalate"'), "the bar is above the escalation card"
    assert "Tokens rejected since the 2020 migration" in bar, "an old open incident is still live"
    assert "Tunnel drops every hour" in bar
    assert "Gateway outage in April" not in bar, "a resolved incident is not live"
    assert re.search(r">open</span>.*since <time>2020-01-06</time>", bar)
    assert re.search(r">monitoring</span>.*since <time>2026-05-30 08:05 UTC</time>", bar)
    assert 'href="../../../incidents/2020-01-06-tokens/"' in bar
    assert 'href="../../../incidents/2026-05-30-drops/"' in bar
    assert bar.index("SEV2") < bar.index("SEV3"), "the most severe comes first"


def test_runbook_shows_in_full_the_workaround_of_an_incident_that_names_it(make_kb, build) -> None:
    bar = live_bar(page(build(make_kb(LIVE_FILES)), "runbooks/vpn/reset-token"))
    assert (
        '<p class="opskb-live-workaround"><strong>Workaround:</strong> '
        "Issue a temporary code from the admin console.</p>" in bar
    )
    folded = re.search(r'<details class="opskb-live-workaround">(.*?)</details>', bar, re.S)
    assert folded and "Reinstall client 6.1.4." in folded.group(1), "the other is one click away"


def test_a_lone_live_incident_shows_its_workaround(make_kb, build) -> None:
    files = {"content/incidents/2026-05-30-drops.md": MONITORING}
    bar = live_bar(page(build(make_kb(files)), "runbooks/vpn/reset-token"))
    assert '<p class="opskb-live-workaround"><strong>Workaround:</strong> Reinstall' in bar
    assert "<details" not in bar


def test_system_and_incident_pages_of_the_system_show_the_bar(make_kb, build) -> None:
    site = build(make_kb(LIVE_FILES))
    system = live_bar(page(site, "systems/vpn"))
    assert "Tokens rejected" in system and "Tunnel drops every hour" in system
    assert "Workaround" not in system, "the system page lists workarounds under Known issues"
    own = live_bar(page(site, "incidents/2020-01-06-tokens"))
    assert "Tunnel drops every hour" in own and "Tokens rejected" not in own, "not itself"
    resolved = live_bar(page(site, "incidents/2026-04-02-outage"))
    assert "Tokens rejected" in resolved and "Tunnel drops every hour" in resolved


def test_pages_of_systems_without_a_live_incident_show_no_bar(make_kb, build) -> None:
    site = build(make_kb(LIVE_FILES))
    for url in ("runbooks/mail/mailbox-full", "systems/mail", "escalation", "playbooks/l1"):
        assert "opskb-live" not in page(site, url), url


def test_home_page_shows_live_incidents_first_and_only_them(make_kb, build) -> None:
    html = page(build(make_kb(LIVE_FILES)), "")
    now = html.index('id="happening-now"')
    bar = live_bar(html)
    assert now < html.index(bar) < html.index("Welcome.") < html.index('id="opskb-home-q"')
    assert html.index('id="happening-now"') < html.index('id="by-tier"')
    assert "Tokens rejected" in bar and "Tunnel drops every hour" in bar
    assert "Gateway outage in April" not in bar
    assert bar.count("<strong>Workaround:</strong>") == 2, "every workaround is shown there"
    assert 'href="systems/vpn/"' in bar, "each incident's systems are named"


def test_a_knowledge_base_without_live_incidents_shows_no_bar(make_kb, build) -> None:
    site = build(make_kb({"content/incidents/2026-04-02-outage.md": RESOLVED}))
    for html_file in site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert "opskb-live" not in html and "happening-now" not in html, html_file


HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(2)) {{ 7*7 }} | *b* {: #x }"
HOSTILE_WORKAROUND = "<img src=x onerror=alert(3)> `code` [y](javascript:alert(4)) <!-- </div>"


def test_hostile_incident_title_and_workaround_are_inert(make_kb, build) -> None:
    hostile = incident(
        HOSTILE_TITLE.replace('"', '\\"'),
        "open",
        date="2026-05-31",
        workaround="'" + HOSTILE_WORKAROUND.replace("'", "''") + "'",
        runbooks="[runbooks/vpn/reset-token.md]",
    )
    site = build(make_kb({"content/incidents/2026-05-31-hostile.md": hostile}))
    for url in ("", "runbooks/vpn/reset-token", "systems/vpn"):
        html = page(site, url)
        bar = live_bar(html)
        assert bar, url
        assert HOSTILE_TITLE in html_module.unescape(bar), "shown exactly as written"
        for markup in ("<script>alert", 'href="javascript', "<img", "<em>b</em>", 'id="x"', "<!--"):
            assert markup not in bar, (url, markup)
        assert "49" not in bar, url
    workaround = live_bar(page(site, "runbooks/vpn/reset-token"))
    assert f"Workaround:</strong> {HOSTILE_WORKAROUND}</p>" in html_module.unescape(workaround)


def test_live_incidents_build_byte_identical(make_kb, build) -> None:
    root = make_kb(
        {
            **LIVE_FILES,
            # same severity and start as the monitoring one: the order falls back to the path
            "content/incidents/2026-05-30-also.md": MONITORING.replace(
                "Tunnel drops every hour", "Slow logins"
            ),
        }
    )
    copy = root.parent / "copy"
    shutil.copytree(root, copy)
    first, second = build(root), build(copy)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    bar = live_bar(page(first, "runbooks/vpn/reset-token"))
    assert bar.index("Slow logins") < bar.index("Tunnel drops every hour"), "by path when tied"


def test_sample_knowledge_base_builds_strict_with_its_live_incidents(tmp_path: Path) -> None:
    from tests.conftest import REPO, run_cli

    out = tmp_path / "site"
    result = run_cli("build", "--kb", REPO, "--strict", "-q", "-d", out)
    assert result.exit_code == 0, result.output
    home = page(out, "")
    assert home.index('id="happening-now"') < home.index('id="by-tier"')
    assert "Hourly VPN disconnects" in live_bar(page(out, "runbooks/vpn/cannot-connect"))


def test_resolving_an_incident_takes_it_off_the_bar_on_the_next_build(make_kb, build) -> None:
    root = make_kb({"content/incidents/2026-05-30-drops.md": MONITORING})
    assert "Tunnel drops every hour" in live_bar(page(build(root), "runbooks/vpn/reset-token"))
    resolved = MONITORING.replace("status: monitoring", "status: resolved").replace(
        "---\nWhat", 'root_cause: "A client bug"\n---\nWhat'
    )
    (root / "content/incidents/2026-05-30-drops.md").write_text(resolved, encoding="utf-8")
    site = build(root)  # the render memo of the first build is at hand: it must not serve it
    for url in ("runbooks/vpn/reset-token", "systems/vpn", ""):
        assert "opskb-live" not in page(site, url), url
