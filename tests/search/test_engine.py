"""Search from the terminal: ranking, filters, "did you mean", JSON, freshness."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from opskb.search import SearchIndex

from bench.synthetic import write_kb as write_synthetic_kb
from tests.conftest import RUNBOOK_RESET, run_cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory):
    """A random knowledge base of ~150 documents, indexed once for the module."""
    kb = write_synthetic_kb(tmp_path_factory.mktemp("search") / "kb", documents=150, seed=11)
    SearchIndex.open(kb.root).refresh()
    return kb


def search_json(root: Path, *args: str) -> list[dict]:
    result = run_cli("search", "--kb", root, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def published_runbooks(kb) -> list[str]:
    return [p for p in kb.runbooks if p not in kb.drafts]


def test_a_runbooks_symptom_phrase_puts_it_first(synthetic) -> None:
    sample = random.Random(3).sample(published_runbooks(synthetic), 8)
    for path in sample:
        hits = search_json(synthetic.root, synthetic.symptom[path], "--limit", "3")
        assert hits and hits[0]["path"] == path, (synthetic.symptom[path], hits[:1])


def test_drafts_are_not_found(synthetic) -> None:
    drafts = sorted(p for p in synthetic.drafts if p in synthetic.symptom)
    if not drafts:
        pytest.skip("this seed wrote no draft runbook")
    for path in drafts[:3]:
        paths = [h["path"] for h in search_json(synthetic.root, synthetic.symptom[path])]
        assert path not in paths


def test_tier_filter_returns_only_that_tier(synthetic) -> None:
    hits = search_json(synthetic.root, "restart reset service", "--tier", "L2", "--limit", "50")
    assert hits and {h["tier"] for h in hits} == {"L2"}
    lower = search_json(synthetic.root, "restart reset service", "--tier", "l2", "--limit", "50")
    assert lower == hits


def test_system_filter_returns_only_that_systems_documents(synthetic) -> None:
    system = sorted(synthetic.systems)[0]
    hits = search_json(synthetic.root, "the", "service", "--system", system, "--limit", "50")
    assert hits and all(system in h["systems"] for h in hits)
    runbooks = {p for p, s in synthetic.system_of.items() if s == system} - synthetic.drafts
    assert {h["path"] for h in hits} & runbooks


def test_kind_filter(synthetic) -> None:
    hits = search_json(synthetic.root, "service", "--kind", "incident", "--limit", "20")
    assert hits and {h["kind"] for h in hits} == {"incident"}


def test_a_one_letter_typo_gets_a_suggestion_naming_the_right_word(synthetic) -> None:
    path = published_runbooks(synthetic)[0]
    word = max(re.findall(r"[a-z]{6,}", synthetic.symptom[path]), key=len)
    typo = word[:2] + word[3:]  # one letter dropped
    result = run_cli("search", "--kb", synthetic.root, typo)
    assert result.exit_code == 0, result.output
    assert f'did you mean "{word}"?' in result.output
    assert f"'{typo}' → '{word}'" in result.output


def test_known_words_get_no_suggestion(synthetic) -> None:
    path = published_runbooks(synthetic)[0]
    result = run_cli("search", "--kb", synthetic.root, synthetic.symptom[path])
    assert "did you mean" not in result.output


def test_json_shape(synthetic) -> None:
    path = published_runbooks(synthetic)[1]
    hits = search_json(synthetic.root, synthetic.symptom[path], "--limit", "5")
    assert 1 <= len(hits) <= 5
    first = hits[0]
    assert {"title", "kind", "tier", "systems", "path", "url", "score"} <= set(first)
    assert first["title"] == synthetic.titles[path]
    assert first["kind"] == "runbook" and first["tier"] == synthetic.tiers[path]
    assert first["systems"] == [synthetic.system_of[path]]
    assert first["url"] == path.removesuffix(".md") + "/"
    assert isinstance(first["score"], float)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_terminal_output_names_title_tier_url_and_highlights_the_match(synthetic) -> None:
    path = published_runbooks(synthetic)[2]
    phrase = synthetic.symptom[path]
    from click.testing import CliRunner
    from opskb.cli.commands import main

    coloured = CliRunner().invoke(main, ["search", "--kb", str(synthetic.root), phrase], color=True)
    first = phrase.split()[0]
    assert re.search(r"\x1b\[[0-9;]*m" + re.escape(first) + r"\x1b\[0m", coloured.output)
    plain = run_cli("search", "--kb", synthetic.root, phrase).output
    assert not ANSI.search(plain)
    lines = plain.splitlines()
    assert lines[0].strip().startswith("1. " + synthetic.titles[path])
    system = synthetic.system_titles[synthetic.system_of[path]]  # systems shown by name
    assert f"[{synthetic.tiers[path]} · runbook · {system}]" in lines[0]
    assert phrase in lines[1]
    assert lines[2].strip() == path.removesuffix(".md") + "/"


def test_nothing_found_says_so(synthetic) -> None:
    result = run_cli("search", "--kb", synthetic.root, "zzzqqqxxx")
    assert result.exit_code == 0
    assert "no published document matches 'zzzqqqxxx'" in result.output


def test_outside_a_knowledge_base_is_one_clear_error(tmp_path: Path) -> None:
    result = run_cli("search", "--kb", tmp_path, "vpn")
    assert result.exit_code != 0
    assert "no mkdocs.yml" in result.output and "Traceback" not in result.output


def test_edits_are_picked_up_and_only_changed_documents_reindexed(make_kb) -> None:
    root = make_kb()
    index = SearchIndex.open(root)
    assert index.refresh().indexed == 3  # home, VPN system, reset runbook
    assert [h["path"] for h in search_json(root, "token code invalid")] == [
        "runbooks/vpn/reset-token.md"
    ]
    runbook = root / "runbooks/vpn/reset-token.md"
    runbook.write_text(RUNBOOK_RESET.replace("token code invalid", "fob shows dashes"), "utf-8")
    os.utime(runbook, ns=(time.time_ns(), time.time_ns() + 5_000_000))
    update = index.refresh()
    assert (update.indexed, update.removed, update.rebuilt) == (1, 0, False)
    assert search_json(root, "fob shows dashes")[0]["path"] == "runbooks/vpn/reset-token.md"
    assert not [h for h in search_json(root, "token code invalid") if "invalid" in h["snippet"]]

    draft = root / "runbooks/vpn/new.md"
    draft.write_text(
        "---\ntitle: New\ntier: L1\nsystems: [vpn]\nstatus: draft\n"
        "symptoms: [kiosk printer jams]\n---\nSteps.\n",
        "utf-8",
    )
    assert index.refresh().indexed == 0  # drafts are not published
    assert search_json(root, "kiosk printer jams") == []
    runbook.unlink()
    assert index.refresh().removed == 1
    assert search_json(root, "fob shows dashes") == []


def test_a_search_started_before_an_update_answers_from_the_old_index(make_kb) -> None:
    root = make_kb()
    index = SearchIndex.open(root)
    index.refresh()
    with index._searcher() as before:  # a search running while the index is rebuilt
        runbook = root / "runbooks/vpn/reset-token.md"
        runbook.write_text(RUNBOOK_RESET.replace("token code invalid", "fob dead"), "utf-8")
        os.utime(runbook, ns=(time.time_ns(), time.time_ns() + 5_000_000))
        assert index.refresh().indexed == 1
        index.refresh()
        old = before.document(path="runbooks/vpn/reset-token.md")
        assert "token code invalid" in old["symptoms"]
    assert index.search("fob dead").hits[0].path == "runbooks/vpn/reset-token.md"


def test_search_does_not_import_mkdocs(synthetic) -> None:
    code = (
        "import sys\n"
        "from opskb.cli import main\n"
        f"main(['search', '--kb', {str(synthetic.root)!r}, 'service'], standalone_mode=False)\n"
        "print('MKDOCS' if any(m.split('.')[0] == 'mkdocs' for m in sys.modules) else 'CLEAN')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("CLEAN")


def test_similar_documents_share_words(synthetic) -> None:
    index = SearchIndex.open(synthetic.root)
    path = published_runbooks(synthetic)[0]
    similar = index.similar(path, 5)
    assert similar and path not in [h.path for h in similar]
    system = synthetic.system_of[path]
    assert any(system in h.systems for h in similar)


def test_live_preview_reuses_the_site_index_only_while_its_documents_are_unchanged(
    make_kb, tmp_path: Path
) -> None:
    from opskb.pipeline import load_kb
    from opskb.search.records import search_record
    from opskb.search.site_index import reuse_site_index, write_site_index

    records = [search_record(d) for d in load_kb(make_kb()).catalog.published]
    write_site_index(records, tmp_path / "before")
    assert reuse_site_index(tmp_path / "before", tmp_path / "after", records)
    files = sorted(
        p.relative_to(tmp_path / "after").as_posix() for p in (tmp_path / "after").rglob("*")
    )
    assert "pagefind/pagefind.js" in files
    changed = [*records[:-1], dataclasses.replace(records[-1], title="Renamed")]
    assert not reuse_site_index(tmp_path / "before", tmp_path / "again", changed)


def test_an_index_in_parts_keeps_the_parts_whose_documents_are_unchanged(
    synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opskb.pipeline import load_kb
    from opskb.search import site_index
    from opskb.search.records import search_record

    monkeypatch.setattr(site_index, "PART_SIZE", 10)
    records = [search_record(d) for d in load_kb(synthetic.root).catalog.published]
    site_index.SiteIndexJob(records).finish(tmp_path / "before")
    edited = [*records[:-1], dataclasses.replace(records[-1], body="An edited body.")]

    bundles = [tmp_path / "gone" / "pagefind", tmp_path / "before" / "pagefind"]
    job = site_index.SiteIndexJob(edited, previous=bundles)
    parts = len(site_index._parts(edited))
    assert parts > 3 and job._kept == set(range(parts - 1))  # all but the edited one's part
    job.finish(tmp_path / "after")
    site_index.SiteIndexJob(edited).finish(tmp_path / "fresh")

    kept = _bundle_files(tmp_path / "after")
    assert kept == _bundle_files(tmp_path / "fresh")  # as if indexed again
    assert kept != _bundle_files(tmp_path / "before")
    assert json.loads(kept["parts.json"]) == [f"part-{n}/" for n in range(1, parts)]


def _bundle_files(site: Path) -> dict[str, bytes]:
    bundle = site / "pagefind"
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*.*")}


def test_without_fork_a_new_process_indexes_and_cancel_stops_all_it_started(
    synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live preview's server runs threads, so it does not fork: a new Python process
    writes the pages and runs Pagefind, not a thread competing with the build."""
    from opskb.pipeline import load_kb
    from opskb.search import site_index
    from opskb.search.records import search_record

    monkeypatch.setattr(site_index, "PART_SIZE", 10)
    records = [search_record(d) for d in load_kb(synthetic.root).catalog.published]
    spawned = site_index.SiteIndexJob(records, fork=False)
    assert spawned._process is not None and spawned._process.pid != os.getpid()
    spawned.finish(tmp_path / "spawned")
    site_index.SiteIndexJob(records).finish(tmp_path / "forked")
    assert _bundle_files(tmp_path / "spawned") == _bundle_files(tmp_path / "forked")

    cancelled = site_index.SiteIndexJob(records, fork=False)
    group = cancelled._process.pid
    cancelled.cancel()
    assert cancelled._process.returncode is not None
    for _ in range(100):  # the shell and Pagefind of its group, once the system reaps them
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("a process the cancelled job started is still there")


