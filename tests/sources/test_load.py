"""The loader and validator on valid documents and on each kind of invalid one."""

from __future__ import annotations

import datetime as dt

from opskb.model import Kind, Status, Tier
from opskb.pipeline import load_kb
from opskb.sources.load import LoadCache


def problems_of(kb, path):
    return [p for p in kb.problems if p.path == path]


def test_kinds_come_from_folders(make_kb):
    root = make_kb(
        {
            "content/incidents/2026-01-01-x.md": """\
            ---
            title: Outage
            date: 2026-01-01
            severity: SEV2
            systems: [vpn]
            status: open
            workaround: Reconnect.
            ---
            Body.
            """,
            "content/articles/guide.md": "---\ntitle: Guide\n---\nText.\n",
        }
    )
    catalog = load_kb(root).catalog
    kinds = {d.path: d.kind for d in catalog.documents}
    assert kinds["runbooks/vpn/reset-token.md"] is Kind.RUNBOOK
    assert kinds["content/systems/vpn.md"] is Kind.SYSTEM
    assert kinds["content/incidents/2026-01-01-x.md"] is Kind.INCIDENT
    assert kinds["content/articles/guide.md"] is Kind.ARTICLE


def test_explicit_kind_overrides_the_folder(make_kb):
    root = make_kb(
        {
            "content/notes/checklist.md": """\
        ---
        kind: runbook
        tier: L2
        systems: [vpn]
        escalate_when: [never]
        ---
        Steps.
        """
        }
    )
    doc = load_kb(root).catalog.by_path["content/notes/checklist.md"]
    assert doc.kind is Kind.RUNBOOK and doc.tier is Tier.L2


def test_folder_defaults_apply_unless_the_document_sets_the_key(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/_defaults.yml": "owner: Network Team\ntier: L2\nsystems: [vpn]\n",
            "runbooks/vpn/legacy.md": "# Legacy procedure\n\nNo front matter at all.\n",
            "runbooks/vpn/own.md": "---\ntier: L3\nowner: Someone\nescalate_when: [x]\n---\nx\n",
        }
    )
    kb = load_kb(root)
    legacy = kb.catalog.by_path["runbooks/vpn/legacy.md"]
    own = kb.catalog.by_path["runbooks/vpn/own.md"]
    assert (legacy.owner, legacy.tier, legacy.systems) == ("Network Team", Tier.L2, ("vpn",))
    assert (own.owner, own.tier) == ("Someone", Tier.L3)
    # the reset-token runbook sets its own tier
    assert kb.catalog.by_path["runbooks/vpn/reset-token.md"].tier is Tier.L1


def test_title_from_heading_then_from_file_name(make_kb):
    root = make_kb(
        {
            "content/articles/with-heading.md": "# The real title\n\nText.\n",
            "content/articles/no_title-here.md": "Just text.\n",
        }
    )
    catalog = load_kb(root).catalog
    heading = catalog.by_path["content/articles/with-heading.md"]
    assert heading.title == "The real title"
    assert "# The real title" not in heading.body  # the page prints the title once
    assert catalog.by_path["content/articles/no_title-here.md"].title == "No title here"


def test_single_system_string_is_accepted(make_kb):
    root = make_kb({"runbooks/vpn/one.md": "---\ntier: L1\nsystem: vpn\nescalate_when: [x]\n---\n"})
    kb = load_kb(root)
    assert kb.catalog.by_path["runbooks/vpn/one.md"].systems == ("vpn",)
    assert not problems_of(kb, "runbooks/vpn/one.md")


def test_unknown_keys_are_kept(make_kb):
    root = make_kb({"content/articles/a.md": "---\ntitle: A\nteam_slack: '#ops'\n---\n"})
    doc = load_kb(root).catalog.by_path["content/articles/a.md"]
    assert doc.meta["team_slack"] == "#ops"


