"""Source freshness: which files changed since the index last saw them, without loading any."""

from __future__ import annotations

import os
from pathlib import Path

from opskb.search.sources import SourceScan, scan_sources

OLD = 1_600_000_000_000_000_000  # a modification time long settled, in ns


def _kb(root: Path) -> Path:
    files = {
        "mkdocs.yml": "site_name: KB\n",
        "content/index.md": "# Home\n",
        "runbooks/vpn/reset.md": "# Reset\n",
        "runbooks/vpn/_defaults.yml": "systems: [vpn]\n",
        "runbooks/vpn/notes.txt": "not a document\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(OLD, OLD))
    return root


def _scan(root: Path) -> SourceScan:
    return scan_sources(root, "content", "runbooks")


def test_the_scan_stamps_documents_and_defaults_files_only(tmp_path: Path) -> None:
    scan = _scan(_kb(tmp_path))
    assert sorted(scan.documents) == ["content/index.md", "runbooks/vpn/reset.md"]
    assert list(scan.defaults) == ["runbooks/vpn/_defaults.yml"]
    assert scan.documents["runbooks/vpn/reset.md"] == (OLD, len("# Reset\n"))
    assert scan.config == (OLD, len("site_name: KB\n"))


def test_an_unchanged_tree_has_nothing_to_reload(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    recorded = _scan(root).to_json()
    assert _scan(root).changes(recorded) == (False, [], [])


def test_a_changed_new_or_removed_document_is_named(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    recorded = _scan(root).to_json()
    (root / "runbooks/vpn/reset.md").write_text("# Reset, longer\n", encoding="utf-8")
    (root / "runbooks/vpn/new.md").write_text("# New\n", encoding="utf-8")
    (root / "content/index.md").unlink()
    assert _scan(root).changes(recorded) == (
        False,
        ["runbooks/vpn/new.md", "runbooks/vpn/reset.md"],
        ["content/index.md"],
    )


def test_a_changed_config_or_defaults_file_means_reload_all(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    recorded = _scan(root).to_json()
    (root / "runbooks/vpn/_defaults.yml").write_text("systems: [mail]\n", encoding="utf-8")
    assert _scan(root).changes(recorded) == (True, [], [])

    recorded = _scan(root).to_json()
    (root / "mkdocs.yml").write_text("site_name: Other KB\n", encoding="utf-8")
    assert _scan(root).changes(recorded) == (True, [], [])
    assert _scan(root).changes(None) == (True, [], [])


def test_a_file_still_being_written_is_recorded_unstamped_so_it_is_read_again(
    tmp_path: Path,
) -> None:
    root = _kb(tmp_path)
    (root / "runbooks/vpn/reset.md").write_text("# Reset\n", encoding="utf-8")  # just now
    recorded = _scan(root).to_json()
    assert recorded["documents"]["runbooks/vpn/reset.md"] == [0, 0]
    assert recorded["documents"]["content/index.md"] == [OLD, len("# Home\n")]
    assert _scan(root).changes(recorded) == (False, ["runbooks/vpn/reset.md"], [])
