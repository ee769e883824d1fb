"""Overview pages on a random knowledge base, checked against what was written.

One synthetic knowledge base is built once with ``--strict``; every expected
value comes from the source files (read here with PyYAML) and the synthetic
writer's record, never from opskb's own catalogue.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import statistics
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bench.synthetic import REFERENCE_DATE, write_kb
from tests.conftest import page, run_cli

TIERS = ("L1", "L2", "L3", "L4")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")


# --- reading HTML ------------------------------------------------------------


class _Tables(HTMLParser):
    """Every table row of a page as the plain text of its cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            lines = "".join(self._cell).split("\n")
            self.rows[-1].append("\n".join(" ".join(line.split()) for line in lines).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def rows(fragment: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(fragment)
    return [r for r in parser.rows if r]


def text(fragment: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def article(page_html: str) -> str:
    start = page_html.index("<article")
    return page_html[start : page_html.index("</article>", start)]


def sections(page_html: str, level: int = 2) -> dict[str, str]:
    """The article split at each ``<hN>``: heading text → its HTML up to the next heading
    of that level or above."""
    body = article(page_html)
    starts = [m.start() for m in re.finditer(rf"<h[1-{level}][ >]", body)]
    found = {}
    for begin, end in zip(starts, [*starts[1:], len(body)], strict=True):
        chunk = body[begin:end]
        heading = chunk[: chunk.index("</h")]
        found[text(heading)] = chunk
    return found


def cells_of(table_rows: list[list[str]], first: str, width: int | None = None) -> list[str]:
    """The one row whose first cell starts with the line ``first`` (and has ``width`` cells)."""
    matches = [
        r
        for r in table_rows
        if r and r[0].split("\n")[0] == first and (width is None or len(r) == width)
    ]
    assert len(matches) == 1, f"{first!r}: {len(matches)} rows"
    return matches[0]


# --- what was written ----------------------------------------------------------


def front_matter(path: Path) -> dict:
    source = path.read_text(encoding="utf-8")
    return yaml.safe_load(source.split("---\n", 2)[1])


def minutes_text(minutes: float) -> str:
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


def when(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory):
    """About 260 documents (≈200 runbooks, 50 incidents, drafts, old and fresh reviews)."""
    root = tmp_path_factory.mktemp("overview")
    written = write_kb(root, documents=260, seed=11)
    result = run_cli("build", "--kb", str(root), "-q", "--strict")
    assert result.exit_code == 0, result.output
    meta = {p: front_matter(root / p) for p in written.paths}
    return written, meta, root / "site"


def test_every_ladder_cell_and_vendor_detail_is_on_the_escalation_matrix(kb) -> None:
    written, meta, site = kb
    matrix = rows(page(site, "escalation/"))
    for sid, path in written.systems.items():
        row = cells_of(matrix, written.system_titles[sid], width=5)
        ladder = meta[path]["escalation"]
        for index, tier in enumerate(TIERS, start=1):
            cell = row[index]
            step = ladder[tier]
            for key in ("team", "contact", "hours", "response"):
                assert str(step[key]) in cell, (sid, tier, key, cell)
        vendor = ladder["L4"]
        vendor_row = cells_of(matrix, written.system_titles[sid], width=7)
        assert vendor_row[1:4] == [vendor["vendor"], vendor["contract"], vendor["portal"]]


def test_the_matrix_counts_and_links_each_tiers_runbooks(kb) -> None:
    written, _, site = kb
    counts = Counter((written.system_of[p], written.tiers[p]) for p in written.published_runbooks)
    matrix = rows(page(site, "escalation/"))
    for sid in written.systems:
        row = cells_of(matrix, written.system_titles[sid], width=5)
        for index, tier in enumerate(TIERS, start=1):
            n = counts[(sid, tier)]
            expected = f"{n} runbook{'s' if n != 1 else ''}" if n else "no runbooks"
            assert row[index].endswith(expected), (sid, tier, row[index])
    assert f'href="../playbooks/l1/#sys-{sorted(written.systems)[0]}"' in page(site, "escalation/")


def test_each_escalation_path_is_a_static_diagram_of_the_whole_ladder(kb) -> None:
    written, meta, site = kb
    diagrams = sections(page(site, "escalation/"), level=3)
    for sid, path in written.systems.items():
        chunk = diagrams[written.system_titles[sid]]
        svg = re.search(r'<svg class="opskb-diagram".*?</svg>', chunk, re.S)[0]
        label = html.unescape(re.search(r'aria-label="([^"]*)"', svg)[1])
        ladder = " → ".join(f"{t} {meta[path]['escalation'][t]['team']}" for t in TIERS)
        assert label.endswith(ladder), (sid, label)
        heads = re.findall(r'<text class="opskb-dia-head"[^>]*>(L[1-4]) ·', svg)
        assert heads == list(TIERS)
        assert svg.count('class="opskb-dia-arrow"') == len(TIERS) - 1
    assert "mermaid" not in page(site, "escalation/")


def test_every_published_runbook_is_on_its_tiers_playbook_and_no_draft_on_any(kb) -> None:
    written, _, site = kb
    playbooks = {tier: page(site, f"playbooks/{tier.lower()}/") for tier in TIERS}
    for tier, page_html in playbooks.items():
        shown = {
            text(m[2])
            for m in re.finditer(
                r'<(h3|p) class="opskb-pb-runbook"[^>]*>(.*?)</\1>', page_html, re.S
            )
        }
        expected = {
            written.titles[p] for p in written.published_runbooks if written.tiers[p] == tier
        }
        assert shown == expected, tier
        lookup = text(article(page_html))
        for path in written.published_runbooks:
            if written.tiers[path] == tier:
                assert written.symptom[path] in lookup, path
    everything = " ".join(text(article(p)) for p in playbooks.values())
    for draft in written.drafts:
        assert written.titles[draft] not in everything, draft
        assert written.symptom[draft] not in everything, draft


def test_every_l1_playbook_section_names_the_systems_l2_contact(kb) -> None:
    written, meta, site = kb
    found = sections(page(site, "playbooks/l1/"))
    for sid, path in written.systems.items():
        section = text(found[written.system_titles[sid]])
        l2 = meta[path]["escalation"]["L2"]
        assert (
            f"Escalate to L2: {l2['team']} · {l2['contact']} · response {l2['response']}" in section
        )
        # and each runbook's card, beside its steps, names it again
        assert f"→ L2 · {l2['team']} ({written.system_titles[sid]})" in section


def test_every_system_page_lists_all_its_runbooks_and_incidents_newest_first(kb) -> None:
    written, meta, site = kb
    incidents_of = defaultdict(list)
    for path in written.incidents:
        incidents_of[meta[path]["systems"][0]].append(path)
    for sid in written.systems:
        page_html = page(site, f"systems/{sid}/")
        parts = sections(page_html)
        runbooks = text(parts["Runbooks"])
        for path in written.published_runbooks:
            if written.system_of[path] == sid:
                assert written.titles[path] in runbooks, path
        for draft in written.drafts:
            assert written.titles[draft] not in runbooks
        history = rows(parts["Incident history"])[1:]
        expected = sorted(incidents_of[sid], key=lambda p: (meta[p]["date"], p), reverse=True)
        assert [r[2] for r in history] == [written.titles[p] for p in expected]
        for row, path in zip(history, expected, strict=True):
            assert row[0] == meta[path]["date"].isoformat()
            assert row[1] == meta[path]["severity"]
            if "resolved_at" in meta[path]:
                took = when(meta[path]["resolved_at"]) - when(meta[path]["detected_at"])
                assert row[4] == minutes_text(took.total_seconds() / 60)
            else:
                assert row[4] == "—"


def test_every_incident_is_on_the_incidents_page_with_its_facts(kb) -> None:
    written, meta, site = kb
    listing = rows(sections(page(site, "incidents/"))["All incidents"])[1:]
    assert len(listing) == len(written.incidents)
    by_title = {r[2]: r for r in listing}
    for path in written.incidents:
        row = by_title[written.titles[path]]
        fm = meta[path]
        assert row[0] == fm["date"].isoformat()
        assert row[1] == fm["severity"]
        assert row[3] == written.system_titles[fm["systems"][0]]
        assert row[4] == fm["status"]
        assert row[6].startswith(fm.get("root_cause", "—"))


def test_incident_counts_by_severity_and_category_are_right(kb) -> None:
    written, meta, site = kb
    parts = sections(page(site, "incidents/"), level=3)
    severity = Counter(meta[p]["severity"] for p in written.incidents)
    shown = {r[0]: int(r[1]) for r in rows(parts["By severity"])[1:]}
    assert shown == {sev: severity.get(sev, 0) for sev in SEVERITIES}
    category = Counter(meta[p].get("root_cause_category", "not set") for p in written.incidents)
    shown = {r[0]: int(r[1]) for r in rows(parts["By root cause"])[1:]}
    assert shown == dict(category)


def test_median_and_worst_time_to_resolve_by_system_are_right(kb) -> None:
    written, meta, site = kb
    table = rows(sections(page(site, "incidents/"))["Time to resolve"])
    minutes = defaultdict(list)
    counts = Counter()
    for path in written.incidents:
        fm = meta[path]
        sid = fm["systems"][0]
        counts[sid] += 1
        if "resolved_at" in fm:
            took = when(fm["resolved_at"]) - when(fm["detected_at"])
            minutes[sid].append(took.total_seconds() / 60)
    assert len(table) - 1 == len(counts)
    for sid, n in counts.items():
        row = cells_of(table, written.system_titles[sid])
        assert row[1:3] == [str(n), str(len(minutes[sid]))]
        if minutes[sid]:
            assert row[3] == minutes_text(statistics.median(minutes[sid]))
            assert row[4] == minutes_text(max(minutes[sid]))


def test_recurring_root_causes_are_those_seen_twice_within_90_days(kb) -> None:
    written, meta, site = kb
    dates = defaultdict(list)
    for path in written.incidents:
        fm = meta[path]
        if "root_cause_category" in fm:
            dates[(fm["systems"][0], fm["root_cause_category"])].append(fm["date"])
    expected = set()
    for key, days in dates.items():
        days.sort()
        if any((b - a).days <= 90 for a, b in itertools.pairwise(days)):
            expected.add(key)
    listed = text(sections(page(site, "incidents/"))["Recurring root causes"])
    titles = {sid: written.system_titles[sid] for sid in written.systems}
    for sid, category in dates:
        line = f"{titles[sid]} · {category} ("
        assert (line in listed) == ((sid, category) in expected), (sid, category)


def test_open_action_items_and_the_monthly_chart_match_the_write_ups(kb) -> None:
    written, meta, site = kb
    page_html = page(site, "incidents/")
    actions = rows(sections(page_html)["Open action items"])[1:]
    today = REFERENCE_DATE
    expected = []
    for path in written.incidents:
        for item in meta[path].get("action_items", []):
            if not item["done"]:
                expected.append(("overdue" if item["due"] < today else "open", item["title"]))
    assert sorted((r[0], r[1]) for r in actions) == sorted(expected)
    bars = re.findall(r"<title>(\d{4}-\d{2}) · (SEV\d): (\d+)</title>", page_html)
    per_month = Counter()
    for month, severity, count in bars:
        per_month[(month, severity)] += int(count)
    expected_months = Counter(
        (meta[p]["date"].strftime("%Y-%m"), meta[p]["severity"]) for p in written.incidents
    )
    assert per_month == expected_months


def test_every_workaround_is_on_known_issues_under_its_system(kb) -> None:
    written, meta, site = kb
    found = sections(page(site, "known-issues/"))
    for path in written.incidents:
        fm = meta[path]
        section = text(found[written.system_titles[fm["systems"][0]]])
        assert written.titles[path] in section
        assert f"Workaround: {fm['workaround']}" in section


def test_review_lists_every_overdue_document_and_none_of_the_fresh_ones(kb) -> None:
    written, meta, site = kb
    listed = [
        r[0].split("\n")[0].strip() for r in rows(page(site, "review/"))[0:] if r[0] != "Document"
    ]
    listed_set = set(listed)
    assert len(listed) == len(listed_set)
    for path in written.overdue_reviews | written.without_owner | written.drafts:
        assert written.titles[path] in listed_set, path
    fresh = [
        p
        for p in written.paths
        if p not in written.overdue_reviews | written.without_owner | written.drafts
        and meta[p].get("owner")
    ]
    assert fresh
    for path in fresh:
        assert written.titles.get(path, meta[path].get("title")) not in listed_set, path


def test_the_home_page_counts_what_needs_review_and_links_the_review_page(kb) -> None:
    written, meta, site = kb
    home = text(article(page(site, "")))
    overdue = len(written.overdue_reviews - written.drafts)
    owners = {p for p in written.paths if not meta[p].get("owner")}
    assert f"{overdue} documents overdue for review" in home
    assert f"{len(owners)} documents without an owner" in home
    assert f"{len(written.drafts)} drafts" in home
    assert 'href="review/"' in page(site, "")


def test_a_tier_with_many_runbooks_links_steps_instead_of_repeating_them(tmp_path, monkeypatch):
    from opskb.pages import playbooks

    written = write_kb(tmp_path / "kb", documents=60, seed=3, related=False)
    monkeypatch.setattr(playbooks, "EMBED_LIMIT", 2)
    site = tmp_path / "site"
    result = run_cli("build", "--kb", written.root, "-q", "--strict", "-d", site)
    assert result.exit_code == 0, result.output
    l1 = page(site, "playbooks/l1/")
    assert "steps are on its own page" in l1
    first = next(p for p in written.published_runbooks if written.tiers[p] == "L1")
    body_line = written.root.joinpath(first).read_text().split("---\n", 2)[2].strip()
    assert body_line.splitlines()[-1] not in l1
    assert "open the runbook</a>" in l1
    # each title a heading to assistive technology; the contents list systems, not runbooks
    titles = re.findall(r'<p aria-level="3" class="opskb-pb-runbook" id="([^"]+)" role', l1)
    assert len(titles) == sum(written.tiers[p] == "L1" for p in written.published_runbooks)
    linked = set(re.findall(r'<a href="#([^"]+)" class="md-nav__link"', l1))
    assert any(anchor.startswith("sys-") for anchor in linked)
    assert not linked & set(titles) and "<h3" not in article(l1)


def test_each_overview_job_renders_the_page_its_uri_names(kb) -> None:
    """Pages are linked to (from the home page) before they are rendered: each overview
    job's URI must be the page it gives."""
    from opskb.pages import overview
    from opskb.pipeline import load_kb

    written, _, _ = kb
    jobs = overview.page_jobs(load_kb(written.root).catalog)
    assert [job().src_uri for _, job in jobs] == [uri for uri, _ in jobs]
    assert len({uri for uri, _ in jobs}) == len(jobs) >= 8
