"""Rebuilds: unchanged pages keep the previous build's HTML; changed ones are rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.reuse import BuildRecord, SiteRecords, load_record, save_record

from bench.synthetic import SyntheticKB, write_kb
from tests.conftest import page, run_cli

PLANTED = "<!-- planted in the previous site -->"


def _url(path: str) -> str:
    return path.removeprefix("content/").removesuffix(".md") + "/"


def _plant(site: Path, url: str) -> None:
    """Mark a page of the built site, to see whether a rebuild reuses or rewrites it."""
    html_file = site / url / "index.html"
    html_file.write_text(html_file.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")


def _edit(kb: SyntheticKB, path: str, text: str) -> None:
    with (kb.root / path).open("a", encoding="utf-8") as handle:
        handle.write(f"\n{text}\n")


@pytest.fixture
def synthetic(tmp_path: Path, build) -> tuple[SyntheticKB, Path]:
    kb = write_kb(tmp_path / "kb", documents=60, seed=5)
    return kb, build(kb.root)


def test_a_rebuild_renders_the_edited_runbook_and_reuses_the_rest(synthetic, build) -> None:
    kb, site = synthetic
    edited = kb.published_runbooks[0]
    # A page whose Markdown cannot change with that edit (related-document lists may).
    untouched = next(p for s, p in sorted(kb.systems.items()) if s != kb.system_of[edited])
    for path in (edited, untouched):
        _plant(site, _url(path))
    _plant(site, "playbooks/" + kb.tiers[edited].lower() + "/")
    _edit(kb, edited, "Call the vendor hotline zephyrquartz before rebooting.")

    site = build(kb.root)

    assert PLANTED in page(site, _url(untouched))
    rewritten = page(site, _url(edited))
    assert PLANTED not in rewritten and "zephyrquartz" in rewritten
    playbook = page(site, "playbooks/" + kb.tiers[edited].lower() + "/")
    assert PLANTED not in playbook and "zephyrquartz" in playbook


def test_a_changed_configuration_renders_every_page_again(synthetic, build) -> None:
    kb, site = synthetic
    untouched = kb.published_runbooks[-1]
    _plant(site, _url(untouched))
    config = kb.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("Synthetic KB", "Renamed KB"), "utf-8"
    )

    site = build(kb.root)

    html = page(site, _url(untouched))
    assert PLANTED not in html and "Renamed KB" in html


def test_a_failed_build_leaves_nothing_for_the_next_one_to_trust(synthetic, build) -> None:
    kb, site = synthetic
    edited = kb.published_runbooks[0]
    untouched = next(p for s, p in sorted(kb.systems.items()) if s != kb.system_of[edited])
    _plant(site, _url(untouched))
    broken = kb.root / edited
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good.replace("tier: L", "tier: X", 1), encoding="utf-8")
    assert run_cli("build", "--kb", str(kb.root), "-q").exit_code == 1
    assert PLANTED in page(site, _url(untouched))  # the failed build changed nothing
    broken.write_text(good + "\nFixed: quillonbright\n", encoding="utf-8")

    site = build(kb.root)

    assert "quillonbright" in page(site, _url(edited))
    assert PLANTED in page(site, _url(untouched))


def test_a_theme_shipped_with_the_engine_is_told_by_its_version_a_custom_one_by_its_files(
    tmp_path: Path,
) -> None:
    """Material ships some 15,000 theme files: its version stands for them in the digest,
    while a theme folder of the knowledge base is stamped file by file."""
    import material
    from opskb.reuse import _tree_stamp, context_digest

    material_templates = Path(material.__file__).resolve().parent / "templates"
    assert _tree_stamp(material_templates) == "material"
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: X\n", encoding="utf-8")
    custom = tmp_path / "overrides" / "partials"
    custom.mkdir(parents=True)
    (custom / "footer.html").write_text("a", encoding="utf-8")
    dirs = [str(tmp_path / "overrides"), str(material_templates)]
    before = context_digest(config, [], dirs)
    assert context_digest(config, [], dirs) == before
    (custom / "footer.html").write_text("ab", encoding="utf-8")
    assert context_digest(config, [], dirs) != before


def _site(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "index.html").write_text(name, encoding="utf-8")
    return folder


def test_a_build_record_is_read_back_for_its_folder_not_for_another_put_at_its_path(
    tmp_path: Path,
) -> None:
    cache, site = tmp_path / "cache", _site(tmp_path, "site")
    record = BuildRecord("context-1", {"runbooks/vpn/reset.md": "d1", "index.md": "d2"})
    save_record(cache, site, record)
    assert load_record(cache, site) == record

    # what a build does: a new folder takes the site's place (another engine's, say)
    replacement = _site(tmp_path, "staging")
    (tmp_path / "old").mkdir()
    site.rename(tmp_path / "old" / "site")
    replacement.rename(site)
    assert load_record(cache, site) is None


def test_records_of_site_folders_that_are_gone_leave_the_store(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kept, temporary = _site(tmp_path, "site"), _site(tmp_path, "preview")
    save_record(cache, temporary, BuildRecord("c", {"a.md": "1"}))
    save_record(cache, kept, BuildRecord("c", {"a.md": "2"}))
    assert len(SiteRecords(cache).entries) == 2

    for file in temporary.iterdir():
        file.unlink()
    temporary.rmdir()
    save_record(cache, kept, BuildRecord("c", {"a.md": "3"}))

    store = SiteRecords(cache)
    assert [extra["site"] for _, extra in store.entries.values()] == [str(kept.resolve())]
    assert len(list(store.folder.iterdir())) == 1  # rewritten as one pack: gone from disk too
    assert load_record(cache, kept) == BuildRecord("c", {"a.md": "3"})


def test_the_record_files_of_earlier_releases_are_removed(tmp_path: Path) -> None:
    cache, site = tmp_path / "cache", _site(tmp_path, "site")
    cache.mkdir()
    earlier = cache / "pages-0123456789abcdef.json"
    earlier.write_text('{"version": 1, "context": "", "pages": {}}', encoding="utf-8")
    save_record(cache, site, BuildRecord("c", {}))
    assert not earlier.exists()
    assert sorted(p.name for p in cache.iterdir()) == ["sites"]
