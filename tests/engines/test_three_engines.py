"""One knowledge base, three engines: MkDocs, ProperDocs and Zensical build the same site.

Each engine builds the sample knowledge base once and a small synthetic one
twice (for determinism), each in a process of its own as `opskb build
--engine` runs for a user (ProperDocs takes over the `mkdocs` imports of the
process it runs in). The sites are compared page by page.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from opskb.config import load_settings

from bench.synthetic import write_kb as write_synthetic
from tests.conftest import SUITE_EPOCH, SYSTEM_VPN, copy_sample, page, run_cli

ENGINES = ("mkdocs", "properdocs", "zensical")
GENERATOR = {
    "mkdocs": "mkdocs-1.",
    "properdocs": "ProperDocs 1.",
    "zensical": "zensical-",
}


def opskb(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``opskb ARGS`` in a new process, as a user runs it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SUITE_EPOCH}
    command = [sys.executable, "-c", "from opskb.cli import main; main()", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def built(root: Path, engine: str, site: Path) -> Path:
    result = opskb("build", "--kb", root, "--engine", engine, "-d", site, "-q", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def pages(site: Path) -> dict[str, str]:
    """Every page of a site by URL, with its ``<title>``."""
    found = {}
    for path in sorted(site.rglob("index.html")):
        url = path.parent.relative_to(site).as_posix() + "/"
        title = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
        found["" if url == "./" else url] = html.unescape(title[1].strip()) if title else ""
    return found


def files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The sample knowledge base (a copy) and its site built by each engine."""
    root = copy_sample(tmp_path_factory.mktemp("sample"))
    return root, {e: built(root, e, root.parent / f"{root.name}-{e}") for e in ENGINES}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """A 40-document synthetic knowledge base built twice by each engine."""
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic(root, documents=40, seed=5)
    return {
        e: tuple(built(root, e, root.parent / f"{root.name}-{e}-{n}") for n in (1, 2))
        for e in ENGINES
    }


def test_each_engine_builds_the_sample_with_our_plugin_or_staged_tree(sample) -> None:
    _, sites = sample
    for engine, site in sites.items():
        home = (site / "index.html").read_text(encoding="utf-8")
        generator = re.search(r'<meta name="generator" content="([^"]*)"', home)[1]
        assert GENERATOR[engine] in generator, (engine, generator)
        assert (site / "api" / "catalog.json").is_file(), engine
        assert (site / "pagefind" / "pagefind-entry.json").is_file(), engine


def test_the_three_sample_sites_have_the_same_pages_with_the_same_titles(sample) -> None:
    _, sites = sample
    mkdocs = pages(sites["mkdocs"])
    assert len(mkdocs) >= 60
    for url in ("", "escalation/", "playbooks/l1/", "incidents/", "search/"):
        assert url in mkdocs
    assert mkdocs["runbooks/vpn/reset-token/"].startswith("Reset a VPN hardware token")
    for engine in ("properdocs", "zensical"):
        assert pages(sites[engine]) == mkdocs, engine


def test_the_three_synthetic_sites_have_the_same_pages_with_the_same_titles(synthetic) -> None:
    mkdocs = pages(synthetic["mkdocs"][0])
    assert len(mkdocs) >= 40
    for engine in ("properdocs", "zensical"):
        assert pages(synthetic[engine][0]) == mkdocs, engine


@pytest.mark.parametrize("engine", ENGINES)
def test_each_engine_builds_byte_identical_sites_from_the_same_sources(synthetic, engine) -> None:
    first, second = synthetic[engine]
    assert files(first) == files(second)


