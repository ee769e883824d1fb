"""Shared fixtures: tiny knowledge bases written into a temporary folder."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session", autouse=True)
def _own_user_cache(tmp_path_factory: pytest.TempPathFactory):
    """The user's cache folder (the key signing kept loads) is the test session's own, for
    this process and every command it runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


REPO = Path(__file__).resolve().parent.parent

MKDOCS_YML = """\
site_name: Test KB
docs_dir: content
theme:
  name: material
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc
plugins:
  - search
  - opskb
"""

SYSTEM_VPN = """\
---
title: VPN
owner: Network Team
escalation:
  L1: {team: Service Desk, contact: "ext. 4000", hours: "24x7", response: 15m}
  L2: {team: NetOps, contact: "netops@example.com", hours: "office hours", response: 1h}
  L3: {team: Network Engineering, contact: "pager neteng", hours: "24x7", response: 30m}
  L4:
    team: Vendor support
    contact: "+1 555 0100"
    hours: "24x7"
    response: 4h
    vendor: Lattice
    contract: "C-1"
    portal: "https://support.example.com"
last_reviewed: 2026-01-01
---
The remote access VPN.
"""

RUNBOOK_RESET = """\
---
title: Reset VPN token
tier: L1
systems: [vpn]
owner: Service Desk
symptoms: ["token code invalid"]
escalate_when: ["token still fails after resync"]
last_reviewed: 2026-01-01
---
## Steps

1. Resync the token.
"""


#: The sample knowledge base's sources: what a copy of it needs to build.
SAMPLE_PARTS = ("mkdocs.yml", "content", "runbooks", "theme", "templates", "alerts")


def copy_sample(folder: Path) -> Path:
    """A copy of the repository's sample knowledge base (its sources only) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, folder / part)
        else:
            shutil.copyfile(source, folder / part)
    return folder


def write_kb(root: Path, files: dict[str, str], *, config: str = MKDOCS_YML) -> Path:
    """Write a knowledge base: ``mkdocs.yml`` plus ``files`` (path → text, dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    if "mkdocs.yml" not in files:
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """``make_kb({"runbooks/vpn/reset.md": "..."})`` → the knowledge base's root.

    A VPN system and an L1 runbook are included unless ``minimal=False`` is
    replaced by files of the same path.
    """

    def make(
        files: dict[str, str] | None = None,
        *,
        base: bool = True,
        name: str = "kb",
        config: str = MKDOCS_YML,
    ) -> Path:
        content = {"content/index.md": "---\ntitle: Home\n---\nWelcome.\n"}
        if base:
            content["content/systems/vpn.md"] = SYSTEM_VPN
            content["runbooks/vpn/reset-token.md"] = RUNBOOK_RESET
        content.update(files or {})
        return write_kb(tmp_path / name, content, config=config)

    return make


SUITE_EPOCH = "1780272000"  # 2026-06-01, the day every test runs on


@pytest.fixture(scope="session", autouse=True)
def _fixed_date():
    """Every test, and every fixture of any scope, runs on the same day: 2026-06-01.

    Session-wide, so a module's built site sees the day its tests see: a sample runbook
    turning overdue for review on the real calendar changes nothing here.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SUITE_EPOCH)
        yield


def run_cli(*args: str):
    """Run ``opskb ARGS`` in-process; returns click's result (exit_code, output, stderr)."""
    from click.testing import CliRunner
    from opskb.cli.commands import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def build():
    """``build(root)`` builds the site with ``--strict`` and returns its folder."""

    def run(root: Path, *extra: str, strict: bool = True) -> Path:
        args = ["build", "--kb", str(root), "-q", *extra]
        if strict:
            args.append("--strict")
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        return root / "site"

    return run


def page(site: Path, url: str) -> str:
    """The HTML of the page at ``url`` (e.g. ``runbooks/vpn/reset-token/``)."""
    return (site / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample knowledge base built once per test process (``--strict``); its site folder.

    Read it, never change it: every test that looks at the sample shares it.
    """
    out = tmp_path_factory.mktemp("sample") / "site"
    result = run_cli("build", "--kb", REPO, "--strict", "-q", "-d", out)
    assert result.exit_code == 0, result.output
    return out
