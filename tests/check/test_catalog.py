"""The catalogue: references resolved, systems checked, runbooks listed by system."""

from __future__ import annotations

from opskb.check.catalog import Catalog, resolve_reference
from opskb.model import Kind, Tier
from opskb.pipeline import load_kb

KNOWN = {"runbooks/vpn/reset-token.md", "runbooks/vpn/resync.md", "content/systems/vpn.md"}

RESYNC = """\
---
title: Resync a token
tier: L2
systems: [vpn]
owner: NetOps
last_reviewed: 2026-01-01
related:
  - runbooks/vpn/reset-token.md
  - runbooks/vpn/missing.md
---
Resync it.
"""


def test_a_reference_from_the_root_relative_or_as_a_url_names_the_same_source():
    here = "runbooks/vpn/resync.md"
    for written in ("runbooks/vpn/reset-token.md", "reset-token.md", "runbooks/vpn/reset-token/"):
        assert resolve_reference(written, here, KNOWN) == ("runbooks/vpn/reset-token.md", "")


def test_a_reference_keeps_working_with_an_anchor_and_without_md():
    found, _ = resolve_reference("reset-token#steps", "runbooks/vpn/resync.md", KNOWN)
    assert found == "runbooks/vpn/reset-token.md"


def test_a_reference_that_is_not_a_source_says_why():
    here = "runbooks/vpn/resync.md"
    assert resolve_reference("https://example.com", here, KNOWN) == (
        None,
        "is not a path inside the knowledge base",
    )
    assert resolve_reference("nowhere.md", here, KNOWN) == (None, "does not exist")
    assert resolve_reference("../../../etc/passwd", here, KNOWN) == (
        None,
        "leaves the knowledge base",
    )


def test_the_catalogue_lists_each_systems_runbooks_by_tier(make_kb):
    catalog = load_kb(make_kb({"runbooks/vpn/resync.md": RESYNC})).catalog
    assert isinstance(catalog, Catalog)
    assert set(catalog.systems) == {"vpn"}
    assert [d.path for d in catalog.runbooks_for("vpn", Tier.L1)] == ["runbooks/vpn/reset-token.md"]
    assert [d.path for d in catalog.runbooks_for("vpn", Tier.L2)] == ["runbooks/vpn/resync.md"]


def test_a_related_entry_that_does_not_exist_is_a_problem_on_its_own_line(make_kb):
    kb = load_kb(make_kb({"runbooks/vpn/resync.md": RESYNC}))
    [problem] = [p for p in kb.problems if p.key == "related"]
    assert (problem.path, problem.line) == ("runbooks/vpn/resync.md", 9)
    assert problem.message == "'related' entry 'runbooks/vpn/missing.md' does not exist"
    related = kb.catalog.related["runbooks/vpn/resync.md"]
    assert [d.path for d in related] == ["runbooks/vpn/reset-token.md"]


def test_an_unknown_system_is_a_problem_that_suggests_the_close_one(make_kb):
    typo = RESYNC.replace("systems: [vpn]", "systems: [vnp]").replace("  - runbooks/vpn/m", "  - m")
    kb = load_kb(make_kb({"runbooks/vpn/resync.md": typo}))
    [problem] = [p for p in kb.problems if "unknown system" in p.message]
    assert (problem.path, problem.line) == ("runbooks/vpn/resync.md", 4)
    assert problem.message == "unknown system 'vnp'"
    assert "did you mean 'vpn'?" in problem.hint


SYSTEM_MAIL = """\
---
title: Mail
owner: Messaging
last_reviewed: 2026-01-01
---
Mail.
"""


def _runbook(title: str, tier: str, systems: str, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ntier: {tier}\nsystems: [{systems}]\nowner: Service Desk\n"
        f"last_reviewed: 2026-01-01\n{extra}---\nDo it.\n"
    )


def _incident(date: str, systems: str, status: str = "resolved") -> str:
    return (
        f"---\ntitle: Outage {date}\ndate: {date}\nseverity: SEV3\nsystems: [{systems}]\n"
        f"status: {status}\nowner: NetOps\nroot_cause: a cause\n"
        "root_cause_category: software-bug\n---\n## Summary\n\nIt happened.\n"
    )


