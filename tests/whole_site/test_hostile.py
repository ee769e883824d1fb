"""Hostile and odd input: every file a user can write is handled, never a traceback.

Two knowledge bases are built once per module and read by many small tests:

- an *invalid* one, where each file holds one kind of hostile or broken input
  and must get exactly one clear problem (file, line, fix), all in one run;
- an *odd but valid* one (byte-order marks, CRLF, emoji, a 5 MB document,
  template syntax in text, …) that must build with ``--strict`` and show
  each file's text as written.

Both run the real command line in a subprocess, so a traceback, a crash of
the YAML library or a hang would show, and both check that the sources are
byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from opskb.pipeline import load_kb

from tests.conftest import MKDOCS_YML, RUNBOOK_RESET, SUITE_EPOCH, SYSTEM_VPN, page, write_kb


def tree_digest(folder: Path) -> dict[str, str]:
    """Path → SHA-256 of every file below ``folder`` (symbolic links by their target)."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def sources_digest(root: Path) -> dict[str, str]:
    """The digest of what authors write: ``mkdocs.yml``, ``content/`` and ``runbooks/``."""
    digest = {"mkdocs.yml": hashlib.sha256((root / "mkdocs.yml").read_bytes()).hexdigest()}
    for top in ("content", "runbooks"):
        digest.update({f"{top}/{k}": v for k, v in tree_digest(root / top).items()})
    return digest


