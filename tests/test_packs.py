"""Pack stores: an entry one build worked out is read by the next; unused ones are dropped.
And the one digest every reuse key is made with."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.packs import CROWD, Digest, PackStore, code_digest, digest


def _store(tmp_path: Path) -> Path:
    return tmp_path / "store" / "v1"


def test_an_entry_saved_by_one_store_is_read_by_the_next(tmp_path: Path) -> None:
    folder = _store(tmp_path)
    first = PackStore(folder)
    first.put("page-a", ("<p>Reset the token</p>", {"title": "Reset"}))
    first.put("page-b", ("ünïcode text ✓", [1, 2]))
    first.save()

    second = PackStore(folder)
    assert second.get("page-a") == ("<p>Reset the token</p>", {"title": "Reset"})
    assert second.get("page-b") == ("ünïcode text ✓", [1, 2])
    assert second.get("page-c") is None


def test_an_entry_a_build_did_not_use_is_forgotten_when_it_saves(tmp_path: Path) -> None:
    folder = _store(tmp_path)
    first = PackStore(folder)
    first.put("kept", ("kept text", None))
    first.put("stale", ("stale text", None))
    first.save()

    second = PackStore(folder)
    assert second.get("kept") is not None  # used by this build; "stale" is not asked for
    second.save()
    assert second.get("stale") is None
    assert second.get("kept") == ("kept text", None)


def test_packs_crowded_with_unused_entries_are_rewritten_without_them(tmp_path: Path) -> None:
    folder = _store(tmp_path)
    first = PackStore(folder)
    first.put("kept", ("kept text", None))
    first.put("stale", ("x" * (CROWD + 1), None))  # more than the packs may hold unused
    first.save()

    second = PackStore(folder)
    second.get("kept")
    second.save()
    [pack] = folder.glob("*.pack")
    assert pack.stat().st_size < CROWD

    third = PackStore(folder)
    assert third.get("kept") == ("kept text", None)
    assert third.get("stale") is None


def test_an_entry_put_but_not_saved_is_not_seen_by_another_store(tmp_path: Path) -> None:
    folder = _store(tmp_path)
    PackStore(folder).put("unsaved", ("text", None))
    assert PackStore(folder).get("unsaved") is None


def test_a_forked_worker_flushes_its_entries_and_hands_back_the_keys_it_used(
    tmp_path: Path,
) -> None:
    folder = _store(tmp_path)
    parent = PackStore(folder)
    parent.put("old", ("old text", None))
    parent.save()

    worker = PackStore(folder)
    worker.get("old")
    worker.put("new", ("new text", None))
    worker.flush()
    used = worker.take_used()
    assert used == {"old", "new"}
    assert worker.take_used() == set()  # forgotten once taken

    caller = PackStore(folder)  # reads the worker's pack beside the first one
    caller.add_used(used)
    caller.save()
    after = PackStore(folder)
    assert after.get("old") == ("old text", None)
    assert after.get("new") == ("new text", None)


def test_a_damaged_pack_is_ignored_and_rewritten_on_the_next_save(tmp_path: Path) -> None:
    folder = _store(tmp_path)
    first = PackStore(folder)
    first.put("good", ("good text", None))
    first.save()
    (folder / "0-0.pack").write_text('[["broken", 999, null]]\nshort', encoding="utf-8")

    second = PackStore(folder)
    assert second.get("broken") is None
    assert second.get("good") == ("good text", None)
    second.save()

    assert not (folder / "0-0.pack").exists()
    assert PackStore(folder).get("good") == ("good text", None)


def test_saving_removes_the_stores_of_other_versions_beside_it(tmp_path: Path) -> None:
    other = tmp_path / "store" / "v0"
    old = PackStore(other)
    old.put("key", ("text", None))
    old.save()

    current = PackStore(_store(tmp_path))
    current.put("key", ("text", None))
    current.save()
    assert not other.exists()
    assert _store(tmp_path).is_dir()


def test_a_store_without_a_folder_keeps_entries_in_memory_only(tmp_path: Path) -> None:
    store = PackStore()
    store.put("key", ("text", None))
    store.save()
    assert store.get("key") == ("text", None)
    assert list(tmp_path.iterdir()) == []


def test_code_digest_changes_with_the_code_and_the_name(tmp_path: Path) -> None:
    code = tmp_path / "render.py"
    code.write_text("VERSION = 1\n", encoding="utf-8")
    before = code_digest("pages", [code])
    assert code_digest("pages", [code]) == before
    assert code_digest("search", [code]) != before
    code.write_text("VERSION = 2\n", encoding="utf-8")
    assert code_digest("pages", [code]) != before
    # a folder (as a glob gives it) is passed over; a named file that is not there is an
    # error, never a store that would not see that code change
    assert code_digest("pages", [code, tmp_path]) == code_digest("pages", [code])
    with pytest.raises(FileNotFoundError):
        code_digest("pages", [code, tmp_path / "missing.py"])


def test_a_digest_tells_apart_parts_that_join_to_the_same_text() -> None:
    splits = [("ab", "c"), ("a", "bc"), ("abc",), ("abc", ""), ("", "abc"), ("1:a",), ("1:", "a")]
    assert len({digest(*parts) for parts in splits}) == len(splits)
    assert digest() != digest("")


def test_a_digest_is_the_same_for_the_same_parts_as_text_bytes_or_added_one_by_one() -> None:
    whole = digest("runbooks/vpn/reset.md", "Réinitialiser le VPN")
    assert whole == digest(b"runbooks/vpn/reset.md", "Réinitialiser le VPN".encode())
    assert whole == Digest("runbooks/vpn/reset.md").add("Réinitialiser le VPN").hexdigest()
    assert whole != digest("runbooks/vpn/reset.md", "Réinitialiser le VPN ")
    assert len(whole) == 32 and int(whole, 16) >= 0
