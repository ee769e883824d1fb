"""The ``opskb`` command line: a thin adapter over the core.

Commands import what they need when they run, so that ``opskb search`` starts
without loading MkDocs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..model import Severity, Tier
from ..terminal_text import terminal_safe
from .options import configured, configured_root, engine_option, kb_option, kb_root
from .reading import export, search_command

__all__ = ["main"]


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

    kb = load_kb(kb_root(kb_path), kept=True)
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
    sys.exit(build_site(kb_root(kb_path), loaded=lambda kb: gc.freeze(), **options))


@main.command()
@kb_option
@click.argument("directory", type=click.Path(file_okay=False))
def stage(kb_path: str | None, directory: str) -> None:
    """Write every page as plain Markdown with a mkdocs.yml into DIRECTORY, for any engine."""
    from ..engines.staged_build import stage_kb

    sys.exit(stage_kb(kb_root(kb_path), Path(directory)))


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

    root, settings = configured(kb_path)
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

    root = configured_root(kb_path)
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

    root = configured_root(kb_path or directory)
    try:
        report = adopt_folder(root, Path(directory), system_id, Tier.parse(tier), owner)
    except OSError as exc:
        raise click.ClickException(terminal_safe(exc)) from None
    click.echo(terminal_lines(format_report(report)))


main.add_command(export)
main.add_command(search_command)


if __name__ == "__main__":  # pragma: no cover
    main()