def opskb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``opskb ARGS`` in a fresh interpreter, as a user runs it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SUITE_EPOCH}
    return subprocess.run(
        [sys.executable, "-m", "opskb.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs": nine aliases, each a list of nine of the one before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\ntitle: Bomb\n---\nBody.\n"


# --- invalid input: one problem each -------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A file that must get exactly one problem: on ``line``, saying ``says``."""

    path: str
    content: str | bytes
    says: str
    line: int
    key: str = ""
    level: str = "error"


BAD = [
    Bad("content/articles/alias-bomb.md", alias_bomb(), "expands to more than", 2),
    Bad(
        "content/articles/deep-nesting.md",
        "---\ntitle: Deep\ntags: " + "[" * 60_000 + "]" * 60_000 + "\n---\n",
        "more than 500 levels deep",
        3,
    ),
    Bad(
        "content/articles/deep-block.md",
        "---\ntitle: Deep\ntags:\n" + "- " * 60_000 + "x\n---\n",
        "more than 500 levels deep",
        4,
    ),
    Bad(
        "content/articles/latin-1.md",
        "---\ntitle: Café\n---\nBody\n".encode("latin-1"),
        "not UTF-8",
        2,
    ),
    Bad("content/articles/tabs.md", "---\ntitle: Tabs\nowner:\n\tname: x\n---\n", "tabs", 4),
    Bad("content/articles/list.md", "---\n- a\n- b\n---\nBody\n", "is a list", 2),
    Bad("content/articles/scalar.md", "---\njust some words\n---\nBody\n", "single str", 2),
    Bad(
        "content/articles/duplicate.md",
        "---\ntitle: One\nowner: x\ntitle: Two\n---\n",
        "set twice",
        4,
        key="title",
    ),
    Bad("content/articles/unclosed.md", "---\ntitle: Open\n\nBody\n", "never closed", 1),
    Bad(
        "content/articles/python-tag.md",
        "---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\n",
        "YAML tag",
        2,
    ),
    Bad(
        "content/articles/text-for-date.md",
        "---\ntitle: T\nlast_reviewed: last spring\n---\n",
        "must be a date",
        3,
        key="last_reviewed",
    ),
    Bad(
        "content/articles/impossible-date.md",
        "---\ntitle: T\nlast_reviewed: 2026-02-30\n---\n",
        "must be a date",
        3,
        key="last_reviewed",
    ),
    Bad(
        "content/articles/far-future.md",
        "---\ntitle: T\nlast_reviewed: 9999-12-31\n---\n",
        "outside the years",
        3,
        key="last_reviewed",
    ),
    Bad(
        "content/articles/text-for-number.md",
        "---\ntitle: T\nreview_every: ninety\n---\n",
        "whole number of days",
        3,
        key="review_every",
    ),
    Bad(
        "content/articles/huge-number.md",
        "---\ntitle: T\nreview_every: " + "9" * 5000 + "\n---\n",
        "whole number of days",
        3,
        key="review_every",
    ),
    Bad(
        "content/articles/mapping-for-text.md",
        "---\ntitle: {text: x}\n---\n",
        "must be text",
        2,
        key="title",
    ),
    Bad(
        "content/articles/_defaults.yml",
        "owner: Ops\ntags: " + "[" * 60_000 + "]" * 60_000 + "\n",
        "more than 500 levels deep",
        2,
    ),
    Bad(
        "runbooks/vpn/climbs-out.md",
        "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\nowner: Desk\n"
        "last_reviewed: 2026-05-01\nrelated: [../../etc/passwd]\n---\nBody\n",
        "leaves the knowledge base",
        7,
        key="related",
    ),
    Bad(
        "runbooks/vpn/links-out.md",
        "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\nowner: Desk\n"
        "last_reviewed: 2026-05-01\n---\nSee [the users](../../../../etc/passwd).\n",
        "leaves the knowledge base",
        8,
        level="warning",
    ),
]
SYMLINKS = {  # name in the KB → target outside it
    "content/articles/passwd.md": "/etc/passwd",
    "content/etc": "/etc",
    "runbooks/vpn/hosts": "/etc/hosts",
}
TOO_LARGE = "content/articles/too-large.md"


@dataclass
class Run:
    root: Path
    check: subprocess.CompletedProcess[str]
    check_json: list[dict]
    build: subprocess.CompletedProcess[str]
    sources_before: dict[str, str]
    sources_after: dict[str, str]

    def problems(self, path: str) -> list[dict]:
        return [p for p in self.check_json if p["path"] == path]


@pytest.fixture(scope="module")
def invalid(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = write_kb(
        tmp_path_factory.mktemp("invalid") / "kb",
        {
            "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
            "content/systems/vpn.md": SYSTEM_VPN,
            "runbooks/vpn/reset-token.md": RUNBOOK_RESET,
        },
    )
    for bad in BAD:
        file = root / bad.path
        file.parent.mkdir(parents=True, exist_ok=True)
        data = bad.content if isinstance(bad.content, bytes) else bad.content.encode()
        file.write_bytes(data)
    for name, target in SYMLINKS.items():
        os.symlink(target, root / name)
    with (root / TOO_LARGE).open("wb") as file:
        file.truncate(21 * 1024 * 1024)  # sparse: big on paper, cheap on disk
    before = sources_digest(root)
    check = opskb("check", "--kb", root, "--format", "json")
    build = opskb("build", "--kb", root)
    text_check = opskb("check", "--kb", root)
    return Run(
        root,
        text_check,
        json.loads(check.stdout),
        build,
        before,
        sources_digest(root),
    )


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.path.rsplit("/", 1)[-1])
def test_each_hostile_file_gets_one_clear_problem(invalid: Run, bad: Bad) -> None:
    found = invalid.problems(bad.path)
    assert len(found) == 1, found
    problem = found[0]
    assert bad.says in problem["message"] + " " + problem["hint"]
    assert (problem["line"], problem["level"]) == (bad.line, bad.level)
    assert problem["key"] == bad.key
    assert problem["hint"], "every problem says how to fix it"
    where = f"{bad.path}:{bad.line}: {bad.level}"
    assert where in invalid.check.stdout


@pytest.mark.parametrize("name", sorted(SYMLINKS))
def test_symbolic_links_out_of_the_knowledge_base_are_refused(invalid: Run, name: str) -> None:
    (problem,) = invalid.problems(name)
    assert problem["level"] == "error"
    assert "outside the knowledge base" in problem["message"]
    assert "copy" in problem["hint"]


def test_a_file_over_the_size_limit_is_refused_unread(invalid: Run) -> None:
    (problem,) = invalid.problems(TOO_LARGE)
    assert "the limit is 20 MiB" in problem["message"] and problem["hint"]


def test_check_and_build_report_everything_at_once_without_a_traceback(invalid: Run) -> None:
    for result in (invalid.check, invalid.build):
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
    build_output = invalid.build.stderr
    for bad in BAD:
        assert f"{bad.path}:{bad.line}:" in build_output
    assert "previous site is untouched" in build_output
    assert not (invalid.root / "site").exists()
    summary = invalid.check.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ errors?, \d+ warnings? in \d+ files?", summary)


def test_nothing_outside_the_knowledge_base_is_read_into_a_message(invalid: Run) -> None:
    everything = invalid.check.stdout + invalid.build.stderr
    assert "root:x:0:0" not in everything  # /etc/passwd's first line
    assert not Path("touch pwned").exists() and not (invalid.root / "pwned").exists()


def test_sources_are_unchanged_by_check_and_a_failed_build(invalid: Run) -> None:
    assert invalid.sources_after == invalid.sources_before


# --- odd but valid input: builds, shows the text as written -----------------------

FRESH = "owner: Ops\nlast_reviewed: 2026-05-01\n"
PARAGRAPH = " ".join(f"word{i % 997}" for i in range(6000))
ODD = {
    "content/articles/bom.md": "\ufeff---\ntitle: Byte order mark\n" + FRESH + "---\nBOM body\n",
    "content/articles/crlf.md": (
        "---\r\ntitle: Windows line ends\r\n" + FRESH.replace("\n", "\r\n") + "---\r\n"
        "First line\r\n\r\nSecond paragraph\r\n"
    ),
    "content/articles/empty.md": "",
    "content/articles/only-fences.md": "---\n---\n",
    "content/articles/emoji.md": (
        '---\ntitle: "🔥 Ünïcödé — 日本語"\nowner: Zoë 🚀\nlast_reviewed: 2026-05-01\n'
        'tags: ["🔥"]\n---\nBody 🎉\n'
    ),
    "content/articles/numbers.md": (
        "---\ntitle: 2026\nowner: 42\ntags: [1, 2.5, true]\n"
        "last_reviewed: '2026-05-01'\nreview_every: '90'\n---\nNumbers.\n"
    ),
    "content/articles/date-title.md": "---\ntitle: 2026-01-31\nowner: 2026-02-01\n"
    "last_reviewed: 2026-05-01\n---\nDates.\n",
    "content/articles/with space+plus.md": "---\ntitle: Spaces and plus\n" + FRESH + "---\nx\n",
    "content/articles/template.md": (
        '---\ntitle: "Disk {{ 7*7 }} full {% raw %}"\nowner: "{{ config }}"\n'
        "last_reviewed: 2026-05-01\n---\n"
        "Alert `{{ $labels.instance }}` fired.\n\n"
        "{{ $labels.job }} on {{ .Values.host }} and {% if x %}y{% endif %} {# c #}\n"
    ),
    "content/articles/huge.md": "---\ntitle: Huge\n" + FRESH + "---\n" + (PARAGRAPH + "\n\n") * 100,
    "content/articles/long-line.md": "---\ntitle: Long line\n"
    + FRESH
    + "---\n"
    + "x" * 1_000_000
    + "\n",
    "runbooks/vpn/_defaults.yml": "tier: L1\nsystems: [vpn]\nescalate_when: [it fails]\n" + FRESH,
    "runbooks/vpn/severity.md": "Severity: high\nImpact: all users\n\nCall the NOC.\n",
}


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = write_kb(
        tmp_path_factory.mktemp("odd") / "kb",
        {
            "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
            "content/systems/vpn.md": SYSTEM_VPN.replace("2026-01-01", "2026-05-01"),
            "runbooks/vpn/reset-token.md": RUNBOOK_RESET.replace("2026-01-01", "2026-05-01"),
        },
        # the 5 MB document must build, however busy the machine: its time is not the test
        config=MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n      slow_page: 600\n"),
    )
    for rel, text in ODD.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))  # exactly these bytes, no dedent
    before = sources_digest(root)
    result = opskb("build", "--kb", root, "--strict")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sources_digest(root) == before, "a build never writes into the sources"
    return root, root / "site"


