"""Fixtures of the MkDocs adapter's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from opskb.search.site_index import PAGEFIND_VARIABLE

PAUSE = 4.0  # seconds the slow Pagefind sleeps before it indexes


@pytest.fixture
def slow_pagefind(tmp_path: Path, monkeypatch) -> Path:
    """Every Pagefind run of this process's children starts ``PAUSE`` seconds late: a
    wrapper that sleeps, then runs the real one, named where a site names another
    Pagefind (``OPSKB_PAGEFIND``)."""
    from pagefind_bin import get_executable

    wrapper = tmp_path / "slow-pagefind"
    wrapper.write_text(f'#!/bin/sh\nsleep {PAUSE}\nexec "{get_executable()}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_VARIABLE, str(wrapper))
    return wrapper