def test_drafts_are_catalogued_but_not_published(make_kb):
    root = make_kb({"runbooks/vpn/wip.md": "---\ntier: L1\nsystems: [vpn]\nstatus: draft\n---\n"})
    catalog = load_kb(root).catalog
    draft = catalog.by_path["runbooks/vpn/wip.md"]
    assert draft.status is Status.DRAFT
    assert draft in catalog.documents and draft not in catalog.published


def test_every_problem_is_reported_with_file_line_and_key(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/bad-yaml.md": "---\ntitle: x\ntier: [L1\n---\nbody\n",
            "runbooks/vpn/bad-tier.md": "---\ntitle: x\nsystems: [vpn]\ntier: L7\n---\n",
            "runbooks/vpn/no-tier.md": "---\ntitle: x\nsystems: [vpn]\n---\n",
            "runbooks/vpn/wrong-type.md": "---\ntier: L1\nsystems: [vpn]\nsymptoms: {a: b}\n---\n",
            "runbooks/vpn/unknown-system.md": "---\ntier: L1\n\nsystems: [vnp]\n---\n",
        }
    )
    kb = load_kb(root)
    errors = {p.path: p for p in kb.problems.errors}
    assert errors["runbooks/vpn/bad-yaml.md"].line in (3, 4)
    tier = errors["runbooks/vpn/bad-tier.md"]
    assert (tier.line, tier.key) == (4, "tier")
    assert "L1, L2, L3, L4" in tier.message
    missing = errors["runbooks/vpn/no-tier.md"]
    assert missing.key == "tier" and "required" in missing.message
    wrong = errors["runbooks/vpn/wrong-type.md"]
    assert (wrong.line, wrong.key) == (4, "symptoms") and "list" in wrong.message
    unknown = errors["runbooks/vpn/unknown-system.md"]
    assert unknown.line == 4 and "vnp" in unknown.message and "did you mean 'vpn'" in unknown.hint


def test_escalation_ladder_is_validated(make_kb):
    root = make_kb(
        {
            "content/systems/mail.md": """\
        ---
        title: Mail
        escalation:
          L1: {team: Desk, response: 15m}
          L2: {team: Mail, response: soon}
          L9: {team: Nobody}
        ---
        """
        }
    )
    kb = load_kb(root)
    found = {
        (p.key, p.line): p.message for p in problems_of(kb, "content/systems/mail.md") if p.is_error
    }
    assert ("escalation.L2.response", 5) in found
    assert ("escalation.L9", 6) in found
    ladder = kb.catalog.systems["mail"].system.ladder
    assert ladder.get(Tier.L1).response_minutes == 15


def test_references_must_resolve(make_kb):
    root = make_kb(
        {
            "content/articles/a.md": """\
        ---
        title: A
        related:
          - runbooks/vpn/reset-token.md
          - runbooks/vpn/gone.md
          - ../../../etc/passwd
        ---
        """
        }
    )
    kb = load_kb(root)
    messages = [p.message for p in problems_of(kb, "content/articles/a.md")]
    assert any("gone.md" in m and "does not exist" in m for m in messages)
    assert any("passwd" in m and "leaves the knowledge base" in m for m in messages)
    related = kb.catalog.related["content/articles/a.md"]
    assert [d.path for d in related] == ["runbooks/vpn/reset-token.md"]


def test_a_reference_may_name_a_file_with_a_hash_or_end_in_an_anchor(make_kb):
    """`related:` holds paths, not URLs: `c#-client.md` is a file name, while
    `reset-token.md#steps` still names the runbook."""
    root = make_kb(
        {
            "runbooks/vpn/c#-client.md": (
                "---\ntitle: C# client\ntier: L2\nsystems: [vpn]\n---\nSteps.\n"
            ),
            "content/articles/a.md": """\
        ---
        title: A
        related:
          - "runbooks/vpn/c#-client.md"
          - runbooks/vpn/reset-token.md#steps
          - runbooks/vpn/gone.md#steps
        ---
        """,
        }
    )
    kb = load_kb(root)
    messages = [p.message for p in problems_of(kb, "content/articles/a.md")]
    assert len(messages) == 1 and "gone.md#steps" in messages[0] and "does not exist" in messages[0]
    related = kb.catalog.related["content/articles/a.md"]
    assert [d.path for d in related] == ["runbooks/vpn/c#-client.md", "runbooks/vpn/reset-token.md"]
    assert not [p for p in problems_of(kb, "runbooks/vpn/c#-client.md") if p.is_error]


