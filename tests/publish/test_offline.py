"""Offline copies: one self-contained file per tier that works with the network gone."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from tests.conftest import REPO, RUNBOOK_RESET, run_cli

# the smallest PNG there is: one transparent pixel
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
NEIGHBOUR = """\
---
title: Reconnect the VPN <script>alert(1)</script>
tier: L1
systems: [vpn]
symptoms: ["vpn will not connect"]
escalate_when: ["still down after a reconnect"]
last_reviewed: 2026-01-01
---
## Steps
1. Follow [the token reset](reset-token.md#steps) first.
2. Compare with the picture: ![the client window](client.png)
3. Read the [system page](../../content/systems/vpn.md).
"""
L2_RUNBOOK = RUNBOOK_RESET.replace("tier: L1", "tier: L2").replace(
    "Reset VPN token", "Rebuild the VPN profile"
)


@pytest.fixture
def offline_kb(make_kb):
    return make_kb(
        {
            "runbooks/vpn/reconnect.md": NEIGHBOUR,
            "runbooks/vpn/client.png": PIXEL,
            "runbooks/vpn/profile.md": L2_RUNBOOK,
        }
    )


def test_each_tier_with_runbooks_gets_a_self_contained_copy(offline_kb, build):
    site = build(offline_kb)
    assert sorted(p.name for p in (site / "offline").iterdir()) == ["l1.html", "l2.html"]
    text = (site / "offline" / "l1.html").read_text(encoding="utf-8")
    assert "Reset VPN token" in text and "Reconnect the VPN" in text
    assert 'id="rb-runbooks-vpn-profile-md-top"' not in text  # L2's
    assert "netops@example.com" in text  # the system's L2 contact, from the matrix too
    assert "Escalation matrix" in text
    # nothing outside the file: no stylesheet, script or image fetched from elsewhere
    assert not re.search(r"<link\b|<script\b[^>]*\bsrc=|<img\b[^>]*src=\"(?!data:)", text)
    assert 'src="data:image/png;base64,' in text
    # a link to another runbook of the copy stays inside it, fragment and all
    assert 'href="#rb-runbooks-vpn-reset-token-md-steps"' in text
    assert 'id="rb-runbooks-vpn-reset-token-md-steps"' in text
    # a link to a page not in the copy points at the site, from offline/
    assert 'href="../systems/vpn/"' in text
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "ids collide in one file"
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def test_the_catalogue_holds_each_copy_checksum_and_the_build_is_deterministic(
    offline_kb, build, tmp_path
):
    site = build(offline_kb)
    first = (site / "offline" / "l1.html").read_bytes()
    catalog = json.loads((site / "api" / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["offline"]["l1"] == {
        "url": "offline/l1.html",
        "runbooks": 2,
        "sha256": hashlib.sha256(first).hexdigest(),
    }
    again = tmp_path / "again"
    result = run_cli("build", "--kb", offline_kb, "-q", "-d", again)
    assert result.exit_code == 0, result.output
    assert (again / "offline" / "l1.html").read_bytes() == first


def test_playbooks_and_home_link_to_the_copies(offline_kb, build):
    site = build(offline_kb)
    playbook = (site / "playbooks" / "l1" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../offline/l1.html">Offline copy, built 2026-06-01</a>' in playbook
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="offline/l1.html">Offline copy, built 2026-06-01' in home
    assert 'href="offline/l3.html"' not in home  # no L3 runbooks, no copy


def test_the_service_worker_lists_the_core_pages_and_can_be_turned_off(offline_kb, build):
    from tests.conftest import MKDOCS_YML, write_kb

    site = build(offline_kb)
    worker = (site / "opskb-sw.js").read_text(encoding="utf-8")
    for path in (
        '"escalation/"',
        '"playbooks/l1/"',
        '"runbooks/vpn/reconnect/"',
        '"offline/l1.html"',
    ):
        assert path in worker
    assert '"runbooks/vpn/profile/"' not in worker  # L2: saved when visited
    assert "assets/opskb/offline.js" in (site / "index.html").read_text(encoding="utf-8")
    off = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      offline_cache: false\n")
    (offline_kb / "mkdocs.yml").write_text(off, encoding="utf-8")
    site = build(offline_kb)
    worker = (site / "opskb-sw.js").read_text(encoding="utf-8")
    assert "unregister()" in worker and "PRECACHE" not in worker
    assert "assets/opskb/offline.js" not in (site / "index.html").read_text(encoding="utf-8")
    root = write_kb(offline_kb.parent / "clash", {"content/opskb-sw.js": "// mine\n"})
    result = run_cli("check", "--kb", root)
    assert "content/opskb-sw.js" in result.output and "service worker" in result.output


def test_the_l1_copy_works_from_a_file_with_the_network_off(sample_site, chromium):
    copy = sample_site / "offline" / "l1.html"
    from opskb.model import Tier
    from opskb.pipeline import load_kb

    catalog = load_kb(REPO).catalog
    context = chromium.new_context(offline=True, viewport={"width": 1400, "height": 900})
    asked: list[str] = []
    try:
        tab = context.new_page()
        tab.on("request", lambda request: asked.append(request.url))
        tab.goto(copy.resolve().as_uri())
        shown = tab.inner_text("body")
        for doc in catalog.runbooks:
            if doc.tier is Tier.L1:
                assert doc.title in shown, doc.path
        for system in catalog.systems.values():
            step = system.system.ladder.get(Tier.L2)
            if step and step.contact:
                assert step.contact.split(",")[0].strip() in shown, system.path
        assert asked == [copy.resolve().as_uri()], asked
        # the filter works from file://
        tab.fill("#offline-filter", "bitlocker")
        visible = tab.locator(".offline-runbook:visible").count()
        assert 0 < visible < len([d for d in catalog.runbooks if d.tier is Tier.L1])
        assert "match" in tab.inner_text("#offline-status")
    finally:
        context.close()


def test_the_hosted_site_works_offline_after_one_visit(sample_site, chromium):
    from tests.browser import serve_folder

    base, server = serve_folder(sample_site)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(base)  # one visit, to the home page
        tab.wait_for_function(
            "navigator.serviceWorker.controller !== null"
            " || navigator.serviceWorker.ready.then(() => true)"
        )
        tab.wait_for_function(
            """async () => {
                const names = await caches.keys();
                if (!names.length) return false;
                const cache = await caches.open(names[0]);
                return (await cache.keys()).length >= 20;
            }""",
            timeout=20_000,
        )
        server.shutdown()
        server.server_close()  # the site is gone: nothing answers on its port
        context.set_offline(True)
        for path, heading in (
            ("playbooks/l1/", "L1 playbook"),
            ("escalation/", "Escalation"),
            ("runbooks/vpn/reset-token/", "Reset a VPN hardware token"),
        ):
            tab.goto(base + path)
            assert tab.locator("h1").first.inner_text().startswith(heading), path
            assert "Offline" in tab.inner_text(".opskb-offline-note"), path
        tab.goto(base + "runbooks/no/such/page/")
        assert "not saved for offline use" in tab.inner_text("body")
    finally:
        context.close()
        server.shutdown()


PLANTED = "<!-- planted in the previous copy -->"


def _plant(site, tier: str) -> None:
    copy = site / "offline" / f"{tier}.html"
    copy.write_text(copy.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")


def _copy(site, tier: str) -> str:
    return (site / "offline" / f"{tier}.html").read_text(encoding="utf-8")


def _edit(root, path: str, text: str) -> None:
    with (root / path).open("a", encoding="utf-8") as handle:
        handle.write(f"\n{text}\n")


def test_a_rebuild_after_an_edit_to_one_tier_reuses_the_other_tiers_copies(offline_kb, build):
    site = build(offline_kb)
    _plant(site, "l1")
    _plant(site, "l2")
    _edit(offline_kb, "runbooks/vpn/reconnect.md", "Then call the desk: glimmerfrost.")

    site = build(offline_kb)

    assert PLANTED in _copy(site, "l2")  # taken from the previous site
    remade = _copy(site, "l1")
    assert PLANTED not in remade and "glimmerfrost" in remade


def test_a_rebuild_makes_the_copies_a_cold_build_makes_byte_for_byte(offline_kb, build, tmp_path):
    build(offline_kb)
    _edit(offline_kb, "runbooks/vpn/profile.md", "Keep the old profile: ashenwillow.")
    site = build(offline_kb)
    cold = tmp_path / "cold"
    result = run_cli("build", "--kb", offline_kb, "-q", "--strict", "-d", cold)
    assert result.exit_code == 0, result.output
    for name in ("offline/l1.html", "offline/l2.html", "api/catalog.json", "opskb-sw.js"):
        assert (site / name).read_bytes() == (cold / name).read_bytes(), name
    assert "ashenwillow" in _copy(site, "l2")


def test_a_change_that_reaches_every_copy_remakes_them_all(offline_kb, build):
    site = build(offline_kb)
    _plant(site, "l1")
    _plant(site, "l2")
    config = offline_kb / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("Test KB", "Renamed KB"), "utf-8")

    site = build(offline_kb)

    for tier in ("l1", "l2"):
        assert PLANTED not in _copy(site, tier) and "Renamed KB" in _copy(site, tier), tier


def test_a_changed_image_remakes_the_copy_that_inlines_it_though_no_page_changed(offline_kb, build):
    site = build(offline_kb)
    _plant(site, "l1")
    _plant(site, "l2")
    (offline_kb / "runbooks" / "vpn" / "client.png").write_bytes(PIXEL + b"\0")

    site = build(offline_kb)

    remade = _copy(site, "l1")
    assert PLANTED not in remade
    assert base64.b64encode(PIXEL + b"\0").decode("ascii") in remade
    assert PLANTED in _copy(site, "l2")
