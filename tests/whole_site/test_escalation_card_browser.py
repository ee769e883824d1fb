"""The escalation card in headless Chromium: above the fold on every L1 runbook of the sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.model import Tier

from tests.browser import inside, serve_folder
from tests.conftest import REPO

VIEWPORT = {"width": 1400, "height": 900}


def _in_view(box: dict | None) -> bool:
    return inside(box, VIEWPORT)


@pytest.fixture(scope="module")
def sample(sample_site: Path):
    """The sample knowledge base built and served on loopback; (base URL, catalog)."""
    from opskb.pipeline import load_kb

    base, server = serve_folder(sample_site)
    yield base, load_kb(REPO).catalog
    server.shutdown()


def test_first_condition_and_next_tier_contact_are_above_the_fold(sample, chromium) -> None:
    base, catalog = sample
    l1 = [d for d in catalog.runbooks if d.tier is Tier.L1]
    assert len(l1) >= 5
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    try:
        for doc in l1:
            page.goto(base + doc.url)
            _target, steps = catalog.escalation_target(doc)
            condition = page.locator("#escalate li").first
            assert condition.inner_text().split() == doc.runbook.escalate_when[0].split(), doc.url
            assert _in_view(condition.bounding_box()), doc.url
            contact = page.locator("#escalate .opskb-contact").first
            assert contact.inner_text().split() == steps[0][1].contact.split(), doc.url
            assert _in_view(contact.bounding_box()), doc.url
    finally:
        context.close()