def _shelved_catalog(make_kb):
    return load_kb(
        make_kb(
            {
                "content/systems/mail.md": SYSTEM_MAIL,
                "runbooks/both/resync.md": _runbook("Resync", "L2", "vpn, mail"),
                "runbooks/mail/quota.md": _runbook("Quota", "L1", "mail"),
                "runbooks/mail/old.md": _runbook("Old", "L1", "mail", "status: retired\n"),
                "runbooks/mail/draft.md": _runbook("Draft", "L1", "mail", "status: draft\n"),
                "content/incidents/b-mail.md": _incident("2026-02-01", "mail"),
                "content/incidents/a-both.md": _incident("2026-03-01", "vpn, mail", "open"),
                "content/incidents/c-both.md": _incident("2026-03-01", "mail, vpn"),
                "content/incidents/z-vpn.md": _incident("2026-01-15", "vpn"),
            }
        )
    ).catalog


def _paths(docs) -> list[str]:
    return [d.path for d in docs]


def test_a_runbook_is_listed_for_each_of_its_systems_and_at_its_tier(make_kb):
    catalog = _shelved_catalog(make_kb)
    assert _paths(catalog.runbooks_for("vpn", Tier.L2)) == ["runbooks/both/resync.md"]
    assert _paths(catalog.runbooks_for("mail", Tier.L2)) == ["runbooks/both/resync.md"]
    assert _paths(catalog.runbooks_for("mail")) == [
        "runbooks/both/resync.md",
        "runbooks/mail/quota.md",
    ]
    assert _paths(catalog.runbooks_at(Tier.L1)) == [
        "runbooks/mail/quota.md",
        "runbooks/vpn/reset-token.md",
    ]
    assert _paths(catalog.runbooks_at(Tier.L2)) == ["runbooks/both/resync.md"]
    assert catalog.runbooks_at(Tier.L4) == []
    assert catalog.runbooks_for("mail", Tier.L3) == []
    assert catalog.runbooks_for("nowhere") == []


def test_a_retired_or_draft_runbook_is_listed_nowhere_but_among_the_published(make_kb):
    catalog = _shelved_catalog(make_kb)
    listed = {
        *_paths(catalog.runbooks),
        *_paths(catalog.runbooks_for("mail")),
        *_paths(catalog.runbooks_at(Tier.L1)),
    }
    assert "runbooks/mail/old.md" not in listed
    assert "runbooks/mail/draft.md" not in listed
    runbooks = _paths(catalog.of_kind(Kind.RUNBOOK))
    assert "runbooks/mail/old.md" in runbooks, "retired, but still a published page"
    assert "runbooks/mail/draft.md" not in runbooks
    assert "runbooks/mail/draft.md" in _paths(catalog.of_kind(Kind.RUNBOOK, published=False))


def test_incidents_are_newest_first_for_each_system_and_a_tie_always_in_one_order(make_kb):
    catalog = _shelved_catalog(make_kb)
    both, other, mail, vpn = (
        f"content/incidents/{name}.md" for name in ("c-both", "a-both", "b-mail", "z-vpn")
    )
    assert _paths(catalog.incidents) == [both, other, mail, vpn]
    assert _paths(catalog.incidents_for("mail")) == [both, other, mail]
    assert _paths(catalog.incidents_for("vpn")) == [both, other, vpn]
    assert catalog.incidents_for("nowhere") == []
    again = _shelved_catalog(make_kb)
    assert _paths(again.incidents_for("vpn")) == _paths(catalog.incidents_for("vpn"))


def test_an_answer_is_a_copy_the_caller_may_change(make_kb):
    catalog = _shelved_catalog(make_kb)
    catalog.runbooks_for("mail").clear()
    catalog.incidents_for("vpn").clear()
    catalog.runbooks_at(Tier.L1).clear()
    assert len(catalog.runbooks_for("mail")) == 2
    assert len(catalog.incidents_for("vpn")) == 3
    assert len(catalog.runbooks_at(Tier.L1)) == 2


def test_the_catalogue_answers_from_published_as_last_assigned(make_kb):
    catalog = _shelved_catalog(make_kb)
    assert _paths(catalog.runbooks_for("vpn", Tier.L1)) == ["runbooks/vpn/reset-token.md"]
    catalog.published = [d for d in catalog.published if d.path != "runbooks/vpn/reset-token.md"]
    assert catalog.runbooks_for("vpn", Tier.L1) == []
    assert "runbooks/vpn/reset-token.md" not in _paths(catalog.runbooks_at(Tier.L1))
