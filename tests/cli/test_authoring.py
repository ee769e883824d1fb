"""`opskb new`: one new document from the knowledge base's template, never an overwrite."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from opskb.cli.authoring import DEFAULT_TEMPLATES, NewDocument, _values, fill, slugify
from opskb.model import Kind, Tier
from opskb.pipeline import load_kb
from opskb.scaffold import create_kb
from opskb.sources.load import parse_text

from tests.conftest import REPO, SYSTEM_VPN, page, run_cli


def files_of(root: Path) -> dict[str, bytes]:
    """The knowledge base's files; not its cache folder, where a command that read it
    keeps its load (written by a process of its own, when it is done)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != ".opskb-cache"
    }


def check_json(root: Path) -> tuple[int, list[dict]]:
    result = run_cli("check", "--kb", root, "--format", "json")
    return result.exit_code, json.loads(result.output or "[]")


CASES = [
    (["runbook", "--tier", "L1", "--system", "vpn"], "runbooks/vpn/{slug}.md"),
    (["runbook", "--tier", "L2", "--system", "vpn"], "runbooks/vpn/{slug}.md"),
    (["runbook", "--tier", "l3", "--system", "vpn"], "runbooks/vpn/{slug}.md"),
    (["runbook", "--tier", "L4", "--system", "vpn"], "runbooks/vpn/{slug}.md"),
    (
        ["incident", "--severity", "SEV2", "--system", "vpn"],
        "content/incidents/2026-06-01-{slug}.md",
    ),
    (["system", "--id", "payroll"], "content/systems/payroll.md"),
]


@pytest.mark.parametrize(
    ("args", "where"), CASES, ids=["L1", "L2", "L3", "L4", "incident", "system"]
)
def test_new_writes_one_document_that_check_accepts_and_never_overwrites(make_kb, args, where):
    root = make_kb()
    before = files_of(root)
    title = 'Fix: "token" #1 — ünïcode'
    result = run_cli("new", *args, "--kb", root, "--title", title)
    assert result.exit_code == 0, result.output
    expected = where.format(slug="fix-token-1-unicode")
    assert result.stdout.strip() == expected
    after = files_of(root)
    assert set(after) - set(before) == {expected}
    assert all(after[p] == before[p] for p in before)

    code, problems = check_json(root)
    assert code == 0, problems
    # A new system has no L1 runbook yet: that warning is the next step, and the only one.
    allowed = {"no-l1-runbook"} if args[0] == "system" else set()
    assert {p["code"] for p in problems if not p["dated"]} <= allowed
    doc = load_kb(root).catalog.by_path[expected]
    assert doc.title == title
    if args[0] == "runbook":
        assert doc.tier.value == args[2].upper() and doc.systems == ("vpn",)
        assert doc.runbook.symptoms == (title,)

    again = run_cli("new", *args, "--kb", root, "--title", title)
    assert again.exit_code != 0
    assert "already" in again.output and "nothing was written" in again.output
    assert files_of(root) == after


def test_templates_ask_the_questions_of_their_kind_and_tier(make_kb):
    root = make_kb()
    sections = {
        ("runbook", "L1"): [
            "## Symptoms",
            "## Before you start",
            "## Steps",
            "```bash",
            "## Verify",
            "## Ticket notes",
        ],
        ("runbook", "L2"): ["## Diagnosis", "## Mitigation", "## Rollback", "## Verify"],
        ("runbook", "L3"): ["## Diagnosis", "## Mitigation", "## Rollback", "## Verify"],
        ("runbook", "L4"): [
            "## When to engage the vendor",
            "## Collect before opening a case",
            "## Open the case",
            "https://support.example.com",
            "C-1",
            "## Drive the case",
            "## Close the case",
        ],
        ("incident", ""): [
            "## Summary",
            "## Impact",
            "## Timeline",
            "## Root cause",
            "## Contributing factors",
            "## Five whys",
            "## What went well",
            "## Where we got lucky",
            "## Action items",
            "## Workaround for L1",
        ],
    }
    for (kind, tier), wanted in sections.items():
        args = ["new", kind, "--kb", root, "--title", f"{kind} {tier}", "--system", "vpn"]
        args += ["--tier", tier] if tier else ["--severity", "SEV3"]
        path = root / run_cli(*args).stdout.strip()
        text = path.read_text(encoding="utf-8")
        assert [s for s in wanted if s not in text] == [], path
    l1 = load_kb(root).catalog.by_path["runbooks/vpn/runbook-l1.md"]
    assert l1.runbook.escalate_when and l1.owner == "Service Desk"
    incident = load_kb(root).catalog.by_path["content/incidents/2026-06-01-incident.md"]
    assert incident.incident.status.value == "open"
    assert incident.incident.action_items[0].due.isoformat() == "2026-06-15"

    system = root / run_cli("new", "system", "--kb", root, "--title", "Payroll").stdout.strip()
    ladder = load_kb(root).catalog.systems["payroll"].system.ladder
    assert system.name == "payroll.md"
    assert [s.tier.value for s in ladder] == ["L1", "L2", "L3", "L4"]