def test_links_are_rewritten_from_source_tree_to_page_tree(make_kb):
    root = make_kb(
        {
            "content/incidents/2026-02-02-x.md": """\
        ---
        date: 2026-02-02
        severity: SEV4
        systems: [vpn]
        status: resolved
        root_cause: a
        workaround: b
        ---
        See [the runbook](../../runbooks/vpn/reset-token.md#steps) and `[not](a.md)`.
        """
        }
    )
    kb = load_kb(root)
    body = kb.catalog.bodies["content/incidents/2026-02-02-x.md"]
    assert "[the runbook](../../runbooks/vpn/reset-token.md#steps)" not in body
    assert "[the runbook](../runbooks/vpn/reset-token.md#steps)" in body
    assert "`[not](a.md)`" in body


def test_a_kept_load_cache_sees_every_edit_removal_and_defaults_change(make_kb):
    """The live preview keeps loaded files between rebuilds; it must never serve stale ones."""
    plain = "---\ntitle: Plain\ntier: L1\nsystems: [vpn]\n---\nSteps.\n"
    root = make_kb({"runbooks/vpn/plain.md": plain})
    cache = LoadCache()
    runbook = root / "runbooks/vpn/reset-token.md"
    path = "runbooks/vpn/reset-token.md"
    first = load_kb(root, cache=cache).catalog.by_path[path]
    assert load_kb(root, cache=cache).catalog.by_path[path].title == first.title

    runbook.write_text(runbook.read_text().replace(first.title, "Renamed runbook title"))
    assert load_kb(root, cache=cache).catalog.by_path[path].title == "Renamed runbook title"

    assert load_kb(root, cache=cache).catalog.by_path["runbooks/vpn/plain.md"].owner == ""
    (root / "runbooks/vpn/_defaults.yml").write_text("owner: Defaults Team\n")
    owner = load_kb(root, cache=cache).catalog.by_path["runbooks/vpn/plain.md"].owner
    assert owner == "Defaults Team"

    runbook.unlink()
    assert path not in load_kb(root, cache=cache).catalog.by_path
    assert not any(str(file).endswith("reset-token.md") for file in cache.files)


def test_a_kept_load_cache_checks_again_under_other_settings(make_kb):
    """Kept files come with their validation, which settings shape: other settings
    check every file again rather than trust what was worked out before."""
    root = make_kb()
    cache = LoadCache()
    path = "runbooks/vpn/reset-token.md"
    load_kb(root, cache=cache)
    kept = dict(cache.files)
    load_kb(root, cache=cache)
    assert all(cache.files[file] is entry for file, entry in kept.items())  # unchanged: kept
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: Test KB", "site_name: Other KB"))
    assert load_kb(root, cache=cache).catalog.by_path[path].title
    assert cache.files.keys() == kept.keys()
    assert all(cache.files[file] is not kept[file] for file in kept), "every file checked again"


def test_a_kept_load_cache_finds_what_a_new_day_makes_overdue(make_kb):
    """Findings about one document come with it from the process that read it; those that
    depend on the date (a review due) are found again on another day, file unchanged."""
    runbook = (
        "---\ntitle: Dated\ntier: L1\nsystems: [vpn]\nowner: Desk\n"
        "escalate_when: [it fails]\nlast_reviewed: 2026-01-01\nreview_every: 30\n---\nSteps.\n"
    )
    root = make_kb({"runbooks/vpn/dated.md": runbook})
    cache = LoadCache()

    def overdue(day: dt.date) -> list[str]:
        problems = load_kb(root, cache=cache, on_date=day, workers=2).problems
        return [p.message for p in problems if p.path == "runbooks/vpn/dated.md"]

    assert overdue(dt.date(2026, 1, 20)) == []
    assert overdue(dt.date(2026, 1, 20)) == []  # kept
    assert overdue(dt.date(2026, 2, 5)) == ["review overdue since 2026-01-31"]
    assert overdue(dt.date(2026, 1, 20)) == []


