"""The bundle's own files: worked out from the records, or kept from a bundle of the same."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from opskb.search import bundle_files
from opskb.search.bundle_files import (
    OWN_FILES,
    RECORDS_FILE,
    keep_own_files,
    own_files,
    write_whole,
)
from opskb.search.live import site_systems
from opskb.search.site_index import BUNDLE_DIR, SiteIndexJob, records_digest, write_site_index
from opskb.search.vocabulary import site_vocabulary

from .test_site_index import INCIDENT, RUNBOOK

RECORDS = [INCIDENT, RUNBOOK]  # in the order a job sorts them: by path


def test_the_own_files_are_the_pages_vocabulary_systems_parts_and_fingerprints() -> None:
    files = own_files(RECORDS, ["", "part-1"], ["a", "b"], "digest")
    assert set(files) == set(OWN_FILES)
    assert files["words.json"] == site_vocabulary(RECORDS)
    assert files["systems.json"] == site_systems(RECORDS)
    assert json.loads(files["parts.json"]) == ["part-1/"]
    assert json.loads(files[".opskb-parts"]) == ["a", "b"]
    assert files[RECORDS_FILE] == "digest"


def test_the_first_folder_written_whole_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    write_whole(folder, lambda: {"words.json": "first"})
    write_whole(folder, lambda: {"words.json": "second", "more.json": "x"})
    assert [p.name for p in folder.iterdir()] == ["words.json"]
    assert (folder / "words.json").read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["own"]  # nothing half-written left


def test_a_bundle_of_the_same_records_lends_its_files_and_one_of_others_does_not(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    write_site_index(RECORDS, site)
    bundle = site / BUNDLE_DIR
    assert keep_own_files([tmp_path / "gone", bundle], records_digest(RECORDS), tmp_path / "a")
    for name in OWN_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (bundle / name).read_bytes()
    renamed = [INCIDENT, dataclasses.replace(RUNBOOK, title="Renamed")]
    assert not keep_own_files([bundle], records_digest(renamed), tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_a_job_of_the_same_records_works_out_none_of_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    write_site_index(RECORDS, site)
    before = {name: (site / BUNDLE_DIR / name).read_bytes() for name in OWN_FILES}

    def no_vocabulary(records):
        raise AssertionError("the vocabulary was worked out again")

    monkeypatch.setattr(bundle_files, "site_vocabulary", no_vocabulary)
    job = SiteIndexJob(RECORDS, previous=[site / BUNDLE_DIR])
    after = job.finish(tmp_path / "again")
    assert {name: (after / name).read_bytes() for name in OWN_FILES} == before


def test_a_forked_job_works_them_out_in_the_fork_while_the_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spawned = SiteIndexJob(RECORDS, fork=False).finish(tmp_path / "spawned")
    job = SiteIndexJob(RECORDS, fork=True)

    def no_vocabulary(records):
        raise AssertionError("the build worked out the vocabulary itself")

    monkeypatch.setattr(bundle_files, "site_vocabulary", no_vocabulary)  # in the build only
    forked = job.finish(tmp_path / "forked")
    for name in OWN_FILES:
        assert (forked / name).read_bytes() == (spawned / name).read_bytes()
