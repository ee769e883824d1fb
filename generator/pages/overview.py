"""Overview pages generated from the catalogue alone: escalation, playbooks,
incidents, known issues, review. Each lives in its own module."""

from __future__ import annotations

from ..catalog import Catalog
from .render import Page

__all__ = ["pages"]


def pages(catalog: Catalog) -> list[Page]:
    return []
