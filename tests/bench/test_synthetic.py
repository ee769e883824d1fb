"""The synthetic knowledge base: valid, reproducible, and it builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.pipeline import load_kb

from bench.synthetic import REFERENCE_DATE, write_kb
from tests.conftest import page, run_cli


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """A 60-document knowledge base, built once with ``--strict`` for every test here."""
    root = tmp_path_factory.mktemp("synthetic")
    written = write_kb(root, documents=60, seed=3)
    result = run_cli("build", "--kb", str(root), "-q", "--strict")
    assert result.exit_code == 0, result.output
    return written, root / "site"


def test_a_synthetic_kb_has_no_errors_and_nothing_but_dated_warnings(tmp_path: Path) -> None:
    written = write_kb(tmp_path, documents=60)
    kb = load_kb(tmp_path, on_date=REFERENCE_DATE)
    assert [p.as_text() for p in kb.problems.for_build()] == []
    assert len(kb.catalog.documents) == len(written.paths)
    assert 55 <= len(written.paths) <= 65
    assert {d.path for d in kb.catalog.documents} == set(written.paths)


def test_a_synthetic_kb_has_every_kind_and_a_full_ladder_per_system(tmp_path: Path) -> None:
    written = write_kb(tmp_path, documents=60)
    kb = load_kb(tmp_path, on_date=REFERENCE_DATE)
    assert len(written.systems) >= 4 and written.incidents and written.articles
    assert written.drafts and written.overdue_reviews and written.without_owner
    for system_id in written.systems:
        ladder = kb.catalog.systems[system_id].system.ladder
        assert [s.tier.value for s in ladder.steps] == ["L1", "L2", "L3", "L4"]
        assert ladder.steps[-1].vendor and ladder.steps[-1].portal
        assert written.l1_runbook[system_id] in written.published_runbooks
        tiers = {written.tiers[p] for p in written.runbooks if written.system_of[p] == system_id}
        assert tiers == {"L1", "L2", "L3", "L4"}
    overdue = {d.path for d in kb.catalog.documents if kb.catalog.review_overdue(d)}
    assert overdue == written.overdue_reviews
    assert len(set(written.symptom.values())) == len(written.runbooks)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = write_kb(tmp_path / "a", documents=60, seed=7)
    write_kb(tmp_path / "b", documents=60, seed=7)
    write_kb(tmp_path / "c", documents=60, seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")
    assert set(_files(tmp_path / "a")) == {"mkdocs.yml", *first.paths}


def test_a_synthetic_kb_builds_strictly_and_shows_each_runbook(built) -> None:
    written, site = built
    for path in written.published_runbooks:
        html = page(site, path.removesuffix(".md") + "/")
        assert written.symptom[path] in html
    for path in written.drafts:
        assert not (site / path.removesuffix(".md") / "index.html").exists()
    some_incident = written.incidents[0]
    url = some_incident.removeprefix("content/").removesuffix(".md") + "/"
    assert "Root cause" in page(site, url)
