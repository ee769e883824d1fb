"""Alert rules: each alert's name, severity, summary and runbook URL, with file and line."""

from __future__ import annotations

from pathlib import Path

from opskb.config import Settings
from opskb.problems import Problems
from opskb.sources.alert_rules import (
    AlertRule,
    alert_page_uri,
    alert_rule_files,
    read_alert_rules,
)

PROMETHEUS = """\
groups:
  - name: vpn
    rules:
      - alert: VpnTokenFailures
        expr: rate(vpn_token_failures_total[5m]) > 1
        labels: {severity: warning}
        annotations:
          summary: "  Many token failures  "
          runbook_url: https://kb.example.com/alerts/VpnTokenFailures/
      - record: vpn:up:sum
        expr: sum(up{job="vpn"})
      - alert: VpnDown
        expr: up{job="vpn"} == 0
        annotations:
          description: The gateway is down
"""

KUBERNETES = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: mail}
spec:
  groups:
    - name: mail
      rules:
        - alert: MailQueueStuck
          expr: mail_queue > 100
          labels: {severity: critical}
"""


def _settings(root: Path, files: dict[str, str | bytes], *globs: str) -> Settings:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return Settings(root=root.resolve(), alert_rules=globs or ("rules/*.yml",))


def _read(settings: Settings) -> tuple[list[AlertRule], list[tuple[str, int, str]]]:
    problems = Problems()
    rules = read_alert_rules(settings, problems)
    return rules, [(p.path, p.line, p.message) for p in problems]


def test_alerting_rules_are_read_with_their_file_line_and_annotations(tmp_path: Path) -> None:
    settings = _settings(tmp_path, {"rules/vpn.yml": PROMETHEUS})
    rules, problems = _read(settings)
    assert problems == []
    assert rules == [
        AlertRule("VpnDown", "rules/vpn.yml", 12, summary="The gateway is down"),
        AlertRule(
            "VpnTokenFailures",
            "rules/vpn.yml",
            4,
            severity="warning",
            summary="Many token failures",
            runbook_url="https://kb.example.com/alerts/VpnTokenFailures/",
        ),
    ]


def test_a_kubernetes_prometheus_rule_is_read_like_a_rules_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path, {"rules/mail.yml": KUBERNETES, "rules/vpn.yml": PROMETHEUS})
    rules, problems = _read(settings)
    assert problems == []
    assert [(r.name, r.path, r.line, r.severity) for r in rules] == [
        ("MailQueueStuck", "rules/mail.yml", 8, "critical"),
        ("VpnDown", "rules/vpn.yml", 12, ""),
        ("VpnTokenFailures", "rules/vpn.yml", 4, "warning"),
    ]


def test_bad_yaml_is_one_problem_at_its_line_and_the_other_files_still_read(
    tmp_path: Path,
) -> None:
    bad = "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: [\n"
    settings = _settings(tmp_path, {"rules/bad.yml": bad, "rules/vpn.yml": PROMETHEUS})
    rules, problems = _read(settings)
    assert {r.path for r in rules} == {"rules/vpn.yml"}  # nothing half-read from bad.yml
    [(path, line, message)] = problems
    assert path == "rules/bad.yml" and line > 1 and "not valid YAML" in message


def test_a_file_that_is_not_rules_or_not_text_is_a_problem_never_an_exception(
    tmp_path: Path,
) -> None:
    settings = _settings(
        tmp_path,
        {
            "rules/a.yml": "title: not rules\n",
            "rules/b.yml": b"groups: [\xff]\n",
            "rules/c.yml": "groups:\n  - rules:\n      - alert: ''\n        expr: up\n",
        },
    )
    rules, problems = _read(settings)
    assert rules == []
    assert [(path, line) for path, line, _ in problems] == [
        ("rules/a.yml", 1),
        ("rules/b.yml", 0),
        ("rules/c.yml", 3),
    ]
    messages = [message for _, _, message in problems]
    assert "no `groups:`" in messages[0]
    assert "not UTF-8" in messages[1]
    assert "empty `alert:`" in messages[2]


def test_globs_outside_the_root_or_matching_nothing_are_reported_in_mkdocs_yml(
    tmp_path: Path,
) -> None:
    (tmp_path / "outside.yml").write_text(PROMETHEUS, encoding="utf-8")
    settings = _settings(tmp_path / "kb", {}, "../outside.yml", "nowhere/*.yml")
    rules, problems = _read(settings)
    assert rules == []
    assert [path for path, _, _ in problems] == ["mkdocs.yml", "mkdocs.yml"]
    text = " ".join(message for _, _, message in problems)
    assert "outside the knowledge base" in text and "matches no file" in text


def test_the_files_a_preview_watches_are_those_the_globs_name_each_once(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        {"rules/vpn.yml": PROMETHEUS, "rules/mail.yml": KUBERNETES, "rules/notes.txt": "x"},
        "rules/*.yml",
        "rules/vpn.yml",
    )
    assert alert_rule_files(settings) == [
        settings.root / "rules/mail.yml",
        settings.root / "rules/vpn.yml",
    ]


def test_an_alert_has_a_stable_page_only_if_its_name_can_be_a_path() -> None:
    assert alert_page_uri("VpnTokenFailures") == "alerts/VpnTokenFailures.md"
    assert alert_page_uri("disk.full-v2") == "alerts/disk.full-v2.md"
    assert alert_page_uri("../escape") is None
    assert alert_page_uri("has space") is None
    assert alert_page_uri("") is None