def test_a_kept_load_cache_checks_links_against_what_is_there_now(make_kb):
    """Links are rewritten where a document is read, taking their targets to be there;
    a kept document's links are checked again at every load: a target that goes, or
    comes, changes its links and warnings though the document did not change."""
    linking = (
        "---\ntitle: Linking\nowner: Desk\n---\n"
        "See [the other](../../runbooks/vpn/other.md), "
        "![the diagram](../../runbooks/vpn/diagram.png) and [out](../../../x.md).\n"
    )
    other = "---\ntitle: Other\ntier: L1\nsystems: [vpn]\nowner: Desk\nescalate_when: [x]\n---\nx\n"
    root = make_kb({"content/articles/linking.md": linking, "runbooks/vpn/other.md": other})
    cache = LoadCache()
    path = "content/articles/linking.md"
    to_page, as_written = "(../runbooks/vpn/other.md)", "(../../runbooks/vpn/other.md)"
    to_file, file_as_written = "(../runbooks/vpn/diagram.png)", "(../../runbooks/vpn/diagram.png)"

    def load() -> tuple[str, list[str]]:
        kb = load_kb(root, cache=cache, workers=2)
        return kb.catalog.bodies[path], sorted(p.code for p in kb.problems if p.path == path)

    body, codes = load()
    assert to_page in body and file_as_written in body and "(../../../x.md)" in body
    assert codes == ["broken-link", "link-outside"]  # no diagram yet; a link outside

    (root / "runbooks/vpn/diagram.png").write_bytes(b"png")
    body, codes = load()
    assert to_page in body and to_file in body and codes == ["link-outside"]

    (root / "runbooks/vpn/other.md").write_text(other.replace("Other\n", "Other\nstatus: draft\n"))
    body, codes = load()
    assert as_written in body and to_file in body and codes == ["link-outside", "link-to-draft"]

    (root / "runbooks/vpn/other.md").unlink()
    body, codes = load()
    assert as_written in body and codes == ["broken-link", "link-outside"]

    (root / "runbooks/vpn/other.md").write_text(other)
    body, codes = load()
    assert to_page in body and codes == ["link-outside"]


def test_a_defaults_file_over_its_cap_is_refused_once_and_its_documents_still_load(make_kb):
    """A defaults file applies to every document below it: it is capped at 1 MiB (far
    below a document's cap), reported once at the file, and read no further."""
    cap = 2**20
    line = "unused_key_{:06d}: some value a team keeps for itself\n"
    keys = "owner: Ops\n" + "".join(line.format(n) for n in range(cap // 40))
    files = {"content/articles/_defaults.yml": keys[: cap + 1]}
    files |= {f"content/articles/a{n}.md": f"---\ntitle: A{n}\n---\nText.\n" for n in range(50)}
    root = make_kb(files)
    kb = load_kb(root)
    (problem,) = problems_of(kb, "content/articles/_defaults.yml")
    assert "the limit is 1 MiB" in problem.message and problem.hint
    assert all(not problems_of(kb, f"content/articles/a{n}.md") for n in range(50))
    assert kb.catalog.by_path["content/articles/a7.md"].title == "A7"


def test_a_document_takes_from_its_defaults_only_the_keys_it_uses(make_kb):
    """Unused keys of a defaults file are not copied into (and fingerprinted with) each
    document below it; the keys documents read still apply."""
    keys = "owner: Ops\n" + "".join(f"team_note_{n}: kept for the team\n" for n in range(2000))
    root = make_kb(
        {
            "content/articles/_defaults.yml": keys,
            "content/articles/a.md": "---\ntitle: A\nmine: kept\n---\nText.\n",
        }
    )
    doc = load_kb(root).catalog.by_path["content/articles/a.md"]
    assert doc.owner == "Ops" and doc.meta["mine"] == "kept"
    assert not [key for key in doc.meta if key.startswith("team_note_")]
