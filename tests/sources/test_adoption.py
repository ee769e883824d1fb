"""Adopting a repository written for another tool: the adoption map of ``_defaults.yml``,
problems that scale with the folder rather than its files, and ``opskb adopt``."""

from __future__ import annotations

import json

from tests.conftest import RUNBOOK_RESET, page, run_cli

# A runbook repository in the style of one runbook per alert, a last-review key of its own.
HUGO_STYLE = {
    "runbooks/vpn/_defaults.yml": """\
    tier: L2
    systems: [vpn]
    owner: Network Team
    adopt:
      aliases: {last_reviewed_on: last_reviewed, review_in: review_every}
      derive:
        alerts: {from: file_name}
    """,
    "runbooks/vpn/TunnelFlapping.md": """\
    ---
    title: Tunnel Flapping
    last_reviewed_on: 2026-03-01
    review_in: 6 months
    ---
    # TunnelFlapping

    ## Meaning

    The tunnel goes up and down.
    """,
}

# Postmortems named by date, with their own time keys and no severity.
POSTMORTEMS = {
    "content/incidents/_defaults.yml": """\
    systems: [vpn]
    status: resolved
    severity: SEV3
    root_cause: see the write-up
    adopt:
      aliases: {began: detected_at}
      derive:
        date: {from: file_date}
    """,
    "content/incidents/2025-11-02-gateway-restart.md": """\
    ---
    title: Gateway restarted during the day
    began: 2025-11-02T09:30:00Z
    workaround: Reconnect.
    ---
    The gateway restarted.
    """,
    "content/incidents/2024-02-10-cert-expiry.md": """\
    ---
    title: Certificate expired
    workaround: Reconnect.
    ---
    The certificate expired.
    """,
}


def check_json(root, *extra):
    result = run_cli("check", "--kb", root, "--format", "json", *extra)
    return result, json.loads(result.output or "[]")


def test_aliases_and_derived_values_reach_the_page_and_the_catalogue(make_kb, build):
    root = make_kb({**HUGO_STYLE, **POSTMORTEMS})
    result, problems = check_json(root)
    assert result.exit_code == 0, problems
    site = build(root, strict=False)
    published = json.loads((site / "api/catalog.json").read_text())["documents"]
    catalog = {d["source"]: d for d in published}
    runbook = catalog["runbooks/vpn/TunnelFlapping.md"]
    assert runbook["last_reviewed"] == "2026-03-01"
    assert runbook["review_due"] == "2026-08-30"  # six months later
    assert runbook["runbook"]["alerts"] == ["TunnelFlapping"]
    assert "2026-03-01" in page(site, "runbooks/vpn/TunnelFlapping/")
    dated = catalog["content/incidents/2025-11-02-gateway-restart.md"]["incident"]
    assert (dated["date"], dated["severity"]) == ("2025-11-02", "SEV3")
    assert dated["detected_at"] == "2025-11-02T09:30:00+00:00"
    other = catalog["content/incidents/2024-02-10-cert-expiry.md"]["incident"]
    assert other["date"] == "2024-02-10"


def test_a_document_s_own_key_wins_over_its_alias_and_derived_value(make_kb):
    files = dict(HUGO_STYLE)
    files["runbooks/vpn/TunnelFlapping.md"] = """\
    ---
    last_reviewed: 2026-05-01
    last_reviewed_on: 2020-01-01
    alerts: [VpnTunnelDown]
    ---
    Steps.
    """
    root = make_kb(files)
    exported = json.loads(run_cli("export", "--kb", root).output)["documents"]
    entry = next(d for d in exported if d["source"].endswith("TunnelFlapping.md"))
    assert entry["last_reviewed"] == "2026-05-01"
    assert entry["runbook"]["alerts"] == ["VpnTunnelDown"]


def test_a_bad_value_in_a_defaults_file_is_one_problem_at_that_file(make_kb):
    files = {
        "runbooks/vpn/_defaults.yml": "systems: [vpn]\nowner: Network Team\ntier: L9\n",
        **{f"runbooks/vpn/alert-{n}.md": f"# Alert {n}\n\nSteps.\n" for n in range(5)},
    }
    root = make_kb(files)
    result, problems = check_json(root)
    assert result.exit_code == 1
    tier = [p for p in problems if p["key"] == "tier"]
    assert [(p["path"], p["line"]) for p in tier] == [("runbooks/vpn/_defaults.yml", 3)]
    assert "L9" in tier[0]["message"] and "L1" in tier[0]["message"]