def test_without_a_terminal_missing_values_are_an_error_and_nothing_is_written(make_kb):
    root = make_kb()
    before = files_of(root)
    result = run_cli("new", "runbook", "--kb", root, "--title", "Printer jam")
    assert result.exit_code == 2
    assert "--tier" in result.output and "--system" in result.output
    assert files_of(root) == before


def test_on_a_terminal_it_prompts_for_what_is_missing(make_kb, monkeypatch):
    from click.testing import CliRunner
    from opskb.cli import commands as cli

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    root = make_kb()
    result = CliRunner().invoke(
        cli.main, ["new", "runbook", "--kb", str(root)], input="Gateway failover\nL3\nvpn\n"
    )
    assert result.exit_code == 0, result.output
    assert "Title" in result.output and "Tier" in result.output
    doc = load_kb(root).catalog.by_path["runbooks/vpn/gateway-failover.md"]
    assert doc.tier.value == "L3"


def test_unknown_system_is_refused_with_a_suggestion(make_kb):
    root = make_kb()
    before = files_of(root)
    result = run_cli(
        "new", "runbook", "--kb", root, "--tier", "L1", "--system", "vnp", "--title", "x"
    )
    assert result.exit_code == 1
    assert "unknown system 'vnp'" in result.output and "did you mean 'vpn'" in result.output
    assert files_of(root) == before


def test_a_page_url_already_taken_is_refused(make_kb):
    root = make_kb(
        {
            "runbooks/vpn/cannot-connect/index.md": "---\ntier: L2\nsystems: [vpn]\n"
            "escalate_when: [x]\n---\n"
        }
    )
    result = run_cli(
        "new",
        "runbook",
        "--kb",
        root,
        "--tier",
        "L1",
        "--system",
        "vpn",
        "--title",
        "Cannot connect",
    )
    assert result.exit_code == 1
    assert "runbooks/vpn/cannot-connect/index.md already exists" in result.output
    assert not (root / "runbooks/vpn/cannot-connect.md").exists()


def test_a_knowledge_base_template_replaces_the_default(make_kb):
    root = make_kb(
        {
            "templates/runbook-l1.md": """\
        ---
        title: {{ title }}
        tier: {{ tier }}
        systems: {{ systems }}
        escalate_when: ["Our own rule"]
        ---
        Team template for {{ system_title }}: {{ title }}.
        """
        }
    )
    path = (
        root
        / run_cli(
            "new", "runbook", "--kb", root, "--tier", "L1", "--system", "vpn", "--title", "A: b"
        ).stdout.strip()
    )
    text = path.read_text(encoding="utf-8")
    assert 'title: "A: b"\n' in text
    assert "Team template for VPN: A: b." in text
    assert load_kb(root).catalog.by_path["runbooks/vpn/a-b.md"].runbook.escalate_when == (
        "Our own rule",
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ('---\ntitle: "{{ title }} (draft)"\n---\n', "line 2: in the front matter"),
        ("---\ntitle: {{ title }}\n---\n{{ nonsense }}\n", "unknown placeholder {{ nonsense }}"),
        ("---\ntitle: {{ title }}\ntier: L9\n---\n", "does not give a valid document"),
    ],
)
def test_a_broken_template_is_named_and_nothing_is_written(make_kb, template, message):
    root = make_kb({"templates/system.md": template})
    before = files_of(root)
    result = run_cli("new", "system", "--kb", root, "--title", "Payroll")
    assert result.exit_code == 1
    assert "templates/system.md" in result.output and message in result.output
    assert files_of(root) == before


