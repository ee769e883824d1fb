"""Shelves: the one-pass indexes held equal to plain scans of the published documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.check.shelves import shelve
from opskb.model import Document, Kind, Status, Tier
from opskb.pipeline import load_kb

from bench.synthetic import write_kb as write_synthetic_kb
from tests.conftest import RUNBOOK_RESET, SYSTEM_VPN, copy_sample, write_kb

RETIRED = RUNBOOK_RESET.replace("tier: L1", "tier: L1\nstatus: retired")
TWO_SYSTEMS = RUNBOOK_RESET.replace("systems: [vpn]", "systems: [vpn, mail]")
MAIL = "---\ntitle: Mail\nowner: Messaging\n---\nMail.\n"


def _newest_first(docs: list[Document]) -> list[Document]:
    return sorted(docs, key=lambda d: (d.incident.date, d.path), reverse=True)


def _published(folder: Path, which: str) -> list[Document]:
    if which == "sample":
        root = copy_sample(folder)
    elif which == "synthetic":
        root = write_synthetic_kb(folder, documents=120, seed=9).root
    else:  # what neither has: a retired runbook and one of a system at two tiers
        root = write_kb(
            folder,
            {
                "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
                "content/systems/vpn.md": SYSTEM_VPN,
                "content/systems/mail.md": MAIL,
                "runbooks/vpn/reset-token.md": RUNBOOK_RESET,
                "runbooks/vpn/old.md": RETIRED,
                "runbooks/vpn/both.md": TWO_SYSTEMS.replace("tier: L1", "tier: L2"),
                "runbooks/mail/both.md": TWO_SYSTEMS,
            },
        )
    return load_kb(root).catalog.published


@pytest.mark.parametrize("which", ["sample", "synthetic", "made"])
def test_every_shelf_holds_what_a_scan_of_the_published_documents_finds(tmp_path, which):
    published = _published(tmp_path / "kb", which)
    shelves = shelve(published)
    runbooks = [d for d in published if d.kind is Kind.RUNBOOK and d.status is not Status.RETIRED]
    incidents = _newest_first([d for d in published if d.kind is Kind.INCIDENT])
    systems = {s for d in published for s in d.systems}
    assert runbooks and len(systems) > 1, "a knowledge base worth comparing on"
    assert list(shelves.runbooks) == runbooks
    assert list(shelves.incidents) == incidents
    for kind in Kind:
        assert list(shelves.of_kind.get(kind, ())) == [d for d in published if d.kind is kind]
    for tier in Tier:
        found = list(shelves.runbooks_at.get(tier, ()))
        assert found == [d for d in runbooks if d.tier is tier]
    for system_id in systems:
        named = [d for d in runbooks if system_id in d.systems]
        assert list(shelves.runbooks_of.get(system_id, ())) == named
        for tier in Tier:
            found = list(shelves.runbooks_of_at.get((system_id, tier), ()))
            assert found == [d for d in named if d.tier is tier]
        found = list(shelves.incidents_of.get(system_id, ()))
        assert found == [d for d in incidents if system_id in d.systems]


def test_the_knowledge_bases_compared_on_hold_every_case(tmp_path):
    published = [d for w in ("sample", "synthetic", "made") for d in _published(tmp_path / w, w)]
    assert any(d.kind is Kind.INCIDENT and len(d.systems) > 1 for d in published)
    assert any(d.kind is Kind.RUNBOOK and d.status is Status.RETIRED for d in published)
    assert any(d.kind is Kind.RUNBOOK and len(d.systems) > 1 for d in published)


def test_nothing_published_shelves_nothing():
    shelves = shelve([])
    assert shelves.runbooks == () and shelves.incidents == ()
    assert shelves.runbooks_of_at == {} and shelves.of_kind == {}
