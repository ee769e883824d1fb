"""``mkdocs.yml``: a setting of the wrong type is one problem naming the file, the line
and the fix, for every command, and never a traceback."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.whole_site.test_hostile import opskb, sources_digest

START = "site_name: Test KB\ndocs_dir: content\nmarkdown_extensions: [admonition, tables, toc]\n"
THEME = "theme:\n  name: material\n"
PLUGINS = "plugins:\n  - search\n  - opskb\n"

# (mkdocs.yml, the line the problem names, what it says)
WRONG = {
    "plugins: 5": (START + THEME + "plugins: 5\n", 6, "'plugins' must be a list of plugins"),
    "plugins: {opskb: 5}": (
        START + THEME + "plugins: {search: {}, opskb: 5}\n",
        6,
        "'opskb' must be a mapping of options, not a number (5)",
    ),
    "review_every: x": (
        START + THEME + "plugins:\n  - search\n  - opskb:\n      review_every: x\n",
        9,
        "'opskb.review_every' must be a whole number of days, not 'x'",
    ),
    "flow review_every": (
        START + THEME + 'plugins: [search, opskb: {review_every: "x"}]\n',
        6,
        "'opskb.review_every' must be a whole number of days",
    ),
    "theme: 5": (START + "theme: 5\n" + PLUGINS, 4, "'theme' must be a theme name or a mapping"),
    "docs_dir: [1]": (
        "site_name: Test KB\ndocs_dir: [1]\n" + THEME + PLUGINS,
        2,
        "'docs_dir' must be a folder name, not a list",
    ),
    "empty": ("", 1, "mkdocs.yml is empty"),
    "a list": ("- site_name: Test KB\n", 1, "mkdocs.yml must be a mapping of settings"),
}

COMMANDS = {
    "check": ["check"],
    "build": ["build", "-q"],
    "search": ["search", "token"],
    "new": ["new", "runbook", "--title", "Renew", "--tier", "L1", "--system", "vpn"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", WRONG)
def test_a_wrongly_typed_setting_is_one_problem_for_every_command(
    make_kb, case: str, command: str
) -> None:
    config, line, message = WRONG[case]
    root = make_kb({"mkdocs.yml": config})
    sources = sources_digest(root)
    result = run_cli(*COMMANDS[command], "--kb", root)
    assert result.exit_code == 1, result.output
    assert f"mkdocs.yml:{line}: error" in result.output and message in result.output
    assert "\n    fix: " in result.output
    assert sources_digest(root) == sources, "nothing is written"
    assert not (root / "site").exists()


@pytest.mark.parametrize("case", ["plugins: 5", "theme: 5", "empty"])
def test_serve_reports_a_wrongly_typed_setting_before_it_starts(make_kb, case: str) -> None:
    config, line, message = WRONG[case]
    root = make_kb({"mkdocs.yml": config})
    result = opskb("serve", "--kb", root, "-a", "127.0.0.1:0")
    assert result.returncode == 1
    assert f"mkdocs.yml:{line}: error" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_every_wrong_setting_is_reported_in_one_run(make_kb) -> None:
    config = (
        "site_name: [Test KB]\ndocs_dir: content\nuse_directory_urls: sometimes\n"
        "theme: {name: material, custom_dir: 7}\n"
        "plugins:\n  - search\n  - 5\n  - opskb:\n      include_drafts: 'no'\n      workers: many\n"
    )
    result = run_cli("check", "--kb", make_kb({"mkdocs.yml": config}))
    assert result.exit_code == 1
    for line, key in [
        (1, "site_name"),
        (3, "use_directory_urls"),
        (4, "theme.custom_dir"),
        (7, "plugins.1"),
        (9, "opskb.include_drafts"),
        (10, "opskb.workers"),
    ]:
        assert f"mkdocs.yml:{line}: error [{key}]" in result.output, key


def test_env_tags_are_read_as_mkdocs_reads_them(make_kb, monkeypatch) -> None:
    """``!ENV [NAME, default]``: the variable when set, else the default."""
    monkeypatch.setenv("KB_SITE_DIR", "public")
    monkeypatch.delenv("KB_SITE_NAME", raising=False)
    config = (
        "site_name: !ENV [KB_SITE_NAME, Test KB]\nsite_dir: !ENV [KB_SITE_DIR, site]\n"
        + START.split("\n", 1)[1]
        + THEME
        + PLUGINS
    )
    root = make_kb({"mkdocs.yml": config})
    result = run_cli("build", "--kb", root, "-q", "--strict")
    assert result.exit_code == 0, result.output
    assert (root / "public" / "index.html").is_file()
    assert "<title>Home - Test KB</title>" in (root / "public" / "index.html").read_text()
