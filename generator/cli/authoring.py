"""Authoring: ``opskb new`` writes a new document from its knowledge base's template.

Templates live in the knowledge base (``templates/runbook-l1.md`` …) so that a
team can change what a new document asks for; the packaged defaults stand in
for any template a knowledge base does not have. A template is a document with
``{{ placeholder }}`` markers. In the front matter a placeholder stands for a
whole value and is written YAML-quoted, so no title can break the YAML; in the
body (and in comments) it is written as inert Markdown, every character Markdown
or HTML reads as syntax escaped, since a body is published as written: a value
copied from a system page can never become a link, markup or code there. Only a
portal that is an http(s) address becomes a link. What is written is validated
before it touches the disk, and an existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..check.reserved import generated_at
from ..check.validate import page_location, validate_document
from ..config import Settings
from ..errors import OpskbError
from ..model import Document, Kind, Severity, Tier
from ..pages.render import escape_md
from ..pipeline import load_kb
from ..problems import Problems
from ..sources.load import parse_text, split

__all__ = [
    "DEFAULT_TEMPLATES",
    "TEMPLATES_DIR",
    "AuthoringError",
    "NewDocument",
    "create_document",
    "slugify",
    "template_name",
]

TEMPLATES_DIR = "templates"
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[1] / "scaffold" / "kb" / TEMPLATES_DIR
ACTION_DUE_DAYS = 14
MAX_SLUG = 60

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Characters YAML refuses to read raw, or reads as line breaks; written as \uXXXX.
_NOT_YAML_PRINTABLE = re.compile(
    r"[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_BEFORE_VALUE = set(" \t[{,")
_AFTER_VALUE = set(" \t]},")
# what a portal's address keeps as it is in an autolink: no bracket, parenthesis, quote,
# backtick, backslash or angle bracket, which Markdown could read as a link or markup
_URL_KEEPS = ":/?#@!$&+,;=%-._~"


class AuthoringError(OpskbError):
    """Why a new document could not be written; nothing was written."""


@dataclass(frozen=True)
class WebAddress:
    """An http(s) address: the address itself in the front matter, a link in the body."""

    url: str

    def __str__(self) -> str:
        return self.url

    @classmethod
    def parse(cls, text: str) -> WebAddress | None:
        text = text.strip()
        return cls(text) if text.lower().startswith(("http://", "https://")) else None

    def as_markdown(self) -> str:
        return f"<{quote(self.url, safe=_URL_KEEPS)}>"


@dataclass(frozen=True)
class NewDocument:
    """What the author asked for: the kind, and the values its template needs."""

    kind: Kind
    title: str
    tier: Tier | None = None  # runbooks
    systems: tuple[str, ...] = ()  # runbooks and incidents; the first names the folder
    severity: Severity | None = None  # incidents
    system_id: str = ""  # systems; defaults to the title's slug
    date: dt.date | None = None  # incidents; defaults to today
    owner: str = ""


def slugify(title: str) -> str:
    """A file name from a title: lower-case ASCII words joined by hyphens."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return slug


def template_name(kind: Kind, tier: Tier | None = None) -> str:
    if kind is Kind.RUNBOOK:
        return f"runbook-{(tier or Tier.L1).slug}.md"
    return f"{kind.value}.md"


def find_template(root: Path, name: str) -> tuple[Path, str]:
    """The knowledge base's own template, else the packaged default; and how to name it."""
    own = root / TEMPLATES_DIR / name
    if own.is_file():
        return own, f"{TEMPLATES_DIR}/{name}"
    return DEFAULT_TEMPLATES / name, f"the default {name} template"


