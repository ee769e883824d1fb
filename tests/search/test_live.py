"""Live incidents first: open and monitoring incidents lead the results for their systems."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SYSTEM_VPN, copy_sample, run_cli

# the system under another name than its id, to see it shown by name
SYSTEM = SYSTEM_VPN.replace("title: VPN\n", "title: Remote access VPN\n")

# as written in a double-quoted YAML title, and as read
HOSTILE_YAML = r"<img src=x onerror=alert(1)> \e[31m '\"</script>"
HOSTILE = "<img src=x onerror=alert(1)> \x1b[31m '\"</script>"

INCIDENT = """\
    ---
    title: "{title}"
    date: 2026-11-03
    severity: SEV3
    systems: [vpn]
    status: {status}
    detected_at: 2026-11-03T09:20:00Z
    {resolved}
    ---
    ## Summary

    Users lost the tunnel.
    """


def incident(title: str, status: str) -> str:
    resolved = (
        "root_cause: a bad client\nroot_cause_category: software-bug"
        if status == "resolved"
        else ""
    )
    return INCIDENT.format(title=title, status=status, resolved=resolved.replace("\n", "\n    "))


def live_kb(make_kb) -> Path:
    return make_kb(
        {
            "content/systems/vpn.md": SYSTEM,
            "content/incidents/2026-11-03-drops.md": incident(
                "Hourly tunnel disconnects", "monitoring"
            ),
            "content/incidents/2026-03-01-old.md": incident("Old tunnel outage", "resolved"),
        }
    )


def search_json(root: Path, *words: str) -> list[dict]:
    result = run_cli("search", "--kb", root, "--json", *words)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_live_incident_of_the_querys_system_comes_first_with_status_and_start(make_kb) -> None:
    root = live_kb(make_kb)
    hits = search_json(root, "vpn", "token")
    first = hits[0]
    assert first["path"] == "content/incidents/2026-11-03-drops.md"
    assert first["live"] is True and first["status"] == "monitoring"
    assert first["started"] == "2026-11-03 09:20 UTC"
    assert hits[1]["path"] == "runbooks/vpn/reset-token.md"  # the runbook right after it
    assert [h["path"] for h in hits].count(first["path"]) == 1  # listed once
    # a resolved incident is never listed as live
    assert not any(h.get("live") for h in hits[1:])
    text = run_cli("search", "--kb", root, "vpn", "token").output.splitlines()
    assert text[0].startswith("LIVE MONITORING  Hourly tunnel disconnects")
    assert "since 2026-11-03 09:20 UTC" in text[0] and "Remote access VPN" in text[0]


def test_a_live_incident_is_not_listed_for_other_words_or_other_kinds(make_kb) -> None:
    root = live_kb(make_kb)
    assert not any(h.get("live") for h in search_json(root, "resync"))
    assert not any(h.get("live") for h in search_json(root, "vpn", "--kind", "runbook"))
    # its title's words bring it up too
    assert search_json(root, "disconnects")[0]["live"] is True


def test_a_hostile_live_incident_title_is_inert_in_the_terminal_and_in_json(make_kb) -> None:
    root = make_kb(
        {
            "content/systems/vpn.md": SYSTEM,
            "content/incidents/2026-11-03-x.md": incident(HOSTILE_YAML, "open"),
        }
    )
    text = run_cli("search", "--kb", root, "vpn").output
    assert "\x1b[31m" not in text and "\\x1b[31m" in text
    hits = search_json(root, "vpn")
    assert hits[0]["live"] is True and hits[0]["title"] == HOSTILE


def test_the_site_publishes_system_names_and_live_incidents_as_data(make_kb, build) -> None:
    root = make_kb(
        {
            "content/systems/vpn.md": SYSTEM,
            "content/incidents/2026-11-03-x.md": incident(HOSTILE_YAML, "open"),
        }
    )
    site = build(root, strict=False)
    raw = (site / "pagefind" / "systems.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["names"] == {"vpn": "Remote access VPN"}
    (live,) = data["live"]
    assert live["title"] == HOSTILE  # as written: the page sets it as text, never as HTML
    assert live["status"] == "open" and live["systems"] == ["vpn"]
    assert "vpn" in live["words"] and "remote" in live["words"]
    assert SYSTEM != SYSTEM_VPN and "\x1b" not in raw  # escaped in the JSON


def test_callers_phrasings_find_the_right_runbook_in_the_top_3_in_the_terminal(tmp_path) -> None:
    from bench.caller_phrasings import phrasings, rank, terminal_results

    items = phrasings()
    assert len(items) >= 12
    found = terminal_results(copy_sample(tmp_path / "kb"), items)
    ranks = [rank(paths, item.expected) for (paths, _), item in zip(found, items, strict=True)]
    missed = [i.phrase for i, r in zip(items, ranks, strict=True) if r is None or r > 3]
    assert (len(items) - len(missed)) * 12 >= 11 * len(items), missed
