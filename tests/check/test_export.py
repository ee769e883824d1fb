"""Exports: `site/api/catalog.json` and the alert → runbook map for Prometheus."""

from __future__ import annotations

import json

import yaml
from opskb.check.export import catalog_data, catalog_json, with_offline
from opskb.pipeline import load_kb

from tests.conftest import run_cli

FILES = {
    "runbooks/vpn/gateway-down.md": """\
        ---
        title: VPN gateway down
        tier: L2
        systems: [vpn]
        owner: NetOps
        tags: [network]
        symptoms: ["nobody can connect"]
        escalate_when: ["failover does not help"]
        alerts: [VpnGatewayDown, VpnTunnelsZero]
        last_reviewed: 2026-05-01
        ---
        Fail over.
        """,
    "runbooks/vpn/unfinished.md": """\
        ---
        title: Unfinished secret draft
        tier: L1
        systems: [vpn]
        status: draft
        alerts: [DraftAlert]
        ---
        Not yet.
        """,
    "content/incidents/2026-04-01-gateway.md": """\
        ---
        title: Gateway crash
        date: 2026-04-01
        severity: SEV1
        systems: [vpn]
        status: resolved
        detected_at: 2026-04-01T08:00:00Z
        resolved_at: 2026-04-01T10:15:00Z
        root_cause: Firmware bug
        root_cause_category: software-bug
        runbooks: [runbooks/vpn/gateway-down.md]
        ---
        Summary.
        """,
}


def test_catalog_json_holds_every_published_document_and_no_drafts(make_kb, build):
    root = make_kb(FILES)
    site = build(root)
    data = json.loads((site / "api/catalog.json").read_text(encoding="utf-8"))
    docs = {d["source"]: d for d in data["documents"]}
    assert sorted(docs) == [
        "content/incidents/2026-04-01-gateway.md",
        "content/index.md",
        "content/systems/vpn.md",
        "runbooks/vpn/gateway-down.md",
        "runbooks/vpn/reset-token.md",
    ]
    assert "Unfinished secret draft" not in json.dumps(data)
    assert "DraftAlert" not in data["alerts"]

    runbook = docs["runbooks/vpn/gateway-down.md"]
    assert runbook["kind"] == "runbook" and runbook["tier"] == "L2"
    assert runbook["url"] == "runbooks/vpn/gateway-down/"
    assert (site / runbook["url"] / "index.html").is_file()
    assert runbook["systems"] == ["vpn"] and runbook["tags"] == ["network"]
    assert runbook["owner"] == "NetOps" and runbook["status"] == "published"
    assert runbook["last_reviewed"] == "2026-05-01"
    assert runbook["runbook"]["symptoms"] == ["nobody can connect"]
    assert runbook["runbook"]["escalate_to"] == "L3"
    assert runbook["runbook"]["escalate_contacts"][0]["team"] == "Network Engineering"
    assert runbook["runbook"]["incidents"] == ["incidents/2026-04-01-gateway/"]

    incident = docs["content/incidents/2026-04-01-gateway.md"]["incident"]
    assert incident["severity"] == "SEV1" and incident["status"] == "resolved"
    assert incident["duration_minutes"] == 135 and incident["root_cause"] == "Firmware bug"
    assert incident["runbooks"] == ["runbooks/vpn/gateway-down/"]

    system = docs["content/systems/vpn.md"]
    assert system["url"] == "systems/vpn/"
    ladder = system["system"]["escalation"]
    assert [s["tier"] for s in ladder] == ["L1", "L2", "L3", "L4"]
    assert ladder[3]["vendor"] == "Lattice" and ladder[0]["response_minutes"] == 15

    assert data["alerts"] == {
        "VpnGatewayDown": "runbooks/vpn/gateway-down/",
        "VpnTunnelsZero": "runbooks/vpn/gateway-down/",
    }
    # the built catalogue also names the offline copies (made with the site), the export not
    assert set(data.pop("offline")) == {"l1", "l2"}
    exported = json.loads(run_cli("export", "--kb", root).output)
    assert exported == data


def test_catalog_json_is_the_same_for_the_same_sources(make_kb):
    root = make_kb(FILES)
    first = catalog_json(load_kb(root).catalog)
    assert first == catalog_json(load_kb(root).catalog)
    paths = [d["source"] for d in json.loads(first)["documents"]]
    assert paths == sorted(paths)


def test_alert_map_for_prometheus_runbook_urls(make_kb):
    root = make_kb(FILES)
    relative = run_cli("export", "--kb", root, "--alert-map")
    assert relative.exit_code == 0
    assert yaml.safe_load(relative.output) == {
        "VpnGatewayDown": "runbooks/vpn/gateway-down/",
        "VpnTunnelsZero": "runbooks/vpn/gateway-down/",
    }
    absolute = run_cli(
        "export",
        "--kb",
        root,
        "--alert-map",
        "--base-url",
        "https://kb.example.com/ops/",
        "--format",
        "json",
    )
    assert json.loads(absolute.output)["VpnGatewayDown"] == (
        "https://kb.example.com/ops/runbooks/vpn/gateway-down/"
    )


def test_export_refuses_a_knowledge_base_with_errors(make_kb):
    root = make_kb({"runbooks/vpn/bad.md": "---\ntier: L7\nsystems: [vpn]\n---\n"})
    result = run_cli("export", "--kb", root, "--alert-map")
    assert result.exit_code == 1
    assert "runbooks/vpn/bad.md:2" in result.output and "opskb check" in result.output


def test_catalog_json_puts_each_document_on_a_line_of_its_own(make_kb):
    """One line per document: the file diffs and greps well, and encodes fast."""
    catalog = load_kb(make_kb(FILES)).catalog
    text = catalog_json(catalog)
    data = json.loads(text)
    assert data == catalog_data(catalog)
    lines = [line.strip().rstrip(",") for line in text.splitlines() if '"source": ' in line]
    assert [json.loads(line) for line in lines] == data["documents"] and len(lines) > 2


def test_the_offline_copies_added_to_the_catalogue_give_what_one_encoding_gives(make_kb):
    catalog = load_kb(make_kb(FILES)).catalog
    copies = {
        "l1": {"url": "offline/l1.html", "runbooks": 2, "sha256": "ab" * 32},
        "l2": {"url": "offline/l2.html", "runbooks": 1, "sha256": "cd" * 32},
    }
    added = with_offline(catalog_json(catalog), copies)
    assert added == catalog_json(catalog, offline=copies)
    assert json.loads(added)["offline"] == copies
    assert with_offline(catalog_json(catalog), {}) == catalog_json(catalog)