def test_a_pagefind_folder_a_stopped_process_left_is_removed_by_the_next_job(
    synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live preview stopped while Pagefind ran leaves its working folder behind."""
    import subprocess
    import tempfile

    from opskb.pipeline import load_kb
    from opskb.search import site_index
    from opskb.search.records import search_record

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = tmp_path / f"{site_index.STAGING_PREFIX}{gone.pid}-x1"
    running = tmp_path / f"{site_index.STAGING_PREFIX}{os.getpid()}-x2"
    for folder in (left, running):
        (folder / "pages-0").mkdir(parents=True)
    records = [search_record(d) for d in load_kb(synthetic.root).catalog.published][:3]

    site_index.SiteIndexJob(records).finish(tmp_path / "site")

    assert not left.exists() and running.exists()
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()


def test_look_alikes_for_every_page_match_one_question_per_page(synthetic) -> None:
    index = SearchIndex.open(synthetic.root)
    paths = published_runbooks(synthetic)[:40]
    together = index.similar_all(paths, 5)
    agree = 0
    for path in paths:
        assert path not in together[path] and len(together[path]) == len(set(together[path]))
        agree += len(set(together[path]) & {h.path for h in index.similar(path, 5)})
    assert agree >= 0.8 * sum(len(found) for found in together.values())


def test_look_alikes_do_not_depend_on_the_order_documents_were_indexed(tmp_path) -> None:
    kb = write_synthetic_kb(tmp_path / "kb", documents=60, seed=12)
    index = SearchIndex.open(kb.root)
    index.refresh()
    paths = published_runbooks(kb)
    first = index.similar_all(paths, 5)
    for number, path in enumerate(reversed(paths[:10])):  # re-indexed: new document numbers
        source = kb.root / path
        text = source.read_text(encoding="utf-8") + f"\n\nuniqueword{number}\n"
        source.write_text(text, encoding="utf-8")
        os.utime(source, ns=(time.time_ns(), time.time_ns() + 5_000_000))
    assert index.refresh().indexed == 10
    assert index.similar_all(paths, 5) == first
