"""Look-alike documents shown on a page: after the ones its author listed, never itself."""

from __future__ import annotations

from opskb.pages.similar import SimilarDocuments
from opskb.pipeline import load_kb

RUNBOOK = """\
---
title: Runbook {n}
tier: L2
systems: [vpn]
owner: NetOps
escalate_when: ["it fails"]
last_reviewed: 2026-01-01
---
Do {n}.
"""

INCIDENT = """\
---
title: Incident {n}
date: 2026-0{n}-01
severity: SEV3
systems: [vpn]
status: resolved
tier: L3
owner: NetOps
root_cause: "it broke"
root_cause_category: hardware
workaround: "wait"
---
It broke.
"""


def catalog_of(make_kb):
    files = {f"runbooks/vpn/r{n}.md": RUNBOOK.format(n=n) for n in range(1, 9)}
    files |= {f"content/incidents/2026-0{n}-01-i.md": INCIDENT.format(n=n) for n in (1, 2)}
    return load_kb(make_kb(files)).catalog


def test_look_alikes_follow_the_listed_documents_without_repeats_or_itself(make_kb):
    catalog = catalog_of(make_kb)
    doc, listed = catalog.by_path["runbooks/vpn/r1.md"], [catalog.by_path["runbooks/vpn/r2.md"]]
    similar = SimilarDocuments(
        related={doc.path: ["runbooks/vpn/r1.md", "runbooks/vpn/r2.md", "runbooks/vpn/r3.md"]}
    )
    shown = similar.related_to(doc, catalog, listed)
    assert [d.path for d in shown] == ["runbooks/vpn/r2.md", "runbooks/vpn/r3.md"]


def test_at_most_five_look_alikes_are_added(make_kb):
    catalog = catalog_of(make_kb)
    doc = catalog.by_path["runbooks/vpn/r1.md"]
    others = [f"runbooks/vpn/r{n}.md" for n in range(2, 9)]
    shown = SimilarDocuments(related={doc.path: others}).related_to(doc, catalog, [])
    assert [d.path for d in shown] == others[:5]


def test_an_incident_shows_other_incidents_as_past_incidents_not_as_related(make_kb):
    catalog = catalog_of(make_kb)
    new, old = "content/incidents/2026-02-01-i.md", "content/incidents/2026-01-01-i.md"
    similar = SimilarDocuments(related={new: [old]}, past_incidents={new: [old, new]})
    doc = catalog.by_path[new]
    assert similar.related_to(doc, catalog, []) == []
    assert [d.path for d in similar.past_incidents_of(doc, catalog)] == [old]
    assert similar.past_incidents_of(catalog.by_path["runbooks/vpn/r1.md"], catalog) == []