def test_init_copies_the_templates_so_a_team_can_change_them(tmp_path):
    create_kb(tmp_path / "kb")
    names = sorted(p.name for p in (tmp_path / "kb/templates").iterdir())
    assert {"runbook-l1.md", "runbook-l4.md", "incident.md", "system.md"} <= set(names)
    result = run_cli(
        "new",
        "runbook",
        "--kb",
        tmp_path / "kb",
        "--tier",
        "L1",
        "--system",
        "email",
        "--title",
        "Calendar not syncing",
    )
    assert result.exit_code == 0, result.output
    assert run_cli("check", "--kb", tmp_path / "kb", "--strict").exit_code == 0


def test_front_matter_text_of_a_new_document_is_escaped_in_the_site(make_kb, build):
    root = make_kb(
        {"content/systems/vpn.md": SYSTEM_VPN.replace("title: VPN", "title: <b>VPN</b>")}
    )
    title = '<script>alert("x")</script> & <i>reset</i>'
    result = run_cli(
        "new", "runbook", "--kb", root, "--tier", "L1", "--system", "vpn", "--title", title
    )
    assert result.exit_code == 0, result.output
    source = (root / result.stdout.strip()).read_text(encoding="utf-8")
    assert "Category: *&lt;b&gt;VPN&lt;/b&gt;*" in source
    text = page(build(root), "runbooks/vpn/script-alert-x-script-i-reset-i/")
    assert "<script>alert" not in text and "<i>reset</i>" not in text and "<b>VPN</b>" not in text
    assert "&lt;script&gt;alert" in text


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_title_gives_valid_front_matter_that_reads_back_the_same(title):
    title = " ".join(title.split())
    assume(slugify(title))
    request = NewDocument(kind=Kind.RUNBOOK, title=title, tier=Tier.L1)
    values = _values(request, {}, dt.date(2026, 6, 1))
    for name in ("runbook-l1.md", "incident.md", "system.md"):
        template = (DEFAULT_TEMPLATES / name).read_text(encoding="utf-8")
        raw, problems = parse_text("runbooks/x/y.md", fill(template, values, name))
        assert problems == [] and not raw.broken
        assert raw.meta["title"] == title


def test_the_sample_knowledge_base_templates_write_documents_check_accepts(make_kb):
    root = make_kb(
        {
            f"templates/{p.name}": p.read_text(encoding="utf-8")
            for p in (REPO / "templates").glob("*.md")
        }
    )
    for args in [
        *(["runbook", "--tier", t] for t in ("L1", "L2", "L3", "L4")),
        ["incident", "--severity", "SEV4"],
    ]:
        result = run_cli("new", *args, "--kb", root, "--system", "vpn", "--title", " ".join(args))
        assert result.exit_code == 0, result.output
    assert run_cli("check", "--kb", root, "--strict").exit_code == 0


# A system whose every L4 value, and its title, holds Markdown and HTML a page would act on
HOSTILE_L4 = {
    "vendor": "[Open](javascript:alert(document.domain))",
    "contact": "<img src=x onerror=alert(1)> [Call](javascript:alert(2))",
    "contract": "**C-1** `code` ![i](javascript:alert(3)) <b>x</b>",
    "portal": "javascript:alert(4)",
}
HOSTILE_TITLE = "VPN *not emphasis* [x](javascript:alert(5)) <i>y</i>"


def hostile_system(**l4: str) -> str:
    values = {**HOSTILE_L4, **l4}
    return SYSTEM_VPN.replace("title: VPN", f"title: {json.dumps(HOSTILE_TITLE)}").replace(
        """    contact: "+1 555 0100"
    hours: "24x7"
    response: 4h
    vendor: Lattice
    contract: "C-1"
    portal: "https://support.example.com"
""",
        "".join(f"    {key}: {json.dumps(value)}\n" for key, value in values.items())
        + '    hours: "24x7"\n    response: 4h\n',
    )


