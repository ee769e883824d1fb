"""The in-browser index: each record as a page for Pagefind, written the same every time."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from opskb.search.records import SearchRecord
from opskb.search.site_index import (
    BUNDLE_DIR,
    PAGEFIND_VARIABLE,
    SiteIndexJob,
    record_html,
    records_digest,
    reuse_site_index,
    write_site_index,
)

RUNBOOK = SearchRecord(
    path="runbooks/vpn/reset-token.md",
    url="runbooks/vpn/reset-token/",
    title="VpnTokenFailures <b>",
    kind="runbook",
    tier="L1",
    systems=("vpn", "mfa"),
    tags=("token",),
    symptoms=("code invalid", 'says "denied" & stops'),
    body="Resync the token <script>alert(1)</script>.",
)
INCIDENT = SearchRecord(
    path="content/incidents/drops.md",
    url="incidents/drops/",
    title="VPN drops",
    kind="incident",
    tier="",
    systems=("vpn",),
    tags=(),
    symptoms=(),
    body="Tunnels dropped hourly.",
    date="2026-11-03",
    status="monitoring",
    started="2026-11-03 09:20 UTC",
)


def test_a_records_page_escapes_every_text_it_holds() -> None:
    page = record_html(RUNBOOK)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "VpnTokenFailures &lt;b&gt;" in page
    assert "says &quot;denied&quot; &amp; stops" in page


def test_a_records_page_carries_its_filters_weights_and_metadata() -> None:
    page = record_html(RUNBOOK)
    for facet in ("tier=L1", "kind=runbook", "system=vpn", "system=mfa"):
        assert f'data-pagefind-filter="facet:{facet}"' in page
    assert 'data-pagefind-meta="folder:runbooks/vpn"' in page
    assert '<ul data-pagefind-weight="10"><li>code invalid</li>' in page  # symptoms first
    assert '<p data-pagefind-weight="8">Vpn Token Failures &lt;b&gt;</p>' in page  # spelled out
    incident = record_html(INCIDENT)
    assert 'data-pagefind-meta="date:2026-11-03"' in incident
    assert "facet:tier=" not in incident


def test_the_records_digest_ignores_order_and_follows_every_change() -> None:
    digest = records_digest([RUNBOOK, INCIDENT])
    assert records_digest([INCIDENT, RUNBOOK]) == digest
    assert records_digest([RUNBOOK, dataclasses.replace(INCIDENT, status="resolved")]) != digest
    assert records_digest([RUNBOOK]) != digest


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    write_site_index([RUNBOOK, INCIDENT], site)
    return site / BUNDLE_DIR


def test_the_bundle_holds_pagefind_and_our_files_beside_it(written: Path) -> None:
    files = _files(written)
    assert "pagefind.js" in files and "pagefind-entry.json" in files
    assert any(name.startswith("filter/") for name in files)
    assert json.loads(files["parts.json"]) == []  # one part: the bundle itself
    assert files[".opskb-records"].decode() == records_digest([RUNBOOK, INCIDENT])
    assert "vpn" in files["systems.json"].decode()
    assert "resync" in files["words.json"].decode().lower()


def test_the_same_records_give_the_same_bytes(written: Path, tmp_path: Path) -> None:
    write_site_index([INCIDENT, RUNBOOK], tmp_path)
    assert _files(tmp_path / BUNDLE_DIR) == _files(written)


def test_a_previous_bundle_of_the_same_records_is_reused_and_one_of_others_is_not(
    written: Path, tmp_path: Path
) -> None:
    previous = written.parent
    assert reuse_site_index(previous, tmp_path / "same", [RUNBOOK, INCIDENT])
    assert _files(tmp_path / "same" / BUNDLE_DIR) == _files(written)
    renamed = [RUNBOOK, dataclasses.replace(INCIDENT, title="Renamed")]
    assert not reuse_site_index(previous, tmp_path / "other", renamed)
    assert not (tmp_path / "other" / BUNDLE_DIR).exists()
    assert not reuse_site_index(tmp_path / "nowhere", tmp_path / "none", [RUNBOOK])


def test_a_job_given_a_previous_bundle_of_the_same_part_keeps_it(
    written: Path, tmp_path: Path
) -> None:
    previous = tmp_path / "previous" / BUNDLE_DIR
    shutil.copytree(written, previous)
    (previous / "planted").write_text("kept, not indexed again", encoding="utf-8")
    job = SiteIndexJob([RUNBOOK, INCIDENT], previous=[tmp_path / "gone", previous])
    bundle = _files(job.finish(tmp_path / "site"))
    assert bundle.pop("planted") == b"kept, not indexed again"
    assert bundle == _files(written)


def test_a_job_does_not_keep_a_previous_bundle_of_other_records(
    written: Path, tmp_path: Path
) -> None:
    previous = tmp_path / "previous" / BUNDLE_DIR
    shutil.copytree(written, previous)
    (previous / "planted").write_text("stale", encoding="utf-8")
    renamed = [RUNBOOK, dataclasses.replace(INCIDENT, title="Renamed")]
    bundle = _files(SiteIndexJob(renamed, previous=[previous]).finish(tmp_path / "site"))
    assert "planted" not in bundle
    assert bundle[".opskb-records"].decode() == records_digest(renamed)


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")
def test_pagefind_runs_on_the_last_half_of_the_cpus(tmp_path: Path, monkeypatch) -> None:
    from pagefind_bin import get_executable

    seen = tmp_path / "cpus"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        f"open({str(seen)!r}, 'a').write(' '.join(map(str, sorted(os.sched_getaffinity(0)))))\n"
        f"os.execv({str(get_executable())!r}, [{str(get_executable())!r}, *sys.argv[1:]])\n"
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_VARIABLE, str(wrapper))
    cpus = sorted(os.sched_getaffinity(0))
    bundle = SiteIndexJob([RUNBOOK, INCIDENT]).finish(tmp_path / "site")
    assert (bundle / "pagefind.js").is_file()
    assert seen.read_text().split() == [str(c) for c in cpus[len(cpus) // 2 :]]
    assert sorted(os.sched_getaffinity(0)) == cpus  # the build itself keeps every CPU