def article_text(site: Path, url: str) -> str:
    """The text a reader sees in the page's article, tags removed, entities decoded."""
    markup = page(site, url)
    article = markup[markup.index("<article") : markup.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("articles/bom/", ["Byte order mark", "BOM body"]),
        ("articles/crlf/", ["Windows line ends", "First line", "Second paragraph"]),
        ("articles/empty/", ["Empty"]),
        ("articles/only-fences/", ["Only fences"]),
        ("articles/emoji/", ["🔥 Ünïcödé — 日本語", "Zoë 🚀", "#🔥", "Body 🎉"]),
        ("articles/numbers/", ["2026", "42", "#2.5", "#true"]),
        ("articles/date-title/", ["2026-01-31", "2026-02-01"]),
        ("articles/with space+plus/", ["Spaces and plus"]),
        ("articles/huge/", ["word996"]),
        ("articles/long-line/", ["x" * 1000]),
    ],
)
def test_odd_but_valid_files_build_and_show_their_text(odd, url: str, shown: list[str]) -> None:
    _, site = odd
    text = article_text(site, url)
    for part in shown:
        assert part in text


def test_a_5_mb_document_is_published_whole(odd) -> None:
    _, site = odd
    assert article_text(site, "articles/huge/").count("word996") == 6 * 100