def _yaml_value(value: Any) -> str:
    """A front-matter value that YAML reads back exactly, whatever the text holds."""
    if value is None:
        return '""'
    if isinstance(value, dt.date | Tier | Severity):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    quoted = json.dumps(str(value), ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _plain_value(value: Any) -> str:
    """Text for the body and comments: inert Markdown that shows the value as written."""
    if value is None:
        return ""
    if isinstance(value, WebAddress):
        return value.as_markdown()
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return escape_md(str(value))


def fill(template: str, values: dict[str, Any], label: str) -> str:
    """The template with every placeholder replaced; raises on unknown or misplaced ones."""
    template = template.replace("\r\n", "\n")
    try:
        fm, _, body, body_line = split(template)
    except ValueError:
        message = f"{label}: its front matter is opened with '---' but never closed"
        raise AuthoringError(message) from None
    head = template[: len(template) - len(body)] if fm is not None else ""

    def check(name: str, line: int) -> None:
        if name not in values:
            known = ", ".join(sorted(values))
            raise AuthoringError(
                f"{label}, line {line}: unknown placeholder {{{{ {name} }}}}; known: {known}"
            )

    out = []
    for number, line in enumerate(head.split("\n"), start=1):
        if line.lstrip().startswith("#"):
            out.append(_substitute_plain(line, values, number, check))
            continue
        pieces, last = [], 0
        for match in _PLACEHOLDER.finditer(line):
            check(match.group(1), number)
            before = line[match.start() - 1] if match.start() else " "
            after = line[match.end()] if match.end() < len(line) else " "
            if before not in _BEFORE_VALUE or after not in _AFTER_VALUE | {"#"}:
                raise AuthoringError(
                    f"{label}, line {number}: in the front matter, {match.group(0)} must stand "
                    f"alone as a value (it is written quoted), e.g. 'title: {{{{ title }}}}'"
                )
            pieces += [line[last : match.start()], _yaml_value(values[match.group(1)])]
            last = match.end()
        out.append("".join(pieces) + line[last:])
    filled_body = "\n".join(
        _substitute_plain(line, values, number, check)
        for number, line in enumerate(body.split("\n"), start=body_line)
    )
    return "\n".join(out) + filled_body


def _substitute_plain(line: str, values: dict[str, Any], number: int, check) -> str:
    def replace(match: re.Match) -> str:
        check(match.group(1), number)
        return _plain_value(values[match.group(1)])

    return _PLACEHOLDER.sub(replace, line)


def _clean_title(title: str) -> str:
    title = " ".join(title.split()) if title else ""
    if not title:
        raise AuthoringError("a title is required: give --title 'What the caller reports'")
    if not slugify(title):
        raise AuthoringError(
            f"the title {title!r} gives no file name; use some letters or digits in it"
        )
    return title


def _system(systems: dict[str, Document], system_id: str) -> Document:
    if system_id in systems:
        return systems[system_id]
    close = difflib.get_close_matches(system_id, list(systems), n=1)
    hint = (
        f"did you mean '{close[0]}'?"
        if close
        else f"known systems: {', '.join(sorted(systems)) or '(none yet)'}; "
        f"add one with `opskb new system --title ... --id {system_id}`"
    )
    raise AuthoringError(f"unknown system '{system_id}': {hint}")


def _values(request: NewDocument, systems: dict[str, Document], today: dt.date) -> dict[str, Any]:
    """Everything a template may use, filled from the request and the first system."""
    first = _system(systems, request.systems[0]) if request.systems else None
    for other in request.systems[1:]:
        _system(systems, other)
    ladder = first.system.ladder if first is not None and first.system else None
    step = ladder.get(request.tier) if ladder and request.tier else None
    vendor = ladder.get(Tier.L4) if ladder else None
    owner = request.owner or (step.team if step else "") or (first.owner if first else "")
    return {
        "title": request.title,
        "slug": slugify(request.title),
        "tier": request.tier,
        "next_tier": request.tier.next if request.tier else None,
        "systems": list(request.systems),
        "system": request.systems[0] if request.systems else "",
        "system_title": first.title if first else request.title,
        "severity": request.severity,
        "id": request.system_id,
        "owner": owner,
        "today": today,
        "date": request.date or today,
        "due": today + dt.timedelta(days=ACTION_DUE_DAYS),
        "vendor": (vendor.vendor or vendor.team) if vendor else "the vendor",
        "vendor_contact": (vendor.contact if vendor else "") or "(vendor phone)",
        "contract": (vendor.contract if vendor else "") or "(contract number)",
        "portal": _portal(vendor.portal if vendor else ""),
    }


def _portal(text: str) -> WebAddress | str:
    """A link when the portal is an http(s) address; else its text, shown as written."""
    return WebAddress.parse(text) or text or "(vendor portal)"


def target_path(request: NewDocument, settings: Settings, today: dt.date) -> str:
    """Where the new document goes, relative to the knowledge base."""
    slug = slugify(request.title)
    if request.kind is Kind.RUNBOOK:
        return f"{settings.runbooks_dir}/{request.systems[0]}/{slug}.md"
    if request.kind is Kind.INCIDENT:
        day = (request.date or today).isoformat()
        return f"{settings.content_dir}/incidents/{day}-{slug}.md"
    return f"{settings.content_dir}/systems/{request.system_id}.md"


def _complete(request: NewDocument) -> NewDocument:
    """The request with its title tidied, checked for what its kind needs."""
    title = _clean_title(request.title)
    if request.kind is Kind.RUNBOOK and request.tier is None:
        raise AuthoringError("a runbook needs a tier: give --tier L1, L2, L3 or L4")
    if request.kind in (Kind.RUNBOOK, Kind.INCIDENT) and not request.systems:
        raise AuthoringError(f"a {request.kind} needs a system: give --system ID")
    if request.kind is Kind.INCIDENT and request.severity is None:
        raise AuthoringError("an incident needs a severity: give --severity SEV1 … SEV4")
    if request.kind is Kind.ARTICLE:
        raise AuthoringError("opskb new writes runbooks, incidents and systems")
    system_id = request.system_id.strip() or slugify(title)
    if request.kind is Kind.SYSTEM and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", system_id):
        raise AuthoringError(
            f"system id {system_id!r} may hold only letters, digits, '.', '_' and '-'"
        )
    return NewDocument(
        kind=request.kind,
        title=title,
        tier=request.tier,
        systems=tuple(s.strip() for s in request.systems),
        severity=request.severity,
        system_id=system_id if request.kind is Kind.SYSTEM else "",
        date=request.date,
        owner=request.owner.strip(),
    )


def _check_written(text: str, rel: str, settings: Settings, label: str) -> None:
    """Refuse to write a document the knowledge base would reject."""
    raw, found = parse_text(rel, text)
    problems = Problems(found)
    validate_document(raw, settings, problems)
    if problems.errors:
        details = "; ".join(f"line {p.line}: {p.message}" for p in problems.errors)
        raise AuthoringError(f"{label} does not give a valid document: {details}")


def create_document(root: Path, request: NewDocument) -> Path:
    """Write the new document and return its path; raises :class:`AuthoringError`."""
    kb = load_kb(Path(root))
    settings, today = kb.settings, kb.catalog.today
    request = _complete(request)
    systems = kb.catalog.systems
    if request.kind is Kind.SYSTEM and request.system_id in systems:
        raise AuthoringError(
            f"system id '{request.system_id}' is already used by "
            f"{systems[request.system_id].path}; nothing was written. Choose another --id"
        )
    rel = target_path(request, settings, today)
    target = settings.root / rel
    _, url = page_location(rel, settings)
    generated = generated_at(url)
    if generated is not None:
        raise AuthoringError(
            f"{rel} would be the page '/{url}', where opskb generates {generated[1]}; "
            "nothing was written. Choose another title"
            + (" or --id" if request.kind is Kind.SYSTEM else "")
        )
    clash = next((d.path for d in kb.catalog.documents if d.url == url), None)
    if target.exists() or clash:
        raise AuthoringError(
            f"{clash or rel} already exists; nothing was written. Choose another title"
            + (" or --id" if request.kind is Kind.SYSTEM else "")
        )
    template, label = find_template(settings.root, template_name(request.kind, request.tier))
    try:
        source = template.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthoringError(f"cannot read {label}: {exc}") from None
    text = fill(source, _values(request, systems, today), label)
    _check_written(text, rel, settings, label)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise AuthoringError(f"{rel} already exists; nothing was written") from None
    return target
