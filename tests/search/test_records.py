"""Search records: what a runbook or incident says, as both indexes read it; kept by build."""

from __future__ import annotations

from pathlib import Path

from opskb.pipeline import load_kb
from opskb.search.records import (
    RecordStore,
    SearchRecord,
    plain_text,
    search_record,
    search_records,
    spelled_out,
)

RUNBOOK = """\
---
title: Reset VPN token
tier: L1
systems: [vpn]
owner: Service Desk
tags: [token, mfa]
symptoms: ["token code invalid", "login loops"]
last_reviewed: 2026-01-01
---
## Steps

1. Open the **admin console** at [the portal](https://portal.example.com).
2. Run the resync:

```bash
vpnctl resync --user alice
```

<span class="x">Then</span> tell the caller. {: .note }
"""

INCIDENT = """\
---
title: VPN drops
date: 2026-11-03
severity: SEV3
systems: [vpn]
status: monitoring
detected_at: 2026-11-03T10:20:00+01:00
owner: NetOps
root_cause: a client bug
root_cause_category: software-bug
---
## Summary

Tunnels dropped hourly.
"""


def _docs(make_kb, **files: str) -> dict:
    root = make_kb({"runbooks/vpn/reset-token.md": RUNBOOK, **files})
    return {doc.path: doc for doc in load_kb(root).catalog.published}


def test_a_runbooks_record_holds_what_it_says(make_kb) -> None:
    doc = _docs(make_kb)["runbooks/vpn/reset-token.md"]
    record = search_record(doc)
    assert (record.path, record.title, record.kind, record.tier) == (
        "runbooks/vpn/reset-token.md",
        "Reset VPN token",
        "runbook",
        "L1",
    )
    assert record.url == doc.url
    assert record.systems == ("vpn",)
    assert record.tags == ("token", "mfa")
    assert record.symptoms == ("token code invalid", "login loops")
    assert (record.date, record.status, record.started) == ("", "", "")
    assert "admin console at the portal" in record.body
    assert "vpnctl resync --user alice" in record.body
    for markup in ("**", "](", "```", "<span", "{:", "## "):
        assert markup not in record.body


def test_an_incidents_record_holds_its_date_status_and_start_in_utc(make_kb) -> None:
    docs = _docs(make_kb, **{"content/incidents/2026-11-03-vpn.md": INCIDENT})
    record = search_record(docs["content/incidents/2026-11-03-vpn.md"])
    assert record.kind == "incident"
    assert (record.date, record.status, record.started) == (
        "2026-11-03",
        "monitoring",
        "2026-11-03 09:20 UTC",
    )
    assert record.body == "Summary Tunnels dropped hourly."


def test_a_systems_page_is_found_under_its_own_system(make_kb) -> None:
    record = search_record(_docs(make_kb)["content/systems/vpn.md"])
    assert record.systems == ("vpn",)


def test_plain_text_keeps_the_words_in_order_without_markup() -> None:
    markdown = "# Title\n\n> quoted *word*\n\n- item `code`\n| a | b |\n\n!!! note\n"
    assert plain_text(markdown) == "Title quoted word item code a b note"


def test_plain_text_stays_fast_on_a_hostile_body() -> None:
    assert plain_text("\n" * 40_000 + "{" * 40_000) == "{" * 20_000


def test_spelled_out_parts_the_words_of_an_alerts_name() -> None:
    assert spelled_out("etcdNoLeader") == "etcd No Leader"
    assert spelled_out("KubePodCrashLooping") == "Kube Pod Crash Looping"
    assert spelled_out("HTTPServerDown") == "HTTP Server Down"
    assert spelled_out("Reset VPN token") == ""


def test_the_digest_changes_with_any_field() -> None:
    base = SearchRecord("a.md", "a/", "A", "runbook", "L1", ("vpn",), (), (), "body")
    same = SearchRecord("a.md", "a/", "A", "runbook", "L1", ("vpn",), (), (), "body")
    other = SearchRecord("a.md", "a/", "A", "runbook", "L2", ("vpn",), (), (), "body")
    assert base.digest == same.digest
    assert base.digest != other.digest


def test_a_record_stored_by_one_build_is_read_back_by_the_next(make_kb, tmp_path: Path) -> None:
    docs = list(_docs(make_kb).values())
    cache = tmp_path / "cache"
    first = RecordStore(cache)
    made = search_records(docs, first)
    assert made == [search_record(doc) for doc in docs]
    first.save()

    second = RecordStore(cache)
    for doc, record in zip(docs, made, strict=True):
        kept = second.record(doc)
        assert kept == record
        assert kept.digest == record.digest
    assert search_records(docs, second) == made


def test_a_changed_document_is_not_answered_from_the_store(make_kb, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = RecordStore(cache)
    search_records(list(_docs(make_kb).values()), store)
    store.save()

    changed = RUNBOOK.replace("Reset VPN token", "Reset the VPN token")
    root = make_kb({"runbooks/vpn/reset-token.md": changed}, name="kb2")
    doc = next(d for d in load_kb(root).catalog.published if d.path.endswith("reset-token.md"))
    again = RecordStore(cache)
    assert again.record(doc) is None
    [record] = search_records([doc], again)
    assert record.title == "Reset the VPN token"
