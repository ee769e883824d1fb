"""Alert pages: one page an alert a runbook handles, and an index, each naming the runbook."""

from __future__ import annotations

from opskb.pages.alerts import URI, alert_jobs
from opskb.pipeline import load_kb

from tests.conftest import RUNBOOK_RESET

HANDLED = RUNBOOK_RESET.replace("last_reviewed", "alerts: [VpnTokenFailures]\nlast_reviewed")


def test_a_knowledge_base_without_alerts_has_no_alert_pages(make_kb):
    assert alert_jobs(load_kb(make_kb()).catalog) == []


def test_each_handled_alert_has_a_page_naming_its_runbook_and_the_next_tier(make_kb):
    catalog = load_kb(make_kb({"runbooks/vpn/reset-token.md": HANDLED})).catalog
    jobs = dict(alert_jobs(catalog))
    assert list(jobs) == [URI, "alerts/VpnTokenFailures.md"]
    page = jobs["alerts/VpnTokenFailures.md"]()
    assert page.title == "Alert VpnTokenFailures"
    assert "Reset VPN token" in page.markdown
    assert "NetOps" in page.markdown  # the L1 runbook escalates to L2
    index = jobs[URI]()
    assert (index.src_uri, index.title) == ("alerts/index.md", "Alerts")
    assert "VpnTokenFailures" in index.markdown
