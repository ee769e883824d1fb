"""Index storage: generations swapped by one pointer, the one before kept, one writer at a time."""

from __future__ import annotations

import threading
from pathlib import Path

from opskb.search.store import IndexStore, link_or_copy


def _generation(store: IndexStore, files: dict[str, str], copy: bool = False) -> Path:
    folder = store.next_generation(copy_current=copy)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_an_empty_store_has_no_current_generation_and_no_manifest(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    assert store.current() is None
    assert store.manifest() == {}


def test_a_generation_is_read_only_once_published(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    first = _generation(store, {"seg-1": "one"})
    store.write_manifest(first, {"documents": 1})
    assert store.current() is None  # written, not yet published
    store.publish(first)
    assert store.current() == first
    assert store.manifest() == {"documents": 1}

    second = _generation(store, {"seg-2": "two"})
    assert second != first and second.name > first.name
    assert store.current() == first  # a search still reads the first
    store.publish(second)
    assert store.current() == second


def test_digests_are_kept_apart_and_read_only_when_asked(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    generation = _generation(store, {})
    store.write_manifest(generation, {"documents": 2, "digests": {"a.md": "x", "b.md": "y"}})
    store.publish(generation)
    assert store.manifest() == {"documents": 2}
    assert store.manifest(digests=True) == {"documents": 2, "digests": {"a.md": "x", "b.md": "y"}}


def test_publishing_keeps_the_generation_before_for_running_searches_and_drops_older(
    tmp_path: Path,
) -> None:
    store = IndexStore(tmp_path / "index")
    made = []
    for number in range(4):
        made.append(_generation(store, {"seg": str(number)}))
        store.publish(made[-1])
    assert [g.is_dir() for g in made] == [False, False, True, True]


def test_a_new_generation_can_start_as_a_copy_of_the_current_one(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    first = _generation(store, {"seg-1": "one", "held.lock": "x"})
    store.publish(first)
    second = _generation(store, {"seg-2": "two"}, copy=True)
    assert sorted(p.name for p in second.iterdir()) == ["seg-1", "seg-2"]
    assert (second / "seg-1").read_text(encoding="utf-8") == "one"
    assert sorted(p.name for p in _generation(store, {}).iterdir()) == []


def test_a_pointer_that_names_no_generation_of_the_store_is_ignored(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    store.publish(_generation(store, {}))
    for name in ("../elsewhere", "gen-../../x", "other", "gen-999999"):
        (store.folder / "CURRENT").write_text(name, encoding="utf-8")
        assert store.current() is None, name


def test_a_damaged_manifest_reads_as_empty(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    generation = _generation(store, {"opskb-manifest.json": "[1, 2"})
    store.publish(generation)
    assert store.manifest() == {}


def test_only_one_writer_holds_the_lock(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    other = IndexStore(tmp_path / "index")
    held = store.try_lock()
    assert held is not None
    try:
        assert other.try_lock() is None
        waited = []
        store.adopt(held)
        with store.writing():  # handed the lock: does not wait for itself
            store.wait_for_writer(lambda: waited.append(True))
        assert waited == []
    finally:
        held.close()
    again = other.try_lock()
    assert again is not None
    again.close()


def test_a_reader_is_told_when_it_waits_for_a_writer(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    held = store.try_lock()
    assert held is not None
    waited = []
    release = threading.Timer(0.2, held.close)
    release.start()
    IndexStore(tmp_path / "index").wait_for_writer(lambda: waited.append(True))
    release.join()
    assert waited == [True]


def test_link_or_copy_gives_the_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "segment"
    source.write_bytes(b"\x00segment bytes")
    link_or_copy(source, tmp_path / "linked")
    assert (tmp_path / "linked").read_bytes() == b"\x00segment bytes"
    assert source.read_bytes() == b"\x00segment bytes"
