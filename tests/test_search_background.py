"""The terminal search index brought up to date beside a build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from opskb import workers
from opskb.pipeline import load_kb
from opskb.search import SearchIndex
from opskb.search.background import start_index_update
from opskb.synthetic import write_kb as write_synthetic_kb

from tests.conftest import RUNBOOK_RESET

needs_fork = pytest.mark.skipif(not workers.can_fork(), reason="updates in the background on Linux")


@pytest.fixture
def synthetic(tmp_path: Path):
    return write_synthetic_kb(tmp_path / "kb", documents=120, seed=8)


def generations(root: Path) -> set[str]:
    folder = root / ".opskb-cache" / "search"
    return {p.name for p in folder.glob("gen-*")} if folder.is_dir() else set()


@needs_fork
def test_after_finish_a_search_needs_no_indexing_and_finds_the_symptom(synthetic) -> None:
    update = start_index_update(synthetic.root, load_kb(synthetic.root).catalog)
    assert update.running  # the caller goes on while the index is written
    update.finish()
    assert not update.running
    index = SearchIndex.open(synthetic.root)
    assert index.refresh().indexed == 0  # already current: `opskb search` starts at once
    runbook = next(p for p in synthetic.runbooks if p not in synthetic.drafts)
    assert index.search(synthetic.symptom[runbook]).hits[0].path == runbook
    update.finish()  # a second finish has nothing to wait for


@needs_fork
def test_cancel_leaves_no_process_and_no_half_written_generation(synthetic) -> None:
    update = start_index_update(synthetic.root, load_kb(synthetic.root).catalog)
    pid = update._pid
    update.cancel()
    assert not update.running
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie, nothing left running
    current = SearchIndex.open(synthetic.root).store.current()
    assert generations(synthetic.root) <= ({current.name} if current else set())
    update.cancel()  # nothing left to stop


@needs_fork
def test_a_failed_update_is_an_os_error_naming_the_cause(make_kb) -> None:
    root = make_kb()
    (root / ".opskb-cache").mkdir()
    (root / ".opskb-cache" / "search").write_text("not a folder", encoding="utf-8")
    update = start_index_update(root, load_kb(root).catalog)
    with pytest.raises(OSError, match=r"search index was not updated: .*search"):
        update.finish()


def test_without_fork_the_update_is_done_before_start_returns(
    make_kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    root = make_kb()
    update = start_index_update(root, load_kb(root).catalog)
    assert not update.running
    hits = SearchIndex.open(root).search("token code invalid").hits
    assert [h.path for h in hits] == ["runbooks/vpn/reset-token.md"]
    update.cancel()
    update.finish()

    (root / "runbooks/vpn/reset-token.md").write_text(RUNBOOK_RESET.replace("L1", "L2"), "utf-8")
    (root / ".opskb-cache" / "search").rename(root / ".opskb-cache" / "moved")
    (root / ".opskb-cache" / "search").write_text("not a folder", encoding="utf-8")
    failed = start_index_update(root, load_kb(root).catalog)
    with pytest.raises(OSError, match="search index was not updated"):
        failed.finish()


@needs_fork
def test_finish_copes_with_the_process_reaped_by_another_wait(make_kb) -> None:
    root = make_kb()
    update = start_index_update(root, load_kb(root).catalog)
    os.waitpid(update._pid, 0)  # e.g. a library's os.wait() in the build
    update.finish()
    assert SearchIndex.open(root).store.current() is not None