def test_a_dangling_reference_in_a_defaults_file_is_one_problem_there(make_kb):
    files = {
        "runbooks/vpn/_defaults.yml": "tier: L2\nsystems: [vnp]\nrelated: [nowhere.md]\n",
        **{f"runbooks/vpn/alert-{n}.md": f"# Alert {n}\n\nSteps.\n" for n in range(4)},
        "runbooks/vpn/own.md": "---\nsystems: [vpn]\n---\n# Own\n\nSteps.\n",
    }
    _, problems = check_json(make_kb(files))
    found = sorted((p["path"], p["line"], p["code"]) for p in problems if p["level"] == "error")
    assert found == [
        ("runbooks/vpn/_defaults.yml", 2, "unknown-system"),
        ("runbooks/vpn/_defaults.yml", 3, "dangling-reference"),
    ]


def test_a_missing_required_key_says_it_can_go_in_the_defaults_file(make_kb):
    files = {
        "runbooks/vpn/_defaults.yml": "systems: [vpn]\n",
        "runbooks/vpn/alert.md": "# Alert\n\nSteps.\n",
        "runbooks/db/slow.md": "---\ntier: L2\n---\n# Slow\n",
    }
    root = make_kb(files)
    text = run_cli("check", "--kb", root).output
    assert "add 'tier:' to the front matter or to runbooks/vpn/_defaults.yml" in text
    assert "to the front matter or to runbooks/db/_defaults.yml" in text  # systems, not there yet


def test_a_wrong_adoption_map_is_one_problem_at_its_line_with_the_fix(make_kb):
    files = {
        "runbooks/vpn/_defaults.yml": """\
        tier: L2
        systems: [vpn]
        adopt:
          aliases: {last_reviewed_on: [last_reviewed]}
          derive:
            alerts: {from: filename}
          silence: [escalate_when]
        """,
        **{f"runbooks/vpn/alert-{n}.md": "# Alert\n\nSteps.\n" for n in range(3)},
    }
    root = make_kb(files)
    result, problems = check_json(root)
    assert result.exit_code == 1
    adopt = sorted((p["line"], p["key"]) for p in problems if p["key"].startswith("adopt"))
    assert adopt == [
        (4, "adopt.aliases.last_reviewed_on"),
        (6, "adopt.derive.alerts"),
        (7, "adopt.silence"),
    ]
    text = run_cli("check", "--kb", root).output
    assert "from: file_name, file_date, folder_name, key" in text
    assert "allowed: aliases, derive, quiet" in text


def test_quiet_silences_a_folder_s_warnings_and_nothing_else(make_kb):
    files = {
        "runbooks/vpn/legacy/_defaults.yml": "adopt:\n  quiet: [escalate_when]\n",
        "runbooks/vpn/legacy/old.md": "---\ntier: L2\nsystems: [vpn]\n---\n# Old\n",
        "runbooks/vpn/new.md": "---\ntier: L2\nsystems: [vpn]\n---\n# New\n",
        "runbooks/vpn/legacy/bad.md": "---\ntier: L2\nsystems: [nope]\n---\n# Bad\n",
    }
    root = make_kb(files)
    _, problems = check_json(root)
    codes = {(p["path"], p["code"]) for p in problems}
    assert ("runbooks/vpn/new.md", "no-escalation") in codes
    assert ("runbooks/vpn/legacy/old.md", "no-escalation") not in codes
    assert ("runbooks/vpn/legacy/bad.md", "unknown-system") in codes  # an error stays


def _unescalated(count: int) -> dict[str, str]:
    runbook = "---\ntier: L2\nsystems: [vpn]\n---\n# Alert {n}\n\nSteps.\n"
    return {f"runbooks/vpn/alerts/alert-{n}.md": runbook.format(n=n) for n in range(count)}


def test_check_folds_a_problem_shared_by_many_files_of_a_folder(make_kb):
    root = make_kb(_unescalated(7))
    text = run_cli("check", "--kb", root).output
    assert text.count("runbook has no 'escalate_when'") == 1
    assert "runbooks/vpn/alerts/ (7 files: alert-0.md, alert-1.md, alert-2.md, ...)" in text
    assert "0 errors, 7 warnings in 7 files" in text
    every = run_cli("check", "--kb", root, "--all").output
    assert every.count("runbook has no 'escalate_when'") == 7
    _, problems = check_json(root)
    assert sum(p["code"] == "no-escalation" for p in problems) == 7
    github = run_cli("check", "--kb", root, "--format", "github").output
    assert github.count("runbook has no 'escalate_when'") == 7


def test_a_few_files_sharing_a_problem_are_each_named(make_kb):
    text = run_cli("check", "--kb", make_kb(_unescalated(3))).output
    assert text.count("runbook has no 'escalate_when'") == 3


def test_a_broken_link_is_reported_once_by_a_build(make_kb):
    root = make_kb(
        {"runbooks/vpn/reset-token.md": RUNBOOK_RESET + "\nSee [the guide](missing-guide.md).\n"}
    )
    result = run_cli("build", "--kb", root, "-q")
    assert result.exit_code == 0, result.output
    assert result.output.count("missing-guide.md") == 1, result.output


