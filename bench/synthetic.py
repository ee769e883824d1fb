"""Synthetic knowledge bases: realistic, random and reproducible, of any size.

Benchmarks need thousands of documents and tests need to check pages against
what was written without trusting our own loader. :func:`write_kb` writes a
knowledge base that passes ``opskb check`` and ``opskb build --strict``, and
returns a :class:`SyntheticKB` saying what it wrote (paths by kind, drafts,
each runbook's unique symptom phrase, overdue reviews, …). The same seed
always writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["REFERENCE_DATE", "SyntheticKB", "write_kb"]

REFERENCE_DATE = dt.date(2026, 6, 1)  # "today" that fresh and overdue reviews are relative to
REVIEW_EVERY = 180

MKDOCS_YML = """\
site_name: {name}
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
  - opskb:
      review_every: {review_every}{extra}
"""

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_AREAS = (
    "payments", "billing", "identity", "vpn", "email", "erp", "warehouse", "crm", "payroll",
    "fleet", "telematics", "printing", "wifi", "storage", "backup", "dns", "ci", "wiki",
    "chat", "tickets", "laptops", "phones", "edge", "analytics", "search", "orders", "customs",
    "tracking", "invoicing", "scanning",
)  # fmt: skip
_PARTS = ("api", "db", "gateway", "portal", "queue", "cluster", "sync", "agent", "cache", "web")
_TEAMS = (
    "Platform",
    "Network",
    "Workplace",
    "Data",
    "Finance Systems",
    "Logistics Apps",
    "Security",
)
_VENDORS = ("Lattice", "Northwind", "Corvid", "Tessellate", "Verity", "Halcyon", "Quill", "Orbis")
_OWNERS = ("Service Desk", "NetOps", "Platform Team", "Workplace IT", "DBA Team", "App Support")
_TAGS = (
    "network",
    "access",
    "hardware",
    "database",
    "remote-work",
    "email",
    "security",
    "printing",
)
_SYMPTOM_SHAPES = (
    "{w} dashboard shows stale data",
    "{w} login loops back to the sign-in page",
    "{w} upload stuck at 99 percent",
    "{w} report times out",
    "cannot open {w} from home",
    "{w} sync fails overnight",
    "{w} says access denied",
    "{w} job queue keeps growing",
)
_SYLLABLES = ("kor", "vel", "qui", "dra", "mos", "tal", "bri", "zen", "lup", "fan", "nor", "sek")
_ACTIONS = (
    "Restart", "Reset", "Unlock", "Rotate", "Reindex", "Fail over", "Clear", "Rebuild", "Renew",
    "Drain", "Resync", "Re-enrol",
)  # fmt: skip
_OBJECTS = (
    "the {s} service", "a user's {s} session", "the {s} certificate", "the {s} queue",
    "the {s} cache", "the {s} replica", "{s} client profile", "the {s} schedule",
)  # fmt: skip
_SENTENCES = (
    "Most calls about {s} are caused by an expired session or a stale cache on the client.",
    "Check the status page first; if an incident for {s} is open, link the ticket to it.",
    "The {s} logs are shipped to the SIEM within a minute, so search there before logging in.",
    "Write down the exact error message and the time it happened, with the time zone.",
    "This procedure is safe during office hours; it does not drop other users' sessions.",
    "If the user works from a customer site, their network may block the ports {s} needs.",
    "Keep the ticket updated after every step so the next tier does not repeat your work.",
    "The {s} team publishes planned changes in the change calendar every Thursday.",
)
_COMMANDS = (
    "systemctl status {s}.service",
    "journalctl -u {s} --since '-15 min' --no-pager | tail -n 50",
    "kubectl -n {s} rollout restart deployment/{s}",
    "curl -fsS https://{s}.corp.example/healthz",
    "Test-NetConnection {s}.corp.example -Port 443",
    "psql -h {s}-db.corp.example -c 'select count(*) from pg_stat_activity;'",
)
_ROOT_CAUSES = (
    ("change", "a configuration push to {s} removed a route"),
    ("capacity", "{s} ran out of worker threads under month-end load"),
    ("dependency", "the upstream certificate authority for {s} was unreachable"),
    ("software-bug", "a memory leak in the {s} agent after the last upgrade"),
    ("hardware", "a failed disk in the {s} storage shelf"),
    ("configuration", "a wrong timeout in the {s} load balancer"),
    ("security", "an expired signing key for {s}"),
    ("human-error", "a maintenance job for {s} ran against production"),
    ("unknown", "not found; {s} recovered after a restart"),
)


@dataclass
class SyntheticKB:
    """What :func:`write_kb` wrote, so that tests can check pages independently."""

    root: Path
    seed: int
    systems: dict[str, str] = field(default_factory=dict)  # system id → source path
    system_titles: dict[str, str] = field(default_factory=dict)
    runbooks: list[str] = field(default_factory=list)  # source paths, drafts included
    incidents: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    drafts: set[str] = field(default_factory=set)
    titles: dict[str, str] = field(default_factory=dict)  # source path → title
    tiers: dict[str, str] = field(default_factory=dict)  # runbook path → "L1".."L4"
    system_of: dict[str, str] = field(default_factory=dict)  # runbook path → its system id
    symptom: dict[str, str] = field(default_factory=dict)  # runbook path → unique phrase
    l1_runbook: dict[str, str] = field(default_factory=dict)  # system id → a published L1 runbook
    overdue_reviews: set[str] = field(default_factory=set)  # relative to REFERENCE_DATE
    without_owner: set[str] = field(default_factory=set)
    overdue_actions: set[str] = field(default_factory=set)  # incident paths
    open_incidents: set[str] = field(default_factory=set)

    @property
    def paths(self) -> list[str]:
        """Every document written, in path order (the home page included)."""
        every = ["content/index.md", *self.systems.values(), *self.runbooks]
        return sorted(every + self.incidents + self.articles)

    @property
    def published_runbooks(self) -> list[str]:
        return [p for p in self.runbooks if p not in self.drafts]


class _Writer:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.kb = SyntheticKB(root=root, seed=seed)
        self.published_of: dict[str, list[str]] = {}  # system id → its published runbooks

    def write(self, path: str, meta: dict[str, Any], body: str) -> None:
        front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n\n{body.strip()}\n", encoding="utf-8")

    # vocabulary -----------------------------------------------------------

    def word(self, index: int) -> str:
        """A made-up word unique to ``index`` and found inside no other such word.

        Four three-letter syllables: all words have one length, so none
        contains another, and a search for it finds exactly one runbook.
        """
        letters = []
        for _ in range(4):
            letters.append(_SYLLABLES[index % len(_SYLLABLES)])
            index //= len(_SYLLABLES)
        return "".join(letters) + "ix"

    def reviewed(self, path: str) -> dt.date:
        if self.rng.random() < 0.25:
            self.kb.overdue_reviews.add(path)
            return REFERENCE_DATE - dt.timedelta(days=self.rng.randint(REVIEW_EVERY + 2, 700))
        return REFERENCE_DATE - dt.timedelta(days=self.rng.randint(0, REVIEW_EVERY - 2))

    def prose(self, system: str, sentences: int) -> str:
        picked = [self.rng.choice(_SENTENCES).format(s=system) for _ in range(sentences)]
        return " ".join(picked)

    def steps(self, system: str, count: int, links: list[tuple[str, str]]) -> str:
        out = []
        for number in range(1, count + 1):
            action = self.rng.choice(_ACTIONS)
            thing = self.rng.choice(_OBJECTS).format(s=system)
            out.append(f"{number}. **{action} {thing}.** {self.prose(system, 2)}")
            if self.rng.random() < 0.5:
                command = self.rng.choice(_COMMANDS).format(s=system)
                out.append(f"\n    ```bash\n    {command}\n    ```\n")
        if links:
            title, target = self.rng.choice(links)
            out.append(f"{count + 1}. If this does not help, follow [{title}]({target}).")
        return "\n".join(out)

    # documents ------------------------------------------------------------

    def system(self, index: int, ids: list[str]) -> None:
        sid = ids[index]
        path = f"content/systems/{sid}.md"
        title = sid.replace("-", " ").title()
        vendor = self.rng.choice(_VENDORS)
        team = self.rng.choice(_TEAMS)
        meta: dict[str, Any] = {
            "title": title,
            "owner": f"{team} Team",
            "escalation": {
                "L1": {
                    "team": "Service Desk",
                    "contact": "ext. 4000",
                    "hours": "24x7",
                    "response": "15m",
                },
                "L2": {
                    "team": f"{team} Operations",
                    "contact": f"{sid}-ops@corp.example",
                    "hours": "Mon-Fri 07:00-19:00",
                    "response": "1h",
                },
                "L3": {
                    "team": f"{team} Engineering",
                    "contact": f"pager {sid}-oncall",
                    "hours": "24x7 on-call",
                    "response": "30m",
                },
                "L4": {
                    "team": f"{vendor} support",
                    "contact": "+1 555 0100",
                    "hours": "24x7",
                    "response": "4h",
                    "vendor": vendor,
                    "contract": f"C-{1000 + index}",
                    "portal": f"https://support.{vendor.lower()}.example/cases",
                },
            },
            "tags": sorted(self.rng.sample(_TAGS, 2)),
            "last_reviewed": self.reviewed(path),
        }
        if index > 0 and self.rng.random() < 0.6:
            meta["depends_on"] = sorted(set(self.rng.sample(ids[:index], min(index, 2))))
        body = f"{self.prose(sid, 6)}\n\n## Components\n\n| component | where |\n|---|---|\n"
        body += "".join(f"| {sid}-{p} | `{sid}-{p}.corp.example` |\n" for p in _PARTS[:4])
        body += f"\n## Dashboards\n\n{self.prose(sid, 4)}\n"
        self.write(path, meta, body)
        self.kb.systems[sid] = path
        self.kb.system_titles[sid] = title
        self.kb.titles[path] = title

    def runbook(self, index: int, sid: str, tier: str, draft: bool) -> str:
        phrase = self.rng.choice(_SYMPTOM_SHAPES).format(w=self.word(index))
        action = self.rng.choice(_ACTIONS)
        thing = self.rng.choice(_OBJECTS).format(s=sid)
        title = f"{action} {thing} ({self.word(index)})"
        path = f"runbooks/{sid}/{tier.lower()}-{action.lower().replace(' ', '-')}-{index}.md"
        meta: dict[str, Any] = {"title": title, "tier": tier, "systems": [sid]}
        if self.rng.random() > 0.1:
            meta["owner"] = self.rng.choice(_OWNERS)
        else:
            self.kb.without_owner.add(path)
        meta["tags"] = sorted(self.rng.sample(_TAGS, self.rng.randint(1, 3)))
        meta["symptoms"] = [phrase, self.rng.choice(_SYMPTOM_SHAPES).format(w=sid)]
        meta["escalate_when"] = [
            f"the {sid} error persists after step {self.rng.randint(2, 5)}",
            "more than three users report the same problem within 15 minutes",
        ]
        meta["estimated_time"] = f"{self.rng.choice((10, 15, 30, 45, 60))}m"
        meta["last_reviewed"] = self.reviewed(path)
        if draft:
            meta["status"] = "draft"
            self.kb.drafts.add(path)
        same_system = [
            (self.kb.titles[p], p.rsplit("/", 1)[1])
            for p in self.kb.runbooks[-6:]
            if self.kb.system_of[p] == sid and p not in self.kb.drafts
        ]
        body = (
            f"{self.prose(sid, self.rng.randint(2, 5))}\n\n## Before you start\n\n"
            f"{self.prose(sid, self.rng.randint(1, 4))}\n\n## Steps\n\n"
            f"{self.steps(sid, self.rng.randint(3, 8), same_system)}\n\n"
            f"## Check the result\n\n{self.prose(sid, self.rng.randint(1, 3))}\n"
        )
        self.write(path, meta, body)
        kb = self.kb
        kb.runbooks.append(path)
        kb.titles[path], kb.tiers[path], kb.system_of[path], kb.symptom[path] = (
            title,
            tier,
            sid,
            phrase,
        )
        if not draft:
            self.published_of.setdefault(sid, []).append(path)
        if tier == "L1" and not draft:
            kb.l1_runbook.setdefault(sid, path)
        return path

    def incident(self, index: int, sid: str) -> None:
        rng = self.rng
        day = REFERENCE_DATE - dt.timedelta(days=rng.randint(1, 720))
        slug = f"{day.isoformat()}-{sid}-{rng.choice(('outage', 'degraded', 'errors'))}-{index}"
        path = f"content/incidents/{slug}.md"
        category, cause = rng.choice(_ROOT_CAUSES)
        detected = dt.datetime.combine(day, dt.time(rng.randint(0, 22), rng.randint(0, 59)))
        resolved = detected + dt.timedelta(minutes=rng.randint(10, 600))
        status = "resolved" if rng.random() < 0.85 else rng.choice(("open", "monitoring"))
        title = f"{sid.replace('-', ' ').title()} {slug.split('-')[-2]} on {day:%d %B %Y}"
        meta: dict[str, Any] = {
            "title": title,
            "date": day,
            "severity": rng.choice(("SEV1", "SEV2", "SEV3", "SEV3", "SEV4")),
            "status": status,
            "systems": [sid],
            "tier": rng.choice(("L2", "L3", "L4")),
            "detected_at": detected.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if status == "resolved":
            meta["resolved_at"] = resolved.strftime("%Y-%m-%dT%H:%M:%SZ")
            meta["root_cause"] = cause.format(s=sid)
            meta["root_cause_category"] = category
        else:
            self.kb.open_incidents.add(path)
        meta["runbooks"] = sorted(set(rng.sample(self.published_of[sid], rng.randint(1, 2))))
        meta["workaround"] = f"Ask users to retry {sid} in five minutes and log the time."
        items = []
        for number in range(rng.randint(0, 3)):
            due = day + dt.timedelta(days=rng.randint(7, 60))
            done = due < REFERENCE_DATE and rng.random() < 0.6
            if due < REFERENCE_DATE and not done:
                self.kb.overdue_actions.add(path)
            items.append(
                {"title": f"Follow-up {number + 1} for {sid}", "owner": rng.choice(_OWNERS),
                 "due": due, "done": done}
            )  # fmt: skip
        if items:
            meta["action_items"] = items
        body = (
            f"## Summary\n\n{self.prose(sid, 3)}\n\n## Timeline\n\n"
            f"- {detected:%H:%M} alert fired for {sid}\n- {resolved:%H:%M} service restored\n\n"
            f"## Root cause\n\n{self.prose(sid, rng.randint(3, 6))}\n\n"
            f"## What went well\n\n{self.prose(sid, 2)}\n"
        )
        self.write(path, meta, body)
        self.kb.incidents.append(path)
        self.kb.titles[path] = title

    def article(self, index: int) -> None:
        sid = self.rng.choice(list(self.kb.systems))
        title = f"How we work with {sid} ({index + 1})"
        path = f"content/articles/guide-{index + 1}.md"
        meta = {"title": title, "owner": self.rng.choice(_OWNERS), "tags": ["process"]}
        body = "\n\n".join(self.prose(sid, 4) for _ in range(self.rng.randint(3, 6)))
        self.write(path, meta, body)
        self.kb.articles.append(path)
        self.kb.titles[path] = title


def _system_ids(count: int, rng: random.Random) -> list[str]:
    names = [f"{a}-{p}" for a in _AREAS for p in _PARTS]
    rng.shuffle(names)
    names = sorted(names[: min(count, len(names))])
    extra = count - len(names)
    return names + [f"{names[i % len(names)]}-{i // len(names) + 2}" for i in range(extra)]


def write_kb(
    root: Path,
    *,
    documents: int,
    seed: int = 0,
    name: str = "Synthetic KB",
    related: bool = True,
) -> SyntheticKB:
    """Write a knowledge base of about ``documents`` documents into ``root``.

    ``related=False`` turns off related documents in ``mkdocs.yml``.
    """
    documents = max(documents, 12)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.format(
            name=name,
            review_every=REVIEW_EVERY,
            extra="" if related else "\n      related: false",
        ),
        encoding="utf-8",
    )
    writer = _Writer(root, seed)
    rng = writer.rng
    systems = max(4, round(documents / 40))
    articles = max(2, documents // 100)
    incidents = documents // 5
    runbooks = max(documents - 1 - systems - articles - incidents, 4 * systems)
    ids = _system_ids(systems, rng)
    for index in range(systems):
        writer.system(index, ids)
    writer.write(
        "content/index.md", {"title": name}, "Runbooks, escalation paths and incident history."
    )
    tiers = ("L1", "L2", "L3", "L4")
    for index in range(runbooks):
        if index < 4 * systems:  # every system gets every tier first
            sid, tier, draft = ids[index // 4], tiers[index % 4], False
        else:
            sid = rng.choice(ids)
            tier = rng.choices(tiers, weights=(5, 3, 2, 1))[0]
            draft = rng.random() < 0.05
        writer.runbook(index, sid, tier, draft)
    for index in range(incidents):
        writer.incident(index, rng.choice(ids))
    for index in range(articles):
        writer.article(index)
    kb = writer.kb
    kb.runbooks.sort()
    kb.incidents.sort()
    return kb
