"""Look-alike documents scored from search records, without waiting for the search index."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from opskb.pipeline import load_kb
from opskb.search import SearchIndex, engine, likeness, search_record
from opskb.search import related as related_module
from opskb.search.likeness import LikenessScorer
from opskb.search.related import similar_documents

from bench.synthetic import write_kb as write_synthetic_kb


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 5_000_000))


@pytest.mark.parametrize("seed", [5, 21])
def test_look_alikes_counted_from_records_match_those_of_a_freshly_written_index(
    tmp_path: Path, seed: int
) -> None:
    kb = write_synthetic_kb(tmp_path / "kb", documents=240, seed=seed)
    catalog = load_kb(kb.root).catalog
    index = SearchIndex.open(kb.root)
    index.update(catalog)
    records = [search_record(d) for d in catalog.published]
    paths = [r.path for r in records]

    scorer = LikenessScorer.from_records(records)
    related = {p: scorer.alike(p, 5) for p in paths}
    past = {p: scorer.alike(p, 5, kind="incident", past=True) for p in paths}

    assert related == index.similar_all(paths, 5)
    assert past == index.past_incidents(paths, 5)
    assert sum(map(len, related.values())) > 4 * len(paths)
    assert sum(map(len, past.values())) > len(kb.incidents)


def test_posting_weights_are_what_the_index_stores(make_kb) -> None:
    root = make_kb()
    catalog = load_kb(root).catalog
    index = SearchIndex.open(root)
    index.update(catalog)
    record = next(search_record(d) for d in catalog.published if d.path.startswith("runbooks/"))
    counted = engine.posting_weights(engine.document_fields(record))
    with index._searcher() as searcher:
        reader = searcher.reader()
        docnum = searcher.document_number(path=record.path)
        for field, weights in counted.items():
            assert weights
            for term, weight in weights.items():
                stored = dict(reader.postings(field, term).items_as("weight"))
                assert stored[docnum] == weight, (field, term)
    assert counted["lead"]["token"] == 3.0  # the title, and the symptom counted twice


def test_similar_documents_writes_no_search_index(tmp_path: Path) -> None:
    kb = write_synthetic_kb(tmp_path / "kb", documents=80, seed=3)
    catalog = load_kb(kb.root).catalog
    similar = similar_documents(kb.root, catalog)
    assert not (kb.root / ".opskb-cache" / "search").exists()

    runbook = next(p for p in kb.runbooks if p not in kb.drafts)
    assert similar.related[runbook] and runbook not in similar.related[runbook]
    index = SearchIndex.open(kb.root)
    index.update(catalog)
    assert dict(similar.related) == index.similar_all(list(similar.related), 5)
    assert dict(similar.past_incidents) == index.past_incidents(list(similar.past_incidents), 5)


def test_processes_sharing_the_work_give_the_same_answers_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shares: list[tuple[int, int]] = []  # (items, processes) of each shared step
    share = related_module.fork_map
    monkeypatch.setattr(
        related_module,
        "fork_map",
        lambda func, items, workers: (
            shares.append((len(items), workers)) or share(func, items, workers)
        ),
    )
    kb = write_synthetic_kb(tmp_path / "kb", documents=120, seed=6)
    catalog = load_kb(kb.root).catalog
    cache = kb.root / ".opskb-cache"
    alone = similar_documents(kb.root, catalog)
    files = {f.name: f.read_bytes() for f in cache.rglob("*.json")}
    shutil.rmtree(cache)
    shares.clear()
    shared = similar_documents(kb.root, catalog, workers=3)
    assert len(shares) == 2 and all(n > 100 and w == 3 for n, w in shares)  # counting, scoring
    assert shared == alone and len(alone.related) > 100 and alone.past_incidents
    assert {f.name: f.read_bytes() for f in cache.rglob("*.json")} == files


def test_a_rebuild_after_one_edit_counts_and_scores_only_what_it_reaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It counts the edited document's words again and scores the pages judged by words
    it held or holds, and its answers are a build's from scratch (look-alikes once lagged
    behind an edit until the next full pass, so a rebuild's site was not a build's)."""
    kb = write_synthetic_kb(tmp_path / "kb", documents=400, seed=4)
    first = similar_documents(kb.root, load_kb(kb.root).catalog)

    counted: list[str] = []
    scored: list[str] = []
    count, alike = engine.posting_weights, LikenessScorer.alike
    monkeypatch.setattr(
        engine, "posting_weights", lambda fields: counted.append(fields["path"]) or count(fields)
    )
    monkeypatch.setattr(
        likeness.LikenessScorer,
        "alike",
        lambda self, path, n, **kw: scored.append(path) or alike(self, path, n, **kw),
    )
    assert similar_documents(kb.root, load_kb(kb.root).catalog) == first
    assert counted == [] and scored == []  # nothing changed: every answer from the cache

    runbook = next(p for p in kb.runbooks if p not in kb.drafts)
    source = kb.root / runbook
    edit(source, source.read_text(encoding="utf-8") + "\n\nAlso rotate the escrow keys.\n")
    catalog = load_kb(kb.root).catalog
    again = similar_documents(kb.root, catalog)
    assert counted == [runbook]
    assert runbook in scored and len(set(scored)) < len(first.related) // 2
    assert again.related.keys() == first.related.keys()
    monkeypatch.undo()
    shutil.rmtree(kb.root / ".opskb-cache")
    assert similar_documents(kb.root, catalog) == again  # as from scratch


@pytest.mark.parametrize("change", ["edit", "edits", "add", "remove"])
def test_look_alikes_after_changes_are_those_a_build_from_scratch_finds(
    tmp_path: Path, change: str
) -> None:
    kb = write_synthetic_kb(tmp_path / "kb", documents=150, seed=9)
    similar_documents(kb.root, load_kb(kb.root).catalog)
    runbooks = [p for p in kb.runbooks if p not in kb.drafts]
    for number, path in enumerate(runbooks[: 3 if change == "edits" else 1]):
        source = kb.root / path
        text = source.read_text(encoding="utf-8")
        if change == "remove":
            source.unlink()
        elif change == "add":
            source.with_name("copy-" + source.name).write_text(
                text.replace("title: ", "title: Copy of ", 1), encoding="utf-8"
            )
        else:  # words other pages hold, and one of its own gone
            edit(source, text.replace(" the ", " ", 2) + f"\n\nSee the escrow vault {number}.\n")
        catalog = load_kb(kb.root).catalog
        again = similar_documents(kb.root, catalog)
        shutil.rmtree(kb.root / ".opskb-cache" / "look-alikes")
        assert similar_documents(kb.root, catalog) == again, (change, path)


def test_an_unwritable_cache_folder_is_an_os_error(make_kb) -> None:
    root = make_kb()
    (root / ".opskb-cache").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OSError):
        similar_documents(root, load_kb(root).catalog)


def test_a_kept_cache_file_is_read_again_once_another_process_replaces_it(tmp_path) -> None:
    """A live preview keeps the parsed cache files; a file replaced since is read anew."""
    path = tmp_path / "answers.json"
    related_module._write(path, {"n": 1})
    assert related_module._read(path) is related_module._read(path)  # parsed once
    other = tmp_path / "written-elsewhere.json"
    other.write_text(json.dumps({"format": related_module.FORMAT, "n": 22}), encoding="utf-8")
    os.replace(other, path)
    assert related_module._read(path)["n"] == 22