def test_text_is_never_evaluated_as_a_template(odd) -> None:
    _, site = odd
    text = article_text(site, "articles/template/")
    assert "Disk {{ 7*7 }} full {% raw %}" in text
    assert "{{ config }}" in text
    assert "{{ $labels.instance }}" in text and "{{ $labels.job }}" in text
    assert "{{ .Values.host }}" in text and "{% if x %}y{% endif %}" in text
    assert "49" not in text
    assert "{{ 7*7 }}" in html.unescape(page(site, "articles/template/").split("<title>")[1])


def test_a_runbook_starting_with_key_value_lines_keeps_them(odd) -> None:
    _, site = odd
    text = article_text(site, "runbooks/vpn/severity/")
    assert "Severity: high" in text and "Impact: all users" in text
    assert "Call the NOC." in text


def test_a_folder_link_inside_the_knowledge_base_only_warns(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path / "kb",
        {"content/systems/vpn.md": SYSTEM_VPN, "runbooks/vpn/reset-token.md": RUNBOOK_RESET},
    )
    (root / "runbooks/alias").symlink_to("vpn", target_is_directory=True)
    result = opskb("check", "--kb", root, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout) if p["path"] == "runbooks/alias"]
    assert problem["level"] == "warning" and "real place" in problem["message"]


def test_pathological_lines_are_read_in_linear_time(make_kb) -> None:
    """Lines that made our regular expressions backtrack quadratically (minutes each).

    Loading stops being quick if one comes back; Markdown rendering of such
    lines is the engine's business and authors' Markdown is trusted.
    """
    body = "\n\n".join(
        ["[" * 100_000 + "](x", "[a](" * 100_000, "[a](<" * 100_000, "# a" + " #" * 100_000 + "b"]
    )
    root = make_kb(
        {
            "content/articles/brackets.md": "---\ntitle: Brackets\n---\n" + body,
            "content/articles/spaces.md": "---\ntitle: Spaces\na" + " " * 100_000 + "b\n---\n",
            "content/articles/heading.md": "# a" + " #" * 100_000 + "b\n\nText.\n",
        }
    )
    kb = load_kb(root)
    assert kb.catalog.by_path["content/articles/brackets.md"].body.startswith("[[[")
    assert kb.catalog.by_path["content/articles/heading.md"].title.startswith("a # #")
    assert [p.code for p in kb.problems if p.path == "content/articles/spaces.md"] == ["yaml"]


ODD_NAMES = ["sp ace+plus", "50%", "hash#1", "q?x", 'a"b', "it's", "ünï 🔥", "<b>x</b>"]


def test_odd_file_names_build_and_every_link_to_them_works(make_kb, build) -> None:
    runbook = "---\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\nSteps for this one.\n"
    root = make_kb({f"runbooks/vpn/{name}.md": runbook for name in ODD_NAMES})
    site = build(root)
    system_page = site / "systems/vpn/index.html"
    markup = system_page.read_text(encoding="utf-8")
    assert "<b>x</b>" not in markup  # a title taken from a file name is escaped too
    # as a browser reads them: a raw '#' or '?' would cut the path short
    hrefs = re.findall(r'href="([^"]*runbooks/vpn/[^"]*)"', markup)
    links = [urlsplit(html.unescape(href)) for href in hrefs]
    targets = {unquote(link.path) for link in links if not link.scheme}
    for name in ODD_NAMES:
        target = f"../../runbooks/vpn/{name}/"
        assert target in targets, name
        page_file = (system_page.parent / target / "index.html").resolve()
        assert "Steps for this one." in page_file.read_text(encoding="utf-8")
    # the search page's results link to the same pages (Pagefind keeps each page's URL)
    found = set()
    for fragment in (site / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        link = urlsplit(json.loads(data[data.index(b"{") :])["url"])
        assert not link.fragment and not link.query, link
        assert (site / unquote(link.path).strip("/") / "index.html").is_file(), link
        found.add(unquote(link.path))
    assert {f"/runbooks/vpn/{name}/" for name in ODD_NAMES} <= found


def test_a_title_with_control_characters_builds_and_shows_as_written(make_kb, build) -> None:
    """YAML's escapes let a title hold DEL and C1 controls, which a YAML reader refuses
    raw: the page's generated front matter must still read back."""
    title = "Reset\x7f the \x85token\x9f now"
    root = make_kb(
        {
            "runbooks/vpn/reset-token.md": RUNBOOK_RESET.replace(
                "title: Reset VPN token", 'title: "Reset\\x7f the \\x85token\\x9f now"'
            )
        }
    )
    site = build(root)
    shown = page(site, "runbooks/vpn/reset-token/")
    assert "opskb_kind" not in shown  # the front matter was read, not printed as text
    assert f"<title>{html.escape(' '.join(title.split()))} - Test KB</title>" in shown
