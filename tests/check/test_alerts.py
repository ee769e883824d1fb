"""Alert rules (``alert_rules``): every alert leads to a runbook, checked and published."""

from __future__ import annotations

import json

import pytest

from tests.conftest import MKDOCS_YML, RUNBOOK_RESET, page, run_cli

CONFIG = (
    MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      alert_rules: [rules/*.yml]\n")
    + "site_url: https://kb.example.com/ops/\n"
)
HANDLED_RUNBOOK = RUNBOOK_RESET.replace(
    "last_reviewed", "alerts: [VpnTokenFailures]\nlast_reviewed"
)
RULES = """\
groups:
  - name: vpn
    rules:
      - alert: VpnTokenFailures
        expr: rate(vpn_token_failures_total[5m]) > 1
        labels: {severity: warning}
        annotations:
          summary: Many token failures
          runbook_url: https://kb.example.com/ops/alerts/{{ $labels.alertname }}/
      - record: vpn:up:sum
        expr: sum(up{job="vpn"})
      - alert: VpnOrphan
        expr: up{job="vpn"} == 0
      - alert: VpnDeadLink
        expr: vpn_errors > 0
        annotations:
          runbook_url: https://kb.example.com/ops/runbooks/vpn/gone/
      - alert: VpnElsewhere
        expr: vpn_errors > 10
        annotations:
          runbook_url: https://wiki.example.org/vpn
"""


def rules_kb(make_kb, rules: str = RULES, **files: str):
    return make_kb(
        {"runbooks/vpn/reset-token.md": HANDLED_RUNBOOK, "rules/vpn.yml": rules, **files},
        config=CONFIG,
    )


def alert_problems(root, *more: str) -> list[dict]:
    result = run_cli("check", "--kb", root, "--format", "json", *more)
    found = json.loads(result.output)
    return [p for p in found if p["code"] != "review-overdue" and not p["dated"]]


def test_check_reports_the_orphan_and_the_dead_url_with_file_and_line(make_kb):
    found = alert_problems(rules_kb(make_kb))
    where = sorted((p["path"], p["line"], p["code"]) for p in found)
    assert where == [
        ("rules/vpn.yml", 12, "alert-without-runbook"),
        ("rules/vpn.yml", 14, "dead-runbook-url"),
    ], found
    assert "VpnOrphan" in found[0]["message"] + found[1]["message"]
    assert any("runbooks/vpn/gone/" in p["message"] for p in found)


def test_check_in_text_names_the_rules_file_and_line(make_kb):
    result = run_cli("check", "--kb", rules_kb(make_kb))
    assert "rules/vpn.yml:12: warning [alert]: alert 'VpnOrphan' has no runbook" in result.output
    assert "rules/vpn.yml:14: warning [runbook_url]" in result.output


def test_a_runbook_alert_no_rule_defines_is_reported_at_its_alerts_line(make_kb):
    runbook = HANDLED_RUNBOOK.replace("[VpnTokenFailures]", "[VpnTokenFailures, VpnTypo]")
    found = alert_problems(rules_kb(make_kb, **{"runbooks/vpn/reset-token.md": runbook}))
    unknown = [p for p in found if p["code"] == "unknown-alert"]
    assert [(p["path"], p["line"]) for p in unknown] == [("runbooks/vpn/reset-token.md", 8)]
    assert "VpnTypo" in unknown[0]["message"]


def test_a_runbook_url_to_a_missing_heading_is_reported(make_kb):
    rules = """\
        groups:
          - name: vpn
            rules:
              - alert: VpnTokenFailures
                expr: up == 0
                annotations: {runbook_url: "/ops/runbooks/vpn/reset-token/#steps"}
              - alert: VpnOther
                expr: up == 0
                annotations: {runbook_url: "runbooks/vpn/reset-token/#no-such-heading"}
        """
    found = alert_problems(rules_kb(make_kb, rules))
    assert [(p["line"], p["code"]) for p in found] == [(7, "dead-runbook-url")], found
    assert "no-such-heading" in found[0]["message"]


def test_an_alert_of_a_draft_runbook_says_the_runbook_is_not_shown(make_kb):
    draft = HANDLED_RUNBOOK.replace("tier: L1", "tier: L1\nstatus: draft")
    found = alert_problems(rules_kb(make_kb, **{"runbooks/vpn/reset-token.md": draft}))
    first = next(p for p in found if "VpnTokenFailures" in p["message"])
    assert "runbooks/vpn/reset-token.md" in first["message"]
    assert "publish" in first["hint"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("groups:\n  - name: x\n    rules: [\n", 4, "not valid YAML"),
        (b"groups: [\xff\xfe]\n", 0, "not UTF-8"),
        ("groups:" + " [" * 600 + "]" * 600 + "\n", 1, "levels deep"),
        ("name: not rules\n", 1, "no `groups:`"),
        (
            "rule: &r {alert: A, expr: up}\n"
            + "group: &g {rules: ["
            + ", ".join(["*r"] * 1000)
            + "]}\n"
            + "groups: ["
            + ", ".join(["*g"] * 1000)
            + "]\n",
            1,
            "too many values",
        ),
    ],
)
def test_an_unreadable_rules_file_is_one_problem_never_a_traceback(make_kb, text, line, words):
    root = rules_kb(make_kb, "groups: []\n")
    (root / "rules" / "bad.yml").write_bytes(text if isinstance(text, bytes) else text.encode())
    result = run_cli("check", "--kb", root, "--format", "json")
    bad = [p for p in json.loads(result.output) if p["path"] == "rules/bad.yml"]
    assert len(bad) == 1, bad
    assert words in bad[0]["message"] and bad[0]["line"] == line, bad
    assert "Traceback" not in result.output


def test_a_glob_matching_nothing_and_a_bad_option_are_reported_in_mkdocs_yml(make_kb):
    root = make_kb(config=CONFIG.replace("[rules/*.yml]", "[nowhere/*.yml, ../outside.yml]"))
    found = alert_problems(root)
    assert {p["path"] for p in found} == {"mkdocs.yml"}
    messages = " ".join(p["message"] for p in found)
    assert "matches no file" in messages and "outside the knowledge base" in messages
    root = make_kb(config=CONFIG.replace("[rules/*.yml]", "{a: 1}"), name="kb2")
    result = run_cli("check", "--kb", root)
    assert "mkdocs.yml:" in result.output and "alert_rules" in result.output


def test_the_site_publishes_every_alert_and_a_stable_page_leading_to_its_runbook(make_kb, build):
    rules = RULES.replace("Many token failures", "<img src=x onerror=alert(1)> *many*")
    site = build(rules_kb(make_kb, rules), strict=False)
    listing = page(site, "alerts")
    for name in ("VpnTokenFailures", "VpnOrphan", "VpnDeadLink", "VpnElsewhere"):
        assert f'href="{name}/"' in listing
    assert '<a href="../runbooks/vpn/reset-token/">Reset VPN token</a>' in listing
    assert "<img src" not in listing and "&lt;img src" in listing
    handled = page(site, "alerts/VpnTokenFailures")
    assert '<meta http-equiv="refresh" content="0; url=../../runbooks/vpn/reset-token/">' in handled
    assert "mailto:netops@example.com" in handled  # where the runbook escalates
    orphan = page(site, "alerts/VpnOrphan")
    assert "http-equiv" not in orphan and "No runbook handles this alert" in orphan


def test_the_alert_map_follows_runbook_urls_into_the_site(make_kb):
    rules = (
        RULES
        + """\
      - alert: VpnByUrl
        expr: up == 0
        annotations: {runbook_url: "https://kb.example.com/ops/runbooks/vpn/reset-token/"}
"""
    )
    root = rules_kb(make_kb, rules)
    result = run_cli("export", "--kb", root, "--alert-map", "--format", "json")
    mapping = json.loads(result.output)
    assert mapping == {
        "VpnByUrl": "runbooks/vpn/reset-token/",
        "VpnTokenFailures": "runbooks/vpn/reset-token/",
    }


def test_the_sample_alert_rules_all_lead_to_runbooks():
    from tests.conftest import REPO

    found = [p for p in alert_problems(REPO) if "alert" in p["code"] or p["key"] == "runbook_url"]
    assert found == []


def test_the_stable_alert_page_takes_the_browser_to_the_runbook_without_javascript(
    make_kb, build, chromium
):
    from tests.browser import serve_folder

    site = build(rules_kb(make_kb), strict=False)
    base, server = serve_folder(site)
    context = chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(base + "alerts/VpnTokenFailures/")
        tab.wait_for_url("**/runbooks/vpn/reset-token/", timeout=10_000)
        assert tab.locator("h1").first.inner_text().startswith("Reset VPN token")
    finally:
        context.close()
        server.shutdown()
