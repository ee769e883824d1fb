"""The known-issues page: each incident's workaround under its system, for L1."""

from __future__ import annotations

import datetime as dt

from opskb.pages.groups import group
from opskb.pages.known_issues import known_issues_page
from opskb.pipeline import load_kb

INCIDENT = """\
---
title: VPN down after the gateway failed
date: 2026-03-09
severity: SEV2
systems: [vpn]
status: resolved
tier: L3
owner: NetOps
root_cause: "the crypto engine failed"
root_cause_category: hardware
runbooks: [runbooks/vpn/reset-token.md]
workaround: "Tell callers to use the backup gateway vpn2."
---
It failed.
"""


def page_of(make_kb, files):
    catalog = load_kb(make_kb(files), on_date=dt.date(2026, 6, 1)).catalog
    return known_issues_page(catalog, group(catalog))


def test_a_workaround_is_listed_under_its_system_with_the_runbook_used(make_kb):
    page = page_of(make_kb, {"content/incidents/2026-03-09-vpn.md": INCIDENT})
    assert page.src_uri == "known-issues/index.md"
    assert page.title == "Known issues"
    assert "Tell callers to use the backup gateway vpn2." in page.markdown
    assert "VPN down after the gateway failed" in page.markdown
    assert "Reset VPN token" in page.markdown


def test_an_incident_without_a_workaround_is_not_a_known_issue(make_kb):
    without = INCIDENT.replace('workaround: "Tell callers to use the backup gateway vpn2."\n', "")
    page = page_of(make_kb, {"content/incidents/2026-03-09-vpn.md": without})
    assert "VPN down after the gateway failed" not in page.markdown