class _Live(HTMLParser):
    """What a browser would act on in a page: links and sources, and planted elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.planted: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in {"href", "src"}]
        if tag in {"b", "i"} or (tag == "img" and ("src", "x") in attrs):
            self.planted.append(tag)

    @property
    def scripts(self) -> list[str]:
        """The ``javascript:`` addresses, as a browser reads them."""
        return [
            u
            for u in self.urls
            if re.sub(r"[\s\x00-\x1f]", "", u).lower().startswith("javascript:")
        ]


def live(text: str) -> _Live:
    parser = _Live()
    parser.feed(text)
    return parser


def shown_text(text: str) -> str:
    """A page's text as a reader sees it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_an_l4_runbook_shows_the_vendor_values_as_written_never_as_links(make_kb, build):
    root = make_kb({"content/systems/vpn.md": hostile_system()})
    args = ["new", "runbook", "--kb", root, "--tier", "L4", "--system", "vpn"]
    assert run_cli(*args, "--title", "Open a vendor case").exit_code == 0
    site = build(root)
    for url in ("runbooks/vpn/open-a-vendor-case/", "playbooks/l4/"):
        text = page(site, url)
        found = live(text)
        assert found.scripts == [], url
        assert found.planted == [], url
        shown = shown_text(text)
        for value in [HOSTILE_TITLE, *HOSTILE_L4.values()]:
            assert value in shown, (url, value)


def test_an_http_portal_becomes_a_link_and_nothing_else_does(make_kb, build):
    portal = "https://support.example.com/case?new=1&a=(b)"
    root = make_kb({"content/systems/vpn.md": hostile_system(portal=portal)})
    args = ["new", "runbook", "--kb", root, "--tier", "L4", "--system", "vpn"]
    assert run_cli(*args, "--title", "Open a vendor case").exit_code == 0
    text = page(build(root), "runbooks/vpn/open-a-vendor-case/")
    assert "https://support.example.com/case?new=1&a=%28b%29" in live(text).urls
    assert live(text).scripts == []


def every_placeholder(front_matter: str) -> str:
    """A team template printing every placeholder in its body, and two in a comment."""
    names = sorted(_values(NewDocument(kind=Kind.RUNBOOK, title="t"), {}, dt.date(2026, 6, 1)))
    body = "".join(f"- {name}: {{{{ {name} }}}}\n" for name in names)
    head = "title: {{ title }}\nowner: {{ owner }}\n" + front_matter
    comment = "# vendor {{ vendor }}, contract {{ contract }}\n"
    return f"---\n{head}{comment}---\n{body}"


def test_every_placeholder_of_every_kind_is_inert_markdown(make_kb, build):
    """Team templates printing every placeholder, a hostile title, owner and system:
    each new document's page shows the values as written, nothing of them live."""
    # a line break in a value must not end the comment it is written into
    contract = HOSTILE_L4["contract"] + "\nstatus: draft"
    runbook = "tier: {{ tier }}\nsystems: {{ systems }}\nescalate_when: [x]\n"
    incident = "date: {{ date }}\nseverity: {{ severity }}\nsystems: {{ systems }}\nstatus: open\n"
    root = make_kb(
        {
            "content/systems/vpn.md": hostile_system(contract=contract),
            **{f"templates/runbook-l{n}.md": every_placeholder(runbook) for n in range(1, 5)},
            "templates/incident.md": every_placeholder(incident),
            "templates/system.md": every_placeholder(""),
        }
    )
    title = "Reset *now* [here](javascript:alert(6)) `x` <b>y</b>"
    owner = "[Desk](javascript:alert(7)) <img src=x onerror=alert(8)>"
    common = ["--kb", root, "--owner", owner, "--title"]
    made = [
        run_cli("new", "runbook", *common, f"{title} {tier}", "--tier", tier, "--system", "vpn")
        for tier in ("L1", "L2", "L3", "L4")
    ]
    made.append(run_cli("new", "incident", *common, title, "--severity", "SEV2", "--system", "vpn"))
    made.append(run_cli("new", "system", *common, title, "--id", "payroll"))
    assert [r.exit_code for r in made] == [0] * 6, [r.output for r in made]
    site = build(root, strict=False)
    catalog = load_kb(root).catalog
    for result in made:
        doc = catalog.by_path[result.stdout.strip()]
        assert doc.status.value == "published", doc.path
        text = page(site, doc.url)
        found = live(text)
        assert found.scripts == [], doc.path
        assert found.planted == [], doc.path
        assert title in shown_text(text), doc.path
    l1 = page(site, catalog.by_path[made[0].stdout.strip()].url)
    for value in [HOSTILE_TITLE, owner, HOSTILE_L4["vendor"], HOSTILE_L4["contact"]]:
        assert value in shown_text(l1), value
