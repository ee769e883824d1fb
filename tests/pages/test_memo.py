"""The render memo and the pack stores it is kept in: rebuilds render only what changed,
and never a page that differs from rendering everything again."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from opskb.model import EscalationStep, Tier
from opskb.packs import MAX_PACKS, PackStore, code_digest
from opskb.pages import RenderMemo, render_site
from opskb.pages import render as render_module
from opskb.pages.memo import MemoPass
from opskb.pipeline import load_kb

from bench.synthetic import SyntheticKB, write_kb


def _pages(site) -> list[tuple[str, str, tuple]]:
    return [(p.src_uri, p.markdown, p.authored) for p in site.pages]


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The pages whose templates are rendered (not taken from a memo), by ``here``."""
    rendered: list[str] = []
    real = render_module._render_marked

    def counting(name, context):
        rendered.append(context.get("here", name))
        return real(name, context)

    monkeypatch.setattr(render_module, "_render_marked", counting)
    return rendered


@pytest.fixture
def kb(tmp_path: Path) -> SyntheticKB:
    return write_kb(tmp_path / "kb", documents=60, seed=7, related=False)


def _render(root: Path, memo: RenderMemo | None = None, workers: int = 1):
    catalog = load_kb(root).catalog
    return render_site(catalog, workers=workers, memo=memo)


def _edit_body(kb: SyntheticKB) -> str:
    path = kb.published_runbooks[0]
    with (kb.root / path).open("a", encoding="utf-8") as handle:
        handle.write("\nCall the vendor hotline zephyrquartz first.\n")
    return path


def _edit_contact(kb: SyntheticKB) -> str:
    """A system's escalation contact: shown on pages of other documents (its runbooks)."""
    path = next(iter(sorted(kb.systems.values())))
    text = (kb.root / path).read_text(encoding="utf-8")
    edited = text.replace("contact: ", "contact: quillon ", 1)
    assert edited != text
    (kb.root / path).write_text(edited, encoding="utf-8")
    return path


