"""The options of the ``opskb`` plugin entry: one schema, read by the core and declared to
MkDocs alike, each checked with the line and a fix."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from opskb.config import Settings, load_settings
from opskb.fields import Invalid
from opskb.options import OPTIONS

from tests.conftest import MKDOCS_YML

#: Settings fields whose option has another name
FIELD = {"tags": "allowed_tags"}


def _with_options(root: Path, options: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = MKDOCS_YML.replace("  - opskb\n", "  - opskb:\n" + options)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def test_the_settings_default_to_what_the_schema_says() -> None:
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for name, option in OPTIONS.items():
        assert defaults[FIELD.get(name, name)] == option.default, name


def test_without_options_every_setting_is_its_default(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings == Settings(root=tmp_path, site_name="Test KB")


def test_the_mkdocs_adapter_declares_every_option_with_its_default() -> None:
    from opskb.engines.mkdocs.plugin import OpskbConfig

    declared = OpskbConfig()
    declared.load_dict({})
    errors, warnings = declared.validate()
    assert errors == [] and warnings == []
    expected = {
        name: list(o.default) if isinstance(o.default, tuple) else o.default
        for name, o in OPTIONS.items()
    }
    assert dict(declared) == expected


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("slow_page", 2.5, "ten"),
        ("workers", 3, 1.5),
        ("related", False, "no"),
        ("runbooks_dir", "ops", ["ops"]),
        ("review_every", 90, "often"),
        ("alert_rules", ["alerts/*.yml"], [""]),
        ("search_synonyms", [["vpn", "remote access"]], ["vpn"]),
        ("engine", "zensical", "hugo"),
    ],
)
def test_each_option_takes_a_good_value_and_refuses_a_bad_one_with_a_fix(name, good, bad) -> None:
    read = OPTIONS[name].read
    taken = read(good)
    assert taken == (
        tuple(map(tuple, good))
        if name == "search_synonyms"
        else tuple(good)
        if isinstance(good, list)
        else good
    )
    with pytest.raises(Invalid) as refused:
        read(bad)
    assert refused.value.args  # says what is wrong, and how to write it


def test_a_wrong_option_is_a_problem_on_its_line_and_the_default_is_used(tmp_path: Path) -> None:
    root = _with_options(tmp_path / "kb", "      related: false\n      slow_page: ten\n")
    settings, problems = load_settings(root)
    assert settings.related is False and settings.slow_page == OPTIONS["slow_page"].default
    (problem,) = problems
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].strip() == "slow_page: ten"
    assert "'opskb.slow_page' must be a number of seconds" in problem.message
    assert "slow_page: 10" in problem.hint


def test_a_set_option_reaches_the_settings(tmp_path: Path) -> None:
    root = _with_options(tmp_path / "kb", "      slow_page: 2.5\n      tags: []\n")
    settings, problems = load_settings(root)
    assert problems == []
    assert settings.slow_page == 2.5
    assert settings.allowed_tags == ()  # an empty list: no tag allowed, not "any tag"
