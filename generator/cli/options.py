"""What the commands share: the ``--kb`` and ``--engine`` options, and finding the
knowledge base they name."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import find_root
from ..terminal_text import terminal_safe

__all__ = ["configured", "configured_root", "engine_option", "kb_option", "kb_root"]


def kb_root(path: str | None) -> Path:
    start = Path(path) if path else Path.cwd()
    root = find_root(start)
    if root is None:
        raise click.ClickException(
            f"no mkdocs.yml in {terminal_safe(start)} or above: run this inside a knowledge base, "
            "or create one with `opskb init DIR`"
        )
    return root


def configured_root(path: str | None) -> Path:
    """The knowledge base's root, once its ``mkdocs.yml`` is usable; else its problems
    are printed and the command ends (``check`` and ``build`` report them with the rest)."""
    return configured(path)[0]


def configured(path: str | None):
    """(the root, its settings) as :func:`configured_root` checks them."""
    from ..config import load_settings
    from ..problems import format_problems

    root = kb_root(path)
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