def _edit_title(kb: SyntheticKB) -> str:
    """A runbook's title: shown on its system's page, its playbook, the home page…"""
    path = kb.published_runbooks[1]
    text = (kb.root / path).read_text(encoding="utf-8")
    (kb.root / path).write_text(text.replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    return path


def test_a_second_render_takes_every_page_from_the_memo_of_the_first(kb, counted) -> None:
    cache = kb.root / ".opskb-cache"
    memo = RenderMemo(cache)
    first = _render(kb.root, memo, workers=2)  # shared between two processes
    memo.save()
    memo = RenderMemo(cache)  # as a new build reads it: from the cache folder
    assert len(memo.entries) == len(first.pages)
    counted.clear()

    again = _render(kb.root, memo)

    assert counted == []
    assert _pages(again) == _pages(first)


@pytest.mark.parametrize("edit", [_edit_body, _edit_contact, _edit_title])
def test_after_an_edit_the_memo_gives_what_rendering_everything_gives(kb, counted, edit) -> None:
    cache = kb.root / ".opskb-cache"
    memo = RenderMemo(cache)
    before = _render(kb.root, memo)
    memo.save()
    edited = edit(kb)
    counted.clear()

    remembered = _render(kb.root, RenderMemo(cache))
    rerendered = list(counted)

    assert _pages(remembered) == _pages(_render(kb.root))
    assert _pages(remembered) != _pages(before)
    assert edited.removeprefix("content/") in rerendered or edited in rerendered
    assert 0 < len(rerendered) < len(before.pages) / 2


def test_a_context_the_memo_cannot_tell_apart_is_rendered_every_time() -> None:
    class Counter:  # state of its own, which no digest of its fields would follow
        def __init__(self) -> None:
            self.n = 0

    memo = MemoPass(RenderMemo())
    assert memo.key("any.md.j2", {"counter": Counter()}) is None
    assert memo.key("any.md.j2", {"paths": {"a", 1}}) is None
    same = [memo.key("any.md.j2", {"paths": paths}) for paths in ({"a", "b"}, {"b", "a"})]
    assert same[0] is not None and same[0] == same[1]


def test_each_pass_tells_frozen_values_apart_by_what_they_hold() -> None:
    """A pass keeps the tokens of frozen objects by their ids; a new pass starts afresh,
    so an object of a later build, at the address of one gone, is not taken for it."""
    memo = RenderMemo()
    first = MemoPass(memo)
    step = EscalationStep(Tier.L2, team="Network", contact="net@example.org")
    before = first.key("any.md.j2", {"step": step})
    assert before == first.key("any.md.j2", {"step": step})
    assert before == first.key("any.md.j2", {"step": dataclasses.replace(step)})
    del first, step

    later = MemoPass(memo)
    moved = EscalationStep(Tier.L2, team="Network", contact="other@example.org")
    assert later.key("any.md.j2", {"step": moved}) != before
    again = EscalationStep(Tier.L2, team="Network", contact="net@example.org")
    assert MemoPass(memo).key("any.md.j2", {"step": again}) == before


def test_a_code_digest_follows_the_code_and_a_file_it_names_must_be_there(tmp_path) -> None:
    code = tmp_path / "code.py"
    code.write_text("ANSWER = 1\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    first = code_digest("store-1", [code, tmp_path / "templates"])
    assert first == code_digest("store-1", [code])  # a folder a glob gave is passed over
    assert first != code_digest("store-2", [code])
    code.write_text("ANSWER = 2\n", encoding="utf-8")
    assert code_digest("store-1", [code]) != first
    with pytest.raises(FileNotFoundError):
        code_digest("store-1", [code, tmp_path / "renamed_away.py"])


def test_packs_are_rewritten_as_one_when_they_hold_far_more_than_a_build_used(tmp_path) -> None:
    folder = tmp_path / "store" / "v1"
    store = PackStore(folder)
    for n in range(300):
        store.put(f"k{n}", (f"text {n}\n" * 1000, [n]))  # 3 MB in all
    store.save()
    assert len(list(folder.glob("*.pack"))) == 1

    store = PackStore(folder)
    assert store.get("k7") == ("text 7\n" * 1000, [7])
    for n in range(10):
        store.get(f"k{n}")
    store.put("new", ("é\r\nunicode and line ends kept", {"spans": []}))
    store.save()

    packs = list(folder.glob("*.pack"))
    assert len(packs) == 1
    reread = PackStore(folder)
    assert sorted(reread.entries) == sorted([f"k{n}" for n in range(10)] + ["new"])
    assert reread.entries["new"] == ("é\r\nunicode and line ends kept", {"spans": []})


def test_packs_stay_few_and_other_versions_go(tmp_path) -> None:
    other = tmp_path / "store" / "v0"
    other.mkdir(parents=True)
    (other / "1-1.pack").write_text("[]\n", encoding="utf-8")
    folder = tmp_path / "store" / "v1"
    for n in range(3 * MAX_PACKS):
        store = PackStore(folder)
        for key in list(store.entries):
            store.get(key)
        store.put(f"k{n}", (f"text {n}", None))
        store.save()
    assert not other.exists()
    assert len(list(folder.glob("*.pack"))) <= MAX_PACKS
    assert sorted(PackStore(folder).entries) == sorted(f"k{n}" for n in range(3 * MAX_PACKS))


@pytest.mark.parametrize(
    "damage",
    [
        "not json\nat all",
        json.dumps([["k", 50, None]]) + "\nshort",
        json.dumps([["k", "x", None]]) + "\ntext",
        "",
    ],
)
def test_a_damaged_pack_is_ignored_and_removed_at_the_next_rewrite(tmp_path, damage) -> None:
    folder = tmp_path / "store" / "v1"
    store = PackStore(folder)
    store.put("good", ("kept", None))
    store.save()
    (folder / "0-damaged.pack").write_text(damage, encoding="utf-8")

    store = PackStore(folder)

    assert store.entries == {"good": ("kept", None)}
    store.get("good")
    store.save()
    assert not (folder / "0-damaged.pack").exists()
    assert PackStore(folder).entries == {"good": ("kept", None)}


def test_a_memo_pack_with_damaged_spans_renders_the_page_again(kb, counted) -> None:
    cache = kb.root / ".opskb-cache"
    memo = RenderMemo(cache)
    first = _render(kb.root, memo)
    memo.save()
    (pack,) = memo.folder.glob("*.pack")
    index_line, _, texts = pack.read_text(encoding="utf-8").partition("\n")
    index = [[key, length, "not spans"] for key, length, _ in json.loads(index_line)]
    pack.write_text(json.dumps(index) + "\n" + texts, encoding="utf-8")
    counted.clear()

    again = _render(kb.root, RenderMemo(cache))

    assert len(counted) == len(first.pages)
    assert _pages(again) == _pages(first)


def test_a_rebuild_makes_search_records_only_for_documents_that_changed(kb, monkeypatch) -> None:
    from opskb.search import records as records_module

    cache = kb.root / ".opskb-cache"
    store = records_module.RecordStore(cache)
    first = records_module.search_records(load_kb(kb.root).catalog.published, store, workers=2)
    store.save()
    made: list[str] = []
    real = records_module.search_record
    monkeypatch.setattr(
        records_module, "search_record", lambda doc: made.append(doc.path) or real(doc)
    )
    edited = _edit_body(kb)
    documents = load_kb(kb.root).catalog.published

    again = records_module.search_records(documents, records_module.RecordStore(cache))

    assert made == [edited]
    fresh = [real(doc) for doc in documents]
    assert again == fresh and again != first
    assert [r.digest for r in again] == [r.digest for r in fresh]


def test_a_page_the_memo_holds_works_out_no_ticket_note(kb, monkeypatch) -> None:
    """What a page derives from its context (a runbook's ticket note) is worked out only
    when the page is rendered: a memo hit costs the key alone."""
    from opskb.pages import documents

    notes: list[str] = []
    real = documents.ticket_note

    def counting(doc, *args):
        notes.append(doc.path)
        return real(doc, *args)

    monkeypatch.setattr(documents, "ticket_note", counting)
    memo = RenderMemo()
    first = _render(kb.root, memo)
    assert sorted(notes) == sorted(kb.published_runbooks)
    notes.clear()

    again = _render(kb.root, memo)

    assert notes == []
    assert _pages(again) == _pages(first)
