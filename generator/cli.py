"""The ``opskb`` command line: a thin adapter over the core.

Commands import what they need when they run, so that ``opskb search`` starts
without loading MkDocs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import find_root

__all__ = ["main"]


def _root(path: str | None) -> Path:
    start = Path(path) if path else Path.cwd()
    root = find_root(start)
    if root is None:
        raise click.ClickException(
            f"no mkdocs.yml in {start} or above: run this inside a knowledge base, "
            "or create one with `opskb init DIR`"
        )
    return root


kb_option = click.option(
    "--kb",
    "kb_path",
    type=click.Path(file_okay=False),
    default=None,
    help="The knowledge base folder (default: the current one or above).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="opskb")
def main() -> None:
    """opskb: runbooks and incident write-ups, built into a knowledge-base site."""


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
def check(kb_path: str | None, fmt: str, strict: bool) -> None:
    """Validate every document and cross-reference; report every problem at once."""
    from .pipeline import load_kb
    from .problems import format_problems

    kb = load_kb(_root(kb_path))
    problems = list(kb.problems)
    output = format_problems(problems, fmt)
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
def build(kb_path: str | None, strict: bool, site_dir: str | None, quiet: bool) -> None:
    """Validate, generate and build the site; a failed build leaves the old site untouched."""
    from .build import build_site

    sys.exit(build_site(_root(kb_path), strict=strict, site_dir=site_dir, quiet=quiet))


@main.command()
@kb_option
@click.option(
    "-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(kb_path: str | None, dev_addr: str, open_browser: bool) -> None:
    """Live preview: edits to any source re-render within seconds."""
    from .build import serve_site

    serve_site(_root(kb_path), dev_addr=dev_addr, open_browser=open_browser)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", default=None, help="The site's name.")
def init(directory: str, name: str | None) -> None:
    """Create a new knowledge base in DIRECTORY that builds at once."""
    from .scaffold import ScaffoldError, create_kb

    target = Path(directory)
    try:
        written = create_kb(target, site_name=name)
    except (ScaffoldError, OSError) as exc:
        raise click.ClickException(f"{exc}; nothing was written") from None
    click.echo(f"created a knowledge base in {target} ({len(written)} files)")
    click.echo(f"next: cd {target} && opskb serve")


if __name__ == "__main__":  # pragma: no cover
    main()
