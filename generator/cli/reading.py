"""The commands that read a knowledge base and print what they find: ``opskb export``
for integrations, ``opskb search`` for a person at a terminal.

Like every command, they import what they need when they run, so that
``opskb search`` starts without loading MkDocs.
"""

from __future__ import annotations

import sys

import click

from ..model import Tier
from ..terminal_text import terminal_safe
from .options import configured, kb_option, kb_root

__all__ = ["export", "search_command"]


@click.command("export")
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

    kb = load_kb(kb_root(kb_path), history=True, kept=True)
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


@click.command("search")
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

    root, settings = configured(kb_path)
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