def _commit(root, author: str, when: str) -> None:
    import subprocess

    env = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "author@example.com",
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": __import__("os").environ["PATH"],
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "change"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_a_git_checkout_shows_each_document_s_last_change(make_kb, build):
    root = make_kb({"runbooks/vpn/unowned.md": "---\ntier: L2\nsystems: [vpn]\n---\n# Unowned\n"})
    (root / ".gitignore").write_text("site/\n.opskb-cache/\n")
    _commit(root, "Ada Lovelace", "2025-03-04T10:00:00+00:00")
    site = build(root, strict=False)
    reset = page(site, "runbooks/vpn/reset-token/")
    assert "<strong>Last changed:</strong> 2025-03-04 by Ada Lovelace" in reset
    assert "2025-03-04 · Ada Lovelace" in page(site, "review/")
    (root / "runbooks/vpn/unowned.md").write_text("---\ntier: L2\nsystems: [vpn]\n---\n# Now\n")
    _commit(root, "Grace Hopper", "2026-02-01T09:00:00+00:00")
    site = build(root, strict=False)
    documents = json.loads((site / "api/catalog.json").read_text())["documents"]
    changed = {d["source"]: d["last_changed"] for d in documents}
    assert changed["runbooks/vpn/unowned.md"] == {"date": "2026-02-01", "author": "Grace Hopper"}
    assert changed["runbooks/vpn/reset-token.md"] == {
        "date": "2025-03-04",
        "author": "Ada Lovelace",
    }
    assert "2026-02-01 by Grace Hopper" in page(site, "runbooks/vpn/unowned/")


def test_outside_a_git_checkout_no_change_is_shown_and_nothing_fails(make_kb, build):
    site = build(make_kb())
    assert "Last changed" not in page(site, "runbooks/vpn/reset-token/")
    documents = json.loads((site / "api/catalog.json").read_text())["documents"]
    assert {d["last_changed"] for d in documents} == {None}


def test_opskb_adopt_writes_the_system_page_and_defaults_and_sums_up(make_kb):
    root = make_kb(
        {
            "runbooks/k8s/NodeNotReady.md": """\
            ---
            title: Node not ready
            last_reviewed_on: 2026-04-01
            ---
            # NodeNotReady

            Steps.
            """,
            "runbooks/k8s/DiskAlmostFull.md": "# DiskAlmostFull\n\nSteps.\n",
            "runbooks/k8s/broken.md": "---\nrelated: {a: 1}\n---\n# Broken\n",
        }
    )
    result = run_cli("adopt", root / "runbooks/k8s", "--system", "k8s", "--tier", "L2")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "wrote content/systems/k8s.md" in out
    assert "wrote runbooks/k8s/_defaults.yml" in out
    assert "found: 2 alert-named files: alerts from the file name" in out
    assert "found: 1 file writes 'last_reviewed_on' for 'last_reviewed'" in out
    assert "1 error" in out and "invalid [related]" in out and "no-escalation" in out
    assert "runbooks/k8s/broken.md" in out
    _, problems = check_json(root)
    assert not [p for p in problems if p["code"] == "missing"]  # tier and systems are set
    unescalated = {p["path"] for p in problems if p["code"] == "no-escalation"}
    names = ("NodeNotReady", "DiskAlmostFull", "broken")
    assert unescalated == {f"runbooks/k8s/{n}.md" for n in names}


def test_opskb_adopt_never_overwrites(make_kb):
    root = make_kb({"runbooks/vpn/_defaults.yml": "owner: Network Team\n"})
    before = {
        p: (root / p).read_text() for p in ("runbooks/vpn/_defaults.yml", "content/systems/vpn.md")
    }
    result = run_cli("adopt", root / "runbooks/vpn", "--system", "vpn", "--tier", "L1")
    assert result.exit_code == 0, result.output
    assert "kept runbooks/vpn/_defaults.yml (it exists; not changed)" in result.output
    assert "kept content/systems/vpn.md" in result.output
    assert {p: (root / p).read_text() for p in before} == before


def test_opskb_adopt_dates_postmortems_from_their_file_names(make_kb):
    root = make_kb(
        {
            "content/incidents/2025-01-05-db-failover.md": "# DB failover\n\nIt failed over.\n",
            "content/incidents/2025-03-09-dns.md": "# DNS\n\nNames did not resolve.\n",
        }
    )
    result = run_cli("adopt", root / "content/incidents", "--system", "vpn", "--tier", "L3")
    assert result.exit_code == 0, result.output
    assert "found: 2 dated file names: date from the file name" in result.output
    _, problems = check_json(root)
    assert not [p for p in problems if p["level"] == "error"], problems
    exported = json.loads(run_cli("export", "--kb", root).output)["documents"]
    dates = {d["source"]: d["incident"]["date"] for d in exported if d["kind"] == "incident"}
    assert dates == {
        "content/incidents/2025-01-05-db-failover.md": "2025-01-05",
        "content/incidents/2025-03-09-dns.md": "2025-03-09",
    }