def test_every_engine_publishes_the_same_catalogue_and_search_records(sample) -> None:
    _, sites = sample
    catalog = {e: json.loads((s / "api" / "catalog.json").read_bytes()) for e, s in sites.items()}
    # the offline copies are made from each engine's HTML: the same copies, other bytes
    offline = {e: c.pop("offline") for e, c in catalog.items()}
    assert catalog["properdocs"] == catalog["mkdocs"] == catalog["zensical"]
    assert any(d["url"] == "runbooks/vpn/reset-token/" for d in catalog["zensical"]["documents"])
    for engine, copies in offline.items():
        assert {t: (c["url"], c["runbooks"]) for t, c in copies.items()} == {
            t: (c["url"], c["runbooks"]) for t, c in offline["mkdocs"].items()
        }, engine
        for copy in copies.values():
            data = (sites[engine] / copy["url"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == copy["sha256"], engine
    records = {e: (s / "pagefind" / ".opskb-records").read_bytes() for e, s in sites.items()}
    assert records["properdocs"] == records["mkdocs"] == records["zensical"]


def test_the_runbook_page_carries_our_parts_on_every_engine(sample) -> None:
    _, sites = sample
    for engine, site in sites.items():
        runbook = page(site, "runbooks/vpn/reset-token")
        assert "opskb-card" in runbook or "opskb-escalat" in runbook, engine
        assert "assets/opskb/opskb.css" in runbook, engine
        assert 'class="md-search opskb-hsearch"' in runbook, engine  # our header search box
        assert (site / "assets" / "opskb" / "search.js").is_file(), engine


def test_no_engine_makes_every_page_fetch_the_text_of_the_whole_site(sample) -> None:
    _, sites = sample
    theme_indexes = {
        "mkdocs": "search/search_index.json",
        "properdocs": "search/search_index.json",
        "zensical": "search.json",  # fetched by every page of Zensical's theme
    }
    for engine, index in theme_indexes.items():
        assert (
            json.loads((sites[engine] / index).read_text(encoding="utf-8"))[
                "docs" if engine != "zensical" else "items"
            ]
            == []
        ), engine


def test_the_terminal_search_finds_a_runbook_after_a_zensical_build(sample) -> None:
    root, _ = sample
    result = opskb("search", "--kb", root, "token out of sync", "--json")
    assert result.returncode == 0, result.stderr
    assert "runbooks/vpn/reset-token" in result.stdout


def test_opskb_stage_writes_a_tree_any_engine_can_build(sample, tmp_path: Path) -> None:
    root, sites = sample
    before = files(root / "content") | files(root / "runbooks")
    result = opskb("stage", "--kb", root, tmp_path / "tree")
    assert result.returncode == 0, result.stderr
    tree = tmp_path / "tree"
    config = (tree / "mkdocs.yml").read_text(encoding="utf-8")
    assert "!!python/name:pymdownx.superfences.fence_code_format" in config
    loaded = yaml.load(config, Loader=yaml.Loader)
    assert loaded["docs_dir"] == "docs" and loaded["theme"]["custom_dir"] == "overrides"
    assert loaded["theme"]["variant"] == "classic"  # Material's look, which our overrides fit
    assert loaded["extra_css"][-1] == "assets/opskb/staged.css"
    assert "opskb" not in str(loaded["plugins"])
    staged = {p.relative_to(tree / "docs").as_posix() for p in (tree / "docs").rglob("*.md")}
    expected = {
        url + "index.md" if url.endswith("/") or not url else url for url in pages(sites["mkdocs"])
    }
    assert len(staged) == len(expected)
    assert "runbooks/vpn/reset-token.md" in staged and "escalation/index.md" in staged
    runbook = (tree / "docs" / "runbooks" / "vpn" / "reset-token.md").read_text(encoding="utf-8")
    assert runbook.startswith("---\n") and "opskb-" in runbook
    assert (tree / "overrides" / "partials" / "search.html").is_file()
    assert (tree / "overrides" / "partials" / "copyright.html").is_file()  # the KB's own
    assert files(root / "content") | files(root / "runbooks") == before


def test_opskb_stage_refuses_a_folder_inside_the_sources(sample) -> None:
    root, _ = sample
    result = opskb("stage", "--kb", root, root / "content" / "tree")
    assert result.returncode == 1
    assert "inside its sources" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "content" / "tree").exists()


def test_opskb_stage_replaces_its_own_tree_but_no_other_folder(make_kb, tmp_path: Path) -> None:
    root = make_kb()
    tree = tmp_path / "tree"
    assert opskb("stage", "--kb", root, tree).returncode == 0
    assert opskb("stage", "--kb", root, tree).returncode == 0  # again: its own tree
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "mine.md").write_text("# Mine\n", encoding="utf-8")
    result = opskb("stage", "--kb", root, project)
    assert result.returncode == 1 and "holds no staged tree" in result.stderr
    assert (project / "docs" / "mine.md").read_text(encoding="utf-8") == "# Mine\n"


