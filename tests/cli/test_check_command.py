"""`opskb check` as governance: every planted problem named with its file and line."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import MKDOCS_YML, REPO, run_cli

RUNBOOK = "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\n"

PLANTED = {
    # line 5: a related document that does not exist
    "runbooks/vpn/split-tunnel.md": """\
        ---
        title: Split tunnel routes
        tier: L2
        systems: [vpn]
        related: [runbooks/vpn/nowhere.md]
        escalate_when: [routes still wrong]
        last_reviewed: 2026-05-01
        ---
        Steps.
        """,
    # line 7: reviewed long ago (review_every 180 days)
    "runbooks/vpn/old-client.md": """\
        ---
        title: Old client upgrade
        tier: L2
        systems: [vpn]
        owner: NetOps
        escalate_when: [upgrade fails]
        last_reviewed: 2025-01-10
        ---
        Steps.
        """,
    # resolved without a root cause (a missing key is reported on the front matter's
    # first line); the second action item (line 10) overdue
    "content/incidents/2026-03-02-vpn-down.md": """\
        ---
        title: VPN down
        date: 2026-03-02
        severity: SEV2
        systems: [vpn]
        status: resolved
        workaround: Use the backup gateway
        action_items:
          - {title: Add monitoring, owner: NetOps, due: 2026-04-01, done: true}
          - {title: Second gateway, owner: NetOps, due: 2026-05-01, done: false}
        ---
        Summary.
        """,
}


def test_planted_problems_are_reported_by_file_and_line_as_json(make_kb):
    root = make_kb(PLANTED)
    result = run_cli("check", "--kb", root, "--format", "json")
    assert result.exit_code == 1
    found = {
        (p["path"], p["line"], p["key"], p["level"], p["code"]) for p in json.loads(result.output)
    }
    assert found == {
        ("runbooks/vpn/split-tunnel.md", 5, "related", "error", "dangling-reference"),
        ("runbooks/vpn/old-client.md", 7, "last_reviewed", "warning", "review-overdue"),
        ("content/incidents/2026-03-02-vpn-down.md", 1, "root_cause", "error", "missing"),
        (
            "content/incidents/2026-03-02-vpn-down.md",
            10,
            "action_items",
            "warning",
            "action-overdue",
        ),
    }


def test_planted_problems_become_github_annotations(make_kb):
    root = make_kb(PLANTED)
    result = run_cli("check", "--kb", root, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.startswith("::error file=runbooks/vpn/split-tunnel.md,line=5,") for line in lines
    )
    assert any(
        line.startswith("::error file=content/incidents/2026-03-02-vpn-down.md,line=1,")
        for line in lines
    )
    assert any(
        line.startswith("::warning file=runbooks/vpn/old-client.md,line=7,") for line in lines
    )
    assert "review overdue since 2025-07-09" in result.output
    assert "'Second gateway' was due 2026-05-01" in result.output


def test_exit_code_follows_errors_and_strict_makes_warnings_fail(make_kb):
    warnings_only = {k: v for k, v in PLANTED.items() if "old-client" in k}
    root = make_kb(warnings_only)
    text = run_cli("check", "--kb", root)
    assert text.exit_code == 0
    assert "runbooks/vpn/old-client.md:7: warning [last_reviewed]" in text.output
    assert run_cli("check", "--kb", root, "--strict").exit_code == 1
    clean = make_kb(name="clean")
    result = run_cli("check", "--kb", clean, "--strict")
    assert result.exit_code == 0 and "no problems" in result.output


def test_duplicate_ids_and_dangling_references_are_errors(make_kb):
    root = make_kb(
        {
            "content/systems/vpn2.md": "---\nid: vpn\ntitle: Other VPN\n---\n",
            "content/systems/mail.md": """\
            ---
            title: Mail
            depends_on: [vpn, dns]
            ---
            """,
            "runbooks/vpn/reset.md": RUNBOOK,
            "runbooks/vpn/reset/index.md": RUNBOOK,
            "content/runbooks/vpn/reset-token.md": "---\ntitle: Shadow copy\n---\n",
            "content/incidents/2026-05-01-x.md": """\
            ---
            date: 2026-05-01
            severity: SEV4
            systems: [vpn]
            status: open
            runbooks: [runbooks/vpn/gone.md]
            ---
            """,
        }
    )
    problems = json.loads(run_cli("check", "--kb", root, "--format", "json").output)
    errors = {(p["path"], p["line"], p["code"]) for p in problems if p["level"] == "error"}
    assert errors == {
        ("content/systems/vpn2.md", 2, "duplicate-id"),
        ("content/systems/mail.md", 3, "dangling-reference"),
        ("runbooks/vpn/reset/index.md", 0, "duplicate-id"),
        ("runbooks/vpn/reset.md", 0, "duplicate-id"),
        ("runbooks/vpn/reset-token.md", 0, "duplicate-id"),
        ("content/runbooks/vpn/reset-token.md", 0, "duplicate-id"),
        ("content/incidents/2026-05-01-x.md", 6, "dangling-reference"),
    }
    url_clash = next(p for p in problems if p["path"] == "runbooks/vpn/reset/index.md")
    assert "runbooks/vpn/reset.md" in url_clash["message"]


def test_gaps_for_l1_and_tags_outside_the_allow_list_are_warnings(make_kb):
    config = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      tags: [network, account]\n")
    root = make_kb(
        {
            "content/systems/printers.md": "---\ntitle: Printers\n---\n",
            "runbooks/vpn/no-escalation.md": """\
                ---
                tier: L2
                systems: [vpn]
                tags: [network, wifi]
                ---
                """,
            "runbooks/vpn/vendor.md": "---\ntier: L4\nsystems: [vpn]\n---\n",
            "runbooks/vpn/draft.md": "---\ntier: L1\nsystems: [vpn]\nstatus: draft\n"
            "tags: [anything]\n---\n",
            "content/incidents/2026-05-02-y.md": """\
                ---
                date: 2026-05-02
                severity: SEV3
                systems: [vpn]
                status: monitoring
                ---
                """,
        },
        config=config,
    )
    result = run_cli("check", "--kb", root, "--format", "json")
    assert result.exit_code == 0
    found = {(p["path"], p["line"], p["code"]) for p in json.loads(result.output)}
    assert found == {
        ("content/systems/printers.md", 1, "no-l1-runbook"),
        ("runbooks/vpn/no-escalation.md", 2, "no-escalation"),
        ("runbooks/vpn/no-escalation.md", 4, "unknown-tag"),
        ("content/incidents/2026-05-02-y.md", 5, "l1-gap"),
    }
    text = run_cli("check", "--kb", root).output
    assert "tag 'wifi' is not in the allowed list" in text
    assert "add one with `opskb new runbook --tier L1 --system printers`" in text


def test_an_alert_claimed_by_two_runbooks_is_a_warning(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/a.md": "---\ntier: L2\nsystems: [vpn]\nescalate_when: [x]\n"
            "alerts: [VpnDown]\n---\n",
            "runbooks/vpn/b.md": "---\ntier: L2\nsystems: [vpn]\nescalate_when: [x]\n"
            "alerts: [VpnDown]\n---\n",
        }
    )
    problems = json.loads(run_cli("check", "--kb", root, "--format", "json").output)
    assert [(p["path"], p["line"], p["code"]) for p in problems] == [
        ("runbooks/vpn/b.md", 5, "duplicate-alert")
    ]
    assert "already handled by runbooks/vpn/a.md" in problems[0]["message"]


def test_pre_commit_hook_runs_opskb_check():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "opskb-check")
    assert hook["entry"] == "opskb check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert Path(REPO / "pyproject.toml").read_text().count('opskb = "opskb.cli:main"') == 1
