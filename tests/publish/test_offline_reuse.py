"""Offline copies on a rebuild: whole copies taken by key, the others made from parts."""

from __future__ import annotations

from pathlib import Path

from opskb.pipeline import load_kb
from opskb.publish.offline import write_offline_copies
from opskb.publish.offline_reuse import CopyParts, CopyReuse

from tests.conftest import RUNBOOK_RESET
from tests.publish.test_offline import L2_RUNBOOK, NEIGHBOUR, PIXEL


def _kb(make_kb) -> Path:
    return make_kb(
        {
            "runbooks/vpn/reconnect.md": NEIGHBOUR,
            "runbooks/vpn/client.png": PIXEL,
            "runbooks/vpn/profile.md": L2_RUNBOOK,
            "runbooks/vpn/rotate.md": RUNBOOK_RESET.replace("Reset VPN token", "Rotate keys"),
        }
    )


def _copies(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "offline").iterdir())}


def _counting(parts: CopyParts) -> list[str]:
    """The keys of the parts ``parts`` is given from now on (rewritten pages)."""
    added: list[str] = []
    put = parts.put

    def counted(key, entry) -> None:
        added.append(key)
        put(key, entry)

    parts.put = counted  # type: ignore[method-assign]
    return added


def test_copies_made_from_parts_equal_copies_made_whole(make_kb, build, tmp_path) -> None:
    root = _kb(make_kb)
    site = build(root)
    catalog = load_kb(root).catalog
    whole = _copies(site)
    cache = tmp_path / "cache"

    first = write_offline_copies(catalog, site, CopyReuse(parts=CopyParts(cache)))
    assert _copies(site) == whole
    parts = CopyParts(cache)  # read back from its folder
    added = _counting(parts)
    again = write_offline_copies(catalog, site, CopyReuse(parts=parts))

    assert _copies(site) == whole and again == first
    assert added == []  # every page came from the parts


def test_one_edited_runbook_rewrites_one_part_of_its_tier(make_kb, build, tmp_path) -> None:
    root = _kb(make_kb)
    site = build(root)
    cache = tmp_path / "cache"
    write_offline_copies(load_kb(root).catalog, site, CopyReuse(parts=CopyParts(cache)))
    with (root / "runbooks/vpn/rotate.md").open("a", encoding="utf-8") as handle:
        handle.write("\nKeep the old key a day: tallowmere.\n")
    site = build(root)
    cold = _copies(site)

    parts = CopyParts(cache)
    added = _counting(parts)
    write_offline_copies(load_kb(root).catalog, site, CopyReuse(parts=parts))

    read = [key for key in added if key.startswith("page ")]  # a page's HTML read, by stamp
    assert len(added) - len(read) == 1  # one part rewritten
    # the rebuild hard-linked every other page from the last site: none read again
    assert len(read) == 1
    assert _copies(site) == cold and b"tallowmere" in cold["l1.html"]


def test_a_copy_is_taken_only_for_its_key_and_hard_linked(tmp_path) -> None:
    previous, site = tmp_path / "previous", tmp_path / "site"
    (previous / "offline").mkdir(parents=True)
    (site / "offline").mkdir(parents=True)
    (previous / "offline" / "l1.html").write_text("the previous copy", encoding="utf-8")
    reuse = CopyReuse(previous, {"offline/l1.html": "k1", "offline/l2.html": "k2"})

    assert not reuse.take("offline/l1.html", "other", site / "offline" / "l1.html")
    assert not reuse.take("offline/l2.html", "k2", site / "offline" / "l2.html")  # gone
    assert reuse.take("offline/l1.html", "k1", site / "offline" / "l1.html")

    taken = site / "offline" / "l1.html"
    assert taken.samefile(previous / "offline" / "l1.html")
    assert reuse.taken == ["offline/l1.html"]
    assert reuse.made == {"offline/l1.html": "k1", "offline/l2.html": "k2"}


def test_pages_rewritten_in_two_processes_give_the_copies_one_process_gives(
    make_kb, build, tmp_path
) -> None:
    root = _kb(make_kb)
    site = build(root)
    catalog = load_kb(root).catalog
    alone = write_offline_copies(catalog, site, workers=1)
    one = _copies(site)

    shared = write_offline_copies(catalog, site, CopyReuse(parts=CopyParts()), workers=2)

    assert _copies(site) == one and shared == alone
