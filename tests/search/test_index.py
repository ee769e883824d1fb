"""The Whoosh index: kept current file by file, asked with filters, typos and live incidents."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.pipeline import load_kb
from opskb.search import IndexUpdate, SearchIndex

from tests.conftest import MKDOCS_YML

RESYNC = """\
---
title: Resync a hardware token
tier: L2
systems: [vpn]
owner: NetOps
symptoms: ["token drifted"]
last_reviewed: 2026-01-01
---
Resync the hardware token from the admin portal.
"""
PRINTER = """\
---
title: Clear a printer jam
tier: L1
systems: [printers]
owner: Service Desk
last_reviewed: 2026-01-01
---
Open tray two and pull the paper out.
"""
PRINTERS = "---\ntitle: Printers\nowner: Desk\nlast_reviewed: 2026-01-01\n---\nPrinters.\n"
DRAFT = PRINTER.replace("Clear a printer jam", "Secret draft").replace(
    "last_reviewed", "status: draft\nlast_reviewed"
)
LIVE = """\
---
title: Token outage
date: 2026-05-30
severity: SEV2
systems: [vpn]
status: open
owner: NetOps
---
Token logins fail.
"""


@pytest.fixture
def kb(make_kb) -> Path:
    return make_kb(
        {
            "runbooks/vpn/resync.md": RESYNC,
            "runbooks/printers/jam.md": PRINTER,
            "runbooks/printers/draft.md": DRAFT,
            "content/systems/printers.md": PRINTERS,
        },
        config=MKDOCS_YML + "site_url: https://kb.example.com/ops/\n",
    )


@pytest.fixture
def index(kb: Path) -> SearchIndex:
    found = SearchIndex.open(kb)
    found.update(load_kb(kb).catalog)
    return found


def _paths(results) -> list[str]:
    return [hit.path for hit in results.hits]


def test_the_first_update_indexes_every_published_document(kb: Path) -> None:
    index = SearchIndex.open(kb)
    update = index.update(load_kb(kb).catalog)
    assert update.rebuilt and update.indexed == 6 and update.removed == 0
    assert index.update(load_kb(kb).catalog) == IndexUpdate()  # nothing changed
    assert index.site_url == "https://kb.example.com/ops/"


def test_a_search_finds_the_runbook_that_says_it_and_never_a_draft(index: SearchIndex) -> None:
    results = index.search("printer jam")
    assert _paths(results)[0] == "runbooks/printers/jam.md"
    assert not results.some_words and not results.corrections
    assert "runbooks/printers/draft.md" not in _paths(index.search("secret draft"))


def test_filters_narrow_the_hits_by_tier_system_and_kind(index: SearchIndex) -> None:
    assert {h.tier for h in index.search("token", tier=["L2"]).hits} == {"L2"}
    assert all("vpn" in h.systems for h in index.search("token", system=["vpn"]).hits)
    assert _paths(index.search("token", system=["printers"])) == []
    assert {h.kind for h in index.search("printers", kind=["system"]).hits} == {"system"}


def test_a_misspelt_word_is_corrected_and_searched(index: SearchIndex) -> None:
    results = index.search("hadware")  # one letter dropped
    assert results.corrections == {"hadware": "hardware"}
    assert results.corrected and results.did_you_mean == "hardware"
    assert _paths(results) == ["runbooks/vpn/resync.md"]
    assert "hardware" in index.suggest("hadware")


def test_when_no_page_has_every_word_pages_with_some_are_listed(index: SearchIndex) -> None:
    results = index.search("paper zebra", limit=3)
    assert results.some_words
    assert _paths(results) == ["runbooks/printers/jam.md"]


def test_a_live_incident_of_the_querys_system_is_listed_before_the_hits(make_kb) -> None:
    root = make_kb({"runbooks/vpn/resync.md": RESYNC, "content/incidents/outage.md": LIVE})
    index = SearchIndex.open(root)
    index.update(load_kb(root).catalog)
    results = index.search("vpn token")
    assert [h.path for h in results.live] == ["content/incidents/outage.md"]
    assert results.live[0].status == "open" and results.live[0].live
    assert "content/incidents/outage.md" not in _paths(results)
    assert results.names["vpn"] == "VPN"


def test_a_refresh_loads_only_the_files_that_changed_or_went(kb: Path, index: SearchIndex) -> None:
    assert index.refresh() == IndexUpdate()
    resync = kb / "runbooks/vpn/resync.md"
    resync.write_text(RESYNC.replace("admin portal", "zanzibar console"), encoding="utf-8")
    (kb / "runbooks/printers/jam.md").unlink()
    assert index.refresh() == IndexUpdate(indexed=1, removed=1)
    assert _paths(index.search("zanzibar")) == ["runbooks/vpn/resync.md"]
    assert "runbooks/printers/jam.md" not in _paths(index.search("printer jam"))


def test_a_changed_config_reloads_the_whole_knowledge_base(kb: Path, index: SearchIndex) -> None:
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    update = index.refresh()
    assert update.indexed == 0 and not update.rebuilt  # reloaded, nothing to rewrite
    assert index.refresh() == IndexUpdate()


def test_a_search_before_any_update_builds_the_index_first(kb: Path) -> None:
    assert _paths(SearchIndex.open(kb).search("printer jam"))[0] == "runbooks/printers/jam.md"


def test_similar_documents_leave_out_the_document_itself(index: SearchIndex) -> None:
    similar = [hit.path for hit in index.similar("runbooks/vpn/resync.md", 3)]
    assert "runbooks/vpn/resync.md" not in similar
    assert similar[0] == "runbooks/vpn/reset-token.md"
