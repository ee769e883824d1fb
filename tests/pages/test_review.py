"""The review page: what is overdue, a draft or without an owner, most overdue first."""

from __future__ import annotations

import datetime as dt

from opskb.pages.review import ReviewSummary, review_items, review_page, review_summary
from opskb.pipeline import load_kb

OLD = """\
---
title: Rotate the VPN certificate
tier: L2
systems: [vpn]
owner: NetOps
escalate_when: ["the new certificate is refused"]
last_reviewed: 2024-01-01
---
Rotate it.
"""


HOME = "---\ntitle: Home\nowner: Service Desk\nlast_reviewed: 2026-05-01\n---\nWelcome.\n"


def catalog_of(make_kb, files):
    files = {"content/index.md": HOME, **files}
    return load_kb(make_kb(files), on_date=dt.date(2026, 6, 1)).catalog


def test_only_documents_needing_attention_are_review_items(make_kb):
    catalog = catalog_of(make_kb, {"runbooks/vpn/rotate.md": OLD})
    items = review_items(catalog)
    assert [i.doc.path for i in items] == ["runbooks/vpn/rotate.md"]
    [item] = items
    assert item.overdue and not item.draft and not item.no_owner
    assert item.days_overdue == (dt.date(2026, 6, 1) - item.due).days > 0


def test_the_summary_counts_overdue_drafts_and_ownerless_documents(make_kb):
    draft = OLD.replace("last_reviewed: 2024-01-01", "status: draft").replace("owner: NetOps\n", "")
    catalog = catalog_of(make_kb, {"runbooks/vpn/rotate.md": OLD, "runbooks/vpn/d.md": draft})
    assert review_summary(review_items(catalog)) == ReviewSummary(overdue=1, no_owner=1, drafts=1)


def test_the_review_page_names_the_owner_and_the_overdue_document(make_kb):
    page = review_page(catalog_of(make_kb, {"runbooks/vpn/rotate.md": OLD}))
    assert (page.src_uri, page.title) == ("review/index.md", "Review")
    assert "NetOps" in page.markdown
    assert "Rotate the VPN certificate" in page.markdown
    assert "Reset VPN token" not in page.markdown  # reviewed this year: nothing to do
