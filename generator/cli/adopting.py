"""``opskb adopt DIR``: what a folder copied from another repository needs to become
part of the knowledge base, written for it, and what is left for a human.

It writes the system page (when the system has none) and the folder's
``_defaults.yml`` with an adoption map filled in from what the folder's files
hold (keys other tools name differently, alert-named files, dated file
names), never overwriting either; then it checks the knowledge base and
sums up the problems below the folder by code and by file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..check.validate import kind_from_path
from ..model import Kind, Tier
from ..names import FOLDER_PAGES, is_markdown
from ..pipeline import load_kb
from ..problems import Problem
from ..sources.load import load_document
from ..sources.walk import DEFAULTS_FILE, relative_path, walk_sources
from .authoring import AuthoringError, NewDocument, create_document

__all__ = ["AdoptionReport", "adopt_folder", "format_report"]

#: Keys other tools write for what opskb reads under another name.
KNOWN_ALIASES = {
    "last_reviewed_on": "last_reviewed",
    "last_reviewed_at": "last_reviewed",
    "last_review": "last_reviewed",
    "reviewed_on": "last_reviewed",
    "review_in": "review_every",
    "review_interval": "review_every",
    "maintainer": "owner",
    "owners": "owner",
    "start_time": "detected_at",
    "started_at": "detected_at",
    "end_time": "resolved_at",
    "ended_at": "resolved_at",
}
#: Keys an incident's date may be read from, when its file name holds none.
DATE_KEYS = ("start_time", "started_at", "published", "published_at", "source_published_at")
#: What Prometheus allows as an alert's name; a file named so, with a capital letter in it
#: (NodeDown, etcdNoLeader, Watchdog), is taken for an alert's runbook
_ALERT_NAME = "[A-Za-z_][A-Za-z0-9_]*"
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: Plain-text notes a team may have written as Markdown: ``adopt: {extensions: [...]}``
#: reads them as documents.
PLAIN_TEXT = (".txt", ".text", ".mdx")
TOP_FILES = 5


@dataclass
class AdoptionReport:
    folder: str  # below the knowledge base root
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files that existed, left as they were
    found: list[str] = field(default_factory=list)  # what the adoption map says, in words
    unread: Counter = field(default_factory=Counter)  # other files' suffixes, with counts
    problems: list[Problem] = field(default_factory=list)  # below the folder, after adopting


def adopt_folder(
    root: Path, folder: Path, system_id: str, tier: Tier, owner: str = ""
) -> AdoptionReport:
    """Adopt ``folder`` (inside the knowledge base at ``root``); raises AuthoringError."""
    kb = load_kb(root)
    settings = kb.settings
    try:
        rel = relative_path(settings.root.resolve(), folder.resolve())
    except ValueError:
        rel = ""
    tops = (settings.runbooks_dir, settings.content_dir)
    if not rel or rel.split("/")[0] not in tops or not folder.is_dir():
        raise AuthoringError(
            f"{folder} is not a folder inside the knowledge base's "
            f"{settings.runbooks_dir}/ or {settings.content_dir}/: copy the repository's "
            f"files to e.g. {settings.runbooks_dir}/{system_id}/ first"
        )
    report = AdoptionReport(rel)
    if system_id in kb.catalog.systems:
        system_page = kb.catalog.systems[system_id].path
        report.kept.append(system_page)
    else:
        request = NewDocument(Kind.SYSTEM, system_id, system_id=system_id, owner=owner)
        written = create_document(root, request)
        system_page = relative_path(settings.root.resolve(), written.resolve())
        report.written.append(system_page)
    defaults = folder / DEFAULTS_FILE
    if defaults.exists():
        report.kept.append(f"{rel}/{DEFAULTS_FILE}")
    else:
        text = _defaults_text(settings, rel, system_id, tier, owner, report)
        with defaults.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
        report.written.append(f"{rel}/{DEFAULTS_FILE}")
    below = rel + "/"
    after = load_kb(root).problems
    report.problems = [p for p in after if p.path.startswith(below) or p.path == system_page]
    return report


def _defaults_text(settings, rel: str, system_id: str, tier: Tier, owner: str, report) -> str:
    sources = walk_sources(settings)
    below = rel + "/"
    keys: Counter = Counter()
    stems: list[str] = []
    dated = undated = 0
    root = settings.root.resolve()
    for source in sources.documents:
        if not source.rel.startswith(below):
            continue
        raw, _ = load_document(root, source.path)
        keys.update(k for k in raw.meta if k not in ("date",))
        stem = PurePosixPath(source.rel).name.split(".", 1)[0]
        if stem in FOLDER_PAGES:
            continue
        stems.append(stem)
        if raw.meta.get("date") in (None, ""):
            dated, undated = (dated + 1, undated) if _DATED.match(stem) else (dated, undated + 1)
    for source in sources.files:
        if source.rel.startswith(below) and not is_markdown(source.rel):
            name = PurePosixPath(source.rel).name
            if name.endswith(PLAIN_TEXT):
                report.unread[PurePosixPath(name).suffix] += 1
            elif ".md." in name or name.endswith((".erb", ".rst", ".adoc")):
                report.unread[name[name.index(".") :]] += 1
    incidents = kind_from_path(f"{rel}/x.md", settings) is Kind.INCIDENT
    lines = [
        "# Keys every document below this folder shares unless it sets them itself,",
        "# and how to read the documents as their repository wrote them.",
        f"tier: {tier.text}",
        f"systems: [{json.dumps(system_id)}]",
    ]
    if owner:
        lines.append(f"owner: {json.dumps(owner)}")
    if incidents:
        lines += [
            "# assumed for every write-up: set each incident's own where it differs",
            "status: resolved",
            "severity: SEV3",
            "root_cause: unknown",
        ]
    aliases = {old: new for old, new in KNOWN_ALIASES.items() if keys[old] and not keys[new]}
    derive = []
    alerts = [s for s in stems if re.fullmatch(_ALERT_NAME, s) and not s.islower()]
    if not incidents and stems and len(alerts) * 2 > len(stems) and not keys["alerts"]:
        derive.append(f"alerts: {{from: file_name, match: {json.dumps(_ALERT_NAME)}}}")
        report.found.append(f"{len(alerts)} alert-named files: alerts from the file name")
    if incidents and dated:
        derive.append("date: {from: file_date}")
        report.found.append(f"{dated} dated file names: date from the file name")
    present = [key for key in DATE_KEYS if keys[key]]
    if incidents and undated and present and not dated:
        derive.append(f"date: {{from: key, key: [{', '.join(present)}]}}")
        report.found.append(f"incident dates from {', '.join(present)}")
    for old, new in aliases.items():
        count = keys[old]
        files = f"{count} file writes" if count == 1 else f"{count} files write"
        report.found.append(f"{files} '{old}' for '{new}'")
    if aliases or derive:
        lines.append("adopt:")
        if aliases:
            pairs = ", ".join(f"{old}: {new}" for old, new in aliases.items())
            lines.append(f"  aliases: {{{pairs}}}")
        if derive:
            lines += ["  derive:", *(f"    {entry}" for entry in derive)]
    return "\n".join(lines) + "\n"


def format_report(report: AdoptionReport) -> str:
    """What was written, what the folder's files say, and what still needs a human."""
    out = [f"wrote {path}" for path in report.written]
    out += [f"kept {path} (it exists; not changed)" for path in report.kept]
    out += [f"found: {line}" for line in report.found]
    for suffix, count in sorted(report.unread.items()):
        files = f"{count} file{'s' * (count != 1)} ending '{suffix}'"
        if suffix in PLAIN_TEXT:
            out.append(
                f"not read: {files}; if they are Markdown, add to "
                f"{report.folder}/{DEFAULTS_FILE}: adopt: {{extensions: [{suffix}]}}"
            )
        else:
            out.append(f"not read: {files} (not Markdown)")
    problems = report.problems
    if not problems:
        out.append(f"{report.folder}/: no problems; build the site with `opskb build`")
        return "\n".join(out)
    errors = sum(p.is_error for p in problems)
    files = Counter(p.path for p in problems)
    warnings = len(problems) - errors
    out.append(
        f"still needs a human in {report.folder}/ and its system page: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        f"in {len(files)} file{'s' * (len(files) != 1)}"
    )
    codes = Counter((p.level.value, p.code, p.key) for p in problems)
    for (level, code, key), count in sorted(codes.items(), key=lambda c: (-c[1], c[0])):
        out.append(f"  {count:5}  {level} {code}" + (f" [{key}]" if key else ""))
    out.append("  most problems:")
    for path, count in sorted(files.items(), key=lambda f: (-f[1], f[0]))[:TOP_FILES]:
        out.append(f"  {count:5}  {path}")
    out.append("each one, with its line and fix: `opskb check`")
    return "\n".join(out)
