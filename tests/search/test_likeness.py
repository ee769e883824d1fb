"""Look-alikes: the documents sharing a document's rarest words, best first, in a stable order."""

from __future__ import annotations

from opskb.pipeline import load_kb
from opskb.search import SearchIndex, search_record
from opskb.search.likeness import LikenessScorer
from opskb.search.records import SearchRecord


def _record(
    path: str, title: str, body: str, kind: str = "runbook", date: str = ""
) -> SearchRecord:
    return SearchRecord(path, path, title, kind, "", (), (), (), body, date=date)


RECORDS = [
    _record("a.md", "Token resync fails", "The hardware token drifts; resync it on the portal."),
    _record("b.md", "Resync a drifting token", "Open the portal and resync the hardware token."),
    _record("c.md", "Printer jam", "Open tray two and pull the paper."),
    _record("d.md", "Mailbox quota", "Archive old mail from the mailbox."),
    _record("e.md", "Printer tray broken", "Tray two would not close after a paper jam."),
    _record("i1.md", "Token drift outage", "Tokens drifted.", "incident", "2026-01-10"),
    _record("i2.md", "Token resync outage", "Resync failed.", "incident", "2026-03-01"),
    _record("i3.md", "Mailbox outage", "Mail was down.", "incident", "2026-02-01"),
]


def test_the_document_sharing_the_most_rare_words_comes_first() -> None:
    scorer = LikenessScorer.from_records(RECORDS)
    assert scorer.alike("a.md", 2) == ["b.md", "i2.md"]
    assert scorer.alike("c.md", 1) == ["e.md"]
    assert "c.md" not in scorer.alike("a.md", 10)  # shares nothing but common words
    assert "a.md" not in scorer.alike("a.md", 10)  # never like itself


def test_at_most_n_are_given_and_an_unknown_path_has_none() -> None:
    scorer = LikenessScorer.from_records(RECORDS)
    assert len(scorer.alike("a.md", 1)) == 1
    assert scorer.alike("missing.md", 5) == []


def test_kind_keeps_documents_of_that_kind_and_past_those_dated_before() -> None:
    scorer = LikenessScorer.from_records(RECORDS)
    assert set(scorer.alike("a.md", 5, kind="incident")) <= {"i1.md", "i2.md", "i3.md"}
    assert scorer.alike("a.md", 5, kind="incident")[0] == "i2.md"
    assert scorer.alike("i2.md", 5, kind="incident", past=True) == ["i1.md", "i3.md"]
    assert scorer.alike("i1.md", 5, kind="incident", past=True) == []  # the earliest
    assert scorer.alike("a.md", 5, past=True) == []  # an undated document has no past


def test_the_answer_does_not_depend_on_the_order_records_came_in() -> None:
    forward = LikenessScorer.from_records(RECORDS)
    backward = LikenessScorer.from_records(list(reversed(RECORDS)))
    for record in RECORDS:
        assert forward.alike(record.path, 5) == backward.alike(record.path, 5)


def test_ties_break_by_path() -> None:
    twins = [
        _record("z.md", "Token resync", "Resync the token."),
        _record("m.md", "Token resync", "Resync the token."),
        _record("a.md", "Token resync", "Resync the token."),
        _record("x.md", "Printer", "Paper."),
    ]
    assert LikenessScorer.from_records(twins).alike("z.md", 5) == ["a.md", "m.md"]


def test_documents_no_longer_live_in_the_postings_are_never_answered() -> None:
    documents = [
        (0, {"path": "a.md", "title": "token resync"}),
        (1, {"path": "b.md", "title": "token resync"}),
    ]

    def postings(field: str, term: str):
        if term in {"token", "resync"}:  # in every field, for the test
            return [(0, 1.0), (1, 1.0), (7, 5.0)]  # 7: deleted, still in the postings
        return ()

    assert LikenessScorer(documents, postings).alike("a.md", 5) == ["b.md"]


def test_records_in_memory_and_the_written_index_give_the_same_look_alikes(make_kb) -> None:
    files = {
        f"runbooks/vpn/{record.path}": (
            f"---\ntitle: {record.title}\ntier: L1\nsystems: [vpn]\nowner: Desk\n"
            f"last_reviewed: 2026-01-01\n---\n{record.body}\n"
        )
        for record in RECORDS
        if record.kind == "runbook"
    }
    root = make_kb(files)
    catalog = load_kb(root).catalog
    index = SearchIndex.open(root)
    index.update(catalog)
    records = [search_record(d) for d in catalog.published]
    paths = [r.path for r in records]
    scorer = LikenessScorer.from_records(records)
    from_records = {p: scorer.alike(p, 3) for p in paths}
    assert from_records == index.similar_all(paths, 3)
    assert from_records["runbooks/vpn/a.md"][0] == "runbooks/vpn/b.md"