def test_the_engine_option_is_the_default_and_a_wrong_one_is_a_problem(make_kb) -> None:
    config = "plugins:\n  - search\n  - opskb:\n      engine: {}\n"
    base = "site_name: Test KB\ndocs_dir: content\ntheme:\n  name: material\n"
    root = make_kb(config=base + config.format("zensical"))
    settings, problems = load_settings(root)
    assert settings.engine == "zensical" and problems == []
    bad = make_kb(name="bad", config=base + config.format("jekyll"))
    _, problems = load_settings(bad)
    (problem,) = problems
    assert problem.path == "mkdocs.yml" and problem.line == 8 and problem.is_error
    assert "'jekyll'" in problem.as_text() and "mkdocs, properdocs, zensical" in problem.as_text()


def test_the_engine_option_picks_the_engine_of_opskb_build(make_kb, tmp_path: Path) -> None:
    config = (
        "site_name: Test KB\ndocs_dir: content\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - opskb:\n      engine: zensical\n"
    )
    root = make_kb(config=config)
    result = opskb("build", "--kb", root, "-q")
    assert result.returncode == 0, result.stderr
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="zensical-' in home
    assert not [p for p in root.parent.iterdir() if p.name.startswith(".site-build-")]


def test_serve_with_zensical_says_it_cannot_and_what_to_do(make_kb) -> None:
    result = run_cli("serve", "--kb", make_kb(), "--engine", "zensical")
    assert result.exit_code == 1
    assert "opskb serve --engine mkdocs" in result.output and "Traceback" not in result.output


def test_a_second_engine_in_one_process_is_refused_plainly(make_kb) -> None:
    import mkdocs  # this process has MkDocs now, as after any in-process build

    assert mkdocs.__name__ == "mkdocs"
    root = make_kb()
    result = run_cli("build", "--kb", root, "--engine", "properdocs", "-q")
    assert result.exit_code == 1
    assert "loaded mkdocs already" in result.output and "Traceback" not in result.output
    assert not (root / "site").exists()


HOSTILE = '<script>alert("t")</script> & ]]: {{ x }} *a* `b` # c'


def test_hostile_front_matter_is_inert_in_the_staged_tree_and_the_zensical_site(
    make_kb, tmp_path: Path
) -> None:
    system = SYSTEM_VPN.replace("title: VPN", f"title: {yaml.safe_dump(HOSTILE).strip()}")
    root = make_kb(
        {
            "content/systems/vpn.md": system,
            "runbooks/vpn/hostile.md": (
                "---\n"
                f"title: {yaml.safe_dump(HOSTILE).strip()}\n"
                "tier: L1\nsystems: [vpn]\n"
                f"symptoms: [{yaml.safe_dump(HOSTILE).strip()}]\n"
                'escalate_when: ["it fails"]\n'
                "---\nSteps.\n"
            ),
        }
    )
    result = opskb("stage", "--kb", root, tmp_path / "tree")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((tmp_path / "tree" / "mkdocs.yml").read_text(encoding="utf-8"))
    titles = [t for item in config["nav"] for t in _titles(item)]
    assert html.escape(HOSTILE, quote=True) in titles  # as the MkDocs adapter escapes it
    site = built(root, "zensical", tmp_path / "site")
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml", ".js") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert '<script>alert("t")' not in text, path
    runbook = page(site, "runbooks/vpn/hostile")
    shown = html.unescape(re.sub(r"<[^>]+>", "", runbook))
    assert HOSTILE in shown  # the text itself is shown, as written


def _titles(item):
    for title, value in item.items():
        yield title
        if isinstance(value, list):
            for child in value:
                yield from _titles(child)


def test_a_failed_zensical_build_leaves_the_previous_site(make_kb, tmp_path: Path) -> None:
    root = make_kb()
    site = built(root, "zensical", tmp_path / "site")
    before = files(site)
    # an extension Zensical cannot load makes it fail after our pages were staged
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("  - toc\n", "  - toc\n  - no_such_extension_opskb\n"), encoding="utf-8"
    )
    result = opskb("build", "--kb", root, "--engine", "zensical", "-d", site)
    assert result.returncode == 1
    assert (
        "Zensical failed" in result.stderr
        and "Traceback (most" not in result.stderr.split("Zensical failed")[0]
    )
    assert "previous site is untouched" in result.stderr
    assert files(site) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]