def test_opskb_adopt_refuses_a_folder_outside_the_sources(make_kb, tmp_path):
    root = make_kb()
    (root / "elsewhere").mkdir()
    result = run_cli("adopt", root / "elsewhere", "--kb", root, "--system", "x", "--tier", "L1")
    assert result.exit_code == 1
    assert "is not a folder inside the knowledge base's runbooks/ or content/" in result.output
    assert not (root / "elsewhere/_defaults.yml").exists()


# A team whose runbooks are plain-text notes written in Markdown.
TEXT_NOTES = {
    "runbooks/vpn/notes/_defaults.yml": """\
    tier: L1
    systems: [vpn]
    adopt: {extensions: [.txt]}
    """,
    "runbooks/vpn/notes/token-rejected.txt": """\
    ---
    symptoms: [token rejected at login]
    escalate_when: [a new token is rejected too]
    ---
    # Token rejected at VPN login

    1. Ask the caller to resync the token.
    """,
    "runbooks/vpn/readme.txt": "Not below the adopted folder: a file to download.\n",
}


def test_a_listed_extension_makes_a_file_a_document_and_a_page(make_kb, build):
    site = build(make_kb(TEXT_NOTES))
    html = page(site, "runbooks/vpn/notes/token-rejected/")
    assert "Token rejected at VPN login" in html
    published = json.loads((site / "api/catalog.json").read_text())["documents"]
    entry = next(d for d in published if d["source"] == "runbooks/vpn/notes/token-rejected.txt")
    assert entry["url"] == "runbooks/vpn/notes/token-rejected/"
    assert entry["tier"] == "L1"
    assert "Token rejected at VPN login" in page(site, "playbooks/l1/")
    assert (site / "runbooks/vpn/readme.txt").is_file()  # outside the folder: copied as is
    assert (site / "runbooks/vpn/notes/token-rejected.txt").exists() is False
    found = run_cli("search", "token rejected", "--kb", site.parent).output
    assert "Token rejected at VPN login" in found


def test_a_page_of_a_listed_extension_and_a_file_on_its_url_are_one_error(make_kb):
    files = {**TEXT_NOTES, "runbooks/vpn/notes/token-rejected": "an old copy\n"}
    result = run_cli("check", "--kb", make_kb(files))
    assert result.exit_code == 1
    assert (
        "runbooks/vpn/notes/token-rejected: error: the site would copy this file where "
        "the page of runbooks/vpn/notes/token-rejected.txt is"
    ) in result.output


def test_a_bad_extension_is_one_problem_at_the_defaults_file_with_the_fix(make_kb):
    files = {
        **TEXT_NOTES,
        "runbooks/vpn/notes/_defaults.yml": """\
        tier: L1
        systems: [vpn]
        adopt:
          extensions:
            - .txt
            - .png
            - md
            - .markdown
        """,
        "runbooks/vpn/notes/diagram.png": b"\x89PNG\r\n\x1a\n",
    }
    root = make_kb(files)
    result, problems = check_json(root)
    assert result.exit_code == 1
    adopt = sorted((p["path"], p["line"]) for p in problems if p["key"].startswith("adopt"))
    assert adopt == [("runbooks/vpn/notes/_defaults.yml", line) for line in (6, 7, 8)]
    text = run_cli("check", "--kb", root).output
    assert "lists '.png': those files are not Markdown text" in text
    assert "fix: remove .png" in text
    assert "lists 'md': a suffix starts with '.'" in text
    assert "lists '.markdown', which opskb reads as Markdown already" in text
    assert not [p for p in problems if p["path"].endswith("diagram.png")]  # still a file
    assert not [p for p in problems if p["path"].endswith(".txt")]  # .txt is still read


def test_opskb_adopt_suggests_extensions_for_plain_text_notes(make_kb):
    root = make_kb(
        {
            "runbooks/k8s/NodeNotReady.md": "# NodeNotReady\n\nSteps.\n",
            "runbooks/k8s/drain-a-node.txt": "# Drain a node\n\nSteps.\n",
            "runbooks/k8s/cordon.txt": "# Cordon\n\nSteps.\n",
        }
    )
    result = run_cli("adopt", root / "runbooks/k8s", "--system", "k8s", "--tier", "L2")
    assert result.exit_code == 0, result.output
    assert (
        "not read: 2 files ending '.txt'; if they are Markdown, add to "
        "runbooks/k8s/_defaults.yml: adopt: {extensions: [.txt]}"
    ) in result.output
