"""The ``opskb`` command line: a thin adapter over the core.

Commands import what they need when they run, so that ``opskb search`` starts
without loading MkDocs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..config import find_root
from ..model import Severity, Tier
from ..terminal_text import terminal_safe

__all__ = ["main"]


def _root(path: str | None) -> Path:
    start = Path(path) if path else Path.cwd()
    root = find_root(start)
    if root is None:
        raise click.ClickException(
            f"no mkdocs.yml in {terminal_safe(start)} or above: run this inside a knowledge base, "
            "or create one with `opskb init DIR`"
        )
    return root


def _configured_root(path: str | None) -> Path:
    """The knowledge base's root, once its ``mkdocs.yml`` is usable; else its problems
    are printed and the command ends (``check`` and ``build`` report them with the rest)."""
    return _configured(path)[0]


def _configured(path: str | None):
    """(the root, its settings) as :func:`_configured_root` checks them."""
    from ..config import load_settings
    from ..problems import format_problems

    root = _root(path)
    settings, problems = load_settings(root)
    errors = [p for p in problems if p.is_error]
    if errors:
        click.echo(format_problems(errors), err=True)
        sys.exit(1)
    return root, settings


kb_option = click.option(
    "--kb",
    "kb_path",
    type=click.Path(file_okay=False),
    default=None,
    help="The knowledge base folder (default: the current one or above).",
)
engine_option = click.option(
    "--engine",
    type=click.Choice(["mkdocs", "properdocs", "zensical"]),
    default=None,
    help="What builds the site (default: the plugin's `engine:` option, else mkdocs).",
)


class _Commands(click.Group):
    """The commands; an error of ours that one lets through is one clean ``Error:`` line
    and exit status 1 (a refusal of ``init``, ``new`` or ``adopt``, a missing engine)."""

    def invoke(self, ctx: click.Context):
        from ..errors import OpskbError

        try:
            return super().invoke(ctx)
        except OpskbError as exc:
            raise click.ClickException(terminal_safe(exc)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="opskb")
def main() -> None:
    """opskb: runbooks and incident write-ups, built into a knowledge-base site."""
    # Interpreter policy is the command's, set before any engine is imported. opskb pins
    # MkDocs 1.x and keeps its core engine-neutral (README, "Engines"), so Material's
    # end-of-life banner about MkDocs 2 is noise on every `opskb build` and `serve`.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@main.command()
@kb_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print problems.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Print each problem on its own line, even one shared by many files of a folder.",
)
def check(kb_path: str | None, fmt: str, strict: bool, every: bool) -> None:
    """Validate every document and cross-reference; report every problem at once."""
    from ..pipeline import load_kb
    from ..problems import FOLD, format_problems

    kb = load_kb(_root(kb_path))
    problems = list(kb.problems)
    output = format_problems(problems, fmt, fold=0 if every else FOLD)
    if output:
        click.echo(output)
    elif fmt == "text":
        docs = len(kb.catalog.documents)
        click.echo(f"ok: {docs} document{'s' * (docs != 1)}, no problems")
    failed = any(p.is_error for p in problems) or (strict and problems)
    sys.exit(1 if failed else 0)


@main.command()
@kb_option
@click.option("--strict", is_flag=True, help="Fail on any warning.")
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where to write the site (default: site_dir of mkdocs.yml).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@engine_option
def build(kb_path: str | None, **options) -> None:
    """Validate, generate and build the site; a failed build leaves the old site untouched."""
    import gc

    from ..engines.mkdocs.build import build_site

    # What loading made lives until this process ends: frozen, no collection walks it
    # again (0.13 s a full collection after loading 10,000 documents, and forked build
    # workers keep sharing its memory). A library call leaves that choice to its caller.
    sys.exit(build_site(_root(kb_path), loaded=lambda kb: gc.freeze(), **options))


@main.command()
@kb_option
@click.argument("directory", type=click.Path(file_okay=False))
def stage(kb_path: str | None, directory: str) -> None:
    """Write every page as plain Markdown with a mkdocs.yml into DIRECTORY, for any engine."""
    from ..engines.staged_build import stage_kb

    sys.exit(stage_kb(_root(kb_path), Path(directory)))


@main.command()
@kb_option
@click.option(
    "-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@engine_option
def serve(kb_path: str | None, dev_addr: str, open_browser: bool, engine: str | None) -> None:
    """Live preview: edits to any source re-render within seconds."""
    from ..engines.mkdocs.build import serve_site

    root, settings = _configured(kb_path)
    serve_site(root, dev_addr=dev_addr, open_browser=open_browser, engine=engine or settings.engine)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", default=None, help="The site's name.")
def init(directory: str, name: str | None) -> None:
    """Create a new knowledge base in DIRECTORY that builds at once."""
    from ..scaffold import create_kb

    target = Path(directory)
    try:
        written = create_kb(target, site_name=name)
    except OSError as exc:
        raise click.ClickException(terminal_safe(f"{exc}; nothing was written")) from None
    shown = terminal_safe(target)
    click.echo(f"created a knowledge base in {shown} ({len(written)} files)")
    click.echo(f"next: cd {shown} && opskb serve")


def _interactive() -> bool:
    """Whether to prompt for what is missing: only when a person is at a terminal."""
    return sys.stdin.isatty()


@main.command("new")
@kb_option
@click.argument("kind", type=click.Choice(["runbook", "incident", "system"]))
@click.option("--title", default=None, help="The document's title; the file name comes from it.")
@click.option(
    "--tier",
    type=click.Choice(Tier.choices(), case_sensitive=False),
    default=None,
    help="A runbook's tier; picks its template.",
)
@click.option("--system", "systems", multiple=True, help="System id (repeat for several).")
@click.option(
    "--severity",
    type=click.Choice(Severity.choices(), case_sensitive=False),
    default=None,
    help="An incident's severity.",
)
@click.option("--id", "system_id", default=None, help="A system's id (default: from the title).")
@click.option("--owner", default=None, help="Owner (default: the system's team at that tier).")
@click.option(
    "--date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="An incident's date."
)
def new(
    kb_path: str | None,
    kind: str,
    title: str | None,
    tier: str | None,
    systems: tuple[str, ...],
    severity: str | None,
    system_id: str | None,
    owner: str | None,
    date,
) -> None:
    """Write a new runbook, incident or system from the knowledge base's template.

    Prints the new file's path. Never overwrites a file.
    """
    from ..model import Kind, Severity, Tier
    from .authoring import NewDocument, create_document

    root = _configured_root(kb_path)
    doc_kind = Kind(kind)
    needed = {"title": title}
    if doc_kind is Kind.RUNBOOK:
        needed["tier"] = tier
    if doc_kind in (Kind.RUNBOOK, Kind.INCIDENT):
        needed["system"] = systems[0] if systems else None
    if doc_kind is Kind.INCIDENT:
        needed["severity"] = severity
    missing = [name for name, value in needed.items() if not value]
    if missing and not _interactive():
        flags = " ".join(f"--{name}" for name in missing)
        raise click.UsageError(f"{kind} needs {flags} (not prompting: no terminal)")
    if "title" in missing:
        title = click.prompt("Title")
    if "tier" in missing:
        tier = click.prompt("Tier", type=click.Choice(Tier.choices()), default="L1")
    if "system" in missing:
        from ..pipeline import load_kb

        known = sorted(load_kb(root).catalog.systems)
        choices = f" ({', '.join(map(terminal_safe, known))})" if known else ""
        kind_of_id = click.Choice(known) if known else str
        systems = (click.prompt(f"System id{choices}", type=kind_of_id, show_choices=False),)
    if "severity" in missing:
        severity = click.prompt("Severity", type=click.Choice(Severity.choices()), default="SEV3")
    request = NewDocument(
        kind=doc_kind,
        title=title or "",
        tier=Tier.parse(tier) if tier else None,
        systems=tuple(systems),
        severity=Severity.parse(severity) if severity else None,
        system_id=system_id or "",
        date=date.date() if date else None,
        owner=owner or "",
    )
    try:
        path = create_document(root, request)
    except OSError as exc:
        raise click.ClickException(terminal_safe(exc)) from None
    click.echo(terminal_safe(path.relative_to(root).as_posix()))
    if doc_kind is Kind.SYSTEM:
        click.echo(
            f"next: opskb new runbook --tier L1 --system {terminal_safe(path.stem)} --title '...'",
            err=True,
        )


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@kb_option
@click.option("--system", "system_id", required=True, help="The id of the system it documents.")
@click.option(
    "--tier",
    required=True,
    type=click.Choice(Tier.choices(), case_sensitive=False),
    help="The tier its runbooks are for.",
)
@click.option("--owner", default="", help="The team that owns its documents.")
def adopt(directory: str, kb_path: str | None, system_id: str, tier: str, owner: str) -> None:
    """Adopt a folder copied from a runbook repository: write its system page and
    _defaults.yml (never overwriting), then sum up what still needs a human."""
    from ..terminal_text import terminal_lines
    from .adopting import adopt_folder, format_report

    root = _configured_root(kb_path or directory)
    try:
        report = adopt_folder(root, Path(directory), system_id, Tier.parse(tier), owner)
    except OSError as exc:
        raise click.ClickException(terminal_safe(exc)) from None
    click.echo(terminal_lines(format_report(report)))


@main.command("export")
@kb_option
@click.option(
    "--alert-map",
    "what",
    flag_value="alert-map",
    help="Alert name → runbook URL, for Prometheus runbook_url annotations.",
)
@click.option(
    "--catalog", "what", flag_value="catalog", default=True, help="The catalogue (default)."
)
@click.option(
    "--base-url", default="", help="Make URLs absolute (default: relative to the site root)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default=None,
    help="Output format (alert map: yaml by default; catalogue: json).",
)
def export(kb_path: str | None, what: str, base_url: str, fmt: str | None) -> None:
    """Print the catalogue or the alert map for integrations."""
    from ..check.export import alert_map, catalog_data, format_alert_map
    from ..pipeline import load_kb

    kb = load_kb(_root(kb_path), history=True)
    if kb.problems.errors:
        for problem in kb.problems.errors:
            click.echo(problem.as_text(), err=True)
        raise click.ClickException("the knowledge base has errors; run `opskb check`")
    if what == "alert-map":
        click.echo(format_alert_map(alert_map(kb.catalog, base_url), fmt or "yaml"))
        return
    import yaml

    from ..terminal_text import terminal_json

    data = catalog_data(kb.catalog)
    if fmt == "yaml":
        click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip("\n"))
    else:
        click.echo(terminal_json(data, indent=2))


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@kb_option
@click.option(
    "--tier",
    multiple=True,
    type=click.Choice(Tier.choices(), case_sensitive=False),
    help="Only documents of this tier (repeatable).",
)
@click.option("--system", multiple=True, help="Only documents about this system id (repeatable).")
@click.option(
    "--kind",
    multiple=True,
    type=click.Choice(["runbook", "incident", "system", "article"], case_sensitive=False),
    help="Only documents of this kind (repeatable).",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results.")
def search_command(
    query: tuple[str, ...],
    kb_path: str | None,
    tier: tuple[str, ...],
    system: tuple[str, ...],
    kind: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Ranked documents for QUERY; the index is brought up to date first."""
    from ..search import SearchIndex
    from ..search.terminal import did_you_mean, hits_json, hits_text, partial_note

    root, settings = _configured(kb_path)
    synonyms = settings.search_synonyms
    text = " ".join(query).strip()
    if not text:
        raise click.UsageError("give some words to search for")
    index = SearchIndex.open(root)

    def waiting() -> None:
        if sys.stderr.isatty():
            click.echo("the last build is still writing the search index; waiting …", err=True)

    try:
        index.refresh(waiting)
        results = index.search(
            text, tier=tier, system=system, kind=kind, limit=limit, synonyms=synonyms
        )
    except OSError as exc:
        raise click.ClickException(
            terminal_safe(
                f"cannot read or write the search index in {index.store.folder}: {exc.strerror}"
            )
        ) from None
    notes = [note for note in (did_you_mean(results), partial_note(results)) if note]
    if as_json:
        click.echo(hits_json(results, index.site_url))
        for note in notes:
            click.echo(note, err=True)
        return
    for note in notes:
        click.echo(click.style(note, fg="magenta"))
    if not results.hits:
        if results.live:
            click.echo(hits_text(results, index.site_url, style=click.style))
        click.echo(f"no published document matches '{terminal_safe(text)}'")
        return
    click.echo(hits_text(results, index.site_url, style=click.style))


if __name__ == "__main__":  # pragma: no cover
    main()
