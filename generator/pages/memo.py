"""The render memo: a template rendered with the same context as before is not rendered again.

Jinja is most of what our stages cost. A rebuild after one edit changes the
context of a handful of pages (the edited document's, its system's, its
tier's playbook, …); every other page would render to the same Markdown.
So each rendering is keyed by a digest of the template's name, every value
in its context, and our rendering code (templates, filters, this package's
version), and a key seen before gives the Markdown it gave then.

The key is exact rather than guessed from dependencies: a document enters it
through its fingerprint, a digest of every field it has. A context holding
anything else that cannot be fingerprinted exactly (an object with state of
its own) is rendered without the memo.

Between builds the memo is kept in plain files in the cache folder; across
live-preview rebuilds it is kept in memory. Entries the last build did not use
are dropped when the files are rewritten (see ``packs.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import OpskbError
from ..model import Document
from ..packs import PackStore, code_digest

__all__ = ["MEMO_FOLDER", "RenderMemo", "active", "remembering"]

MEMO_FOLDER = "rendered"  # in the knowledge base's cache folder
FORMAT = 1

Rendered = tuple[str, tuple[tuple[int, int], ...]]  # Markdown, authors' spans (render.py)


class Unfit(OpskbError):
    """A context value whose digest would not say everything it holds."""


@functools.cache
def _code() -> str:
    """Our rendering code: the page modules, their templates, the content model, and the
    template engine's version."""
    here = Path(__file__).parent
    code = [*here.glob("*.py"), *here.rglob("templates/**/*"), here.parent / "model.py"]
    return code_digest(f"rendered-{FORMAT}", code, packages=("jinja2", "markupsafe"))


_SCALARS = frozenset({bool, int, float, dt.date, dt.datetime, dt.timedelta, type(None)})
_SAID: dict[int, tuple[Any, str]] = {}  # id → (object, its token): frozen data seen this pass


def _plain(value: Any, out: list[str]) -> None:
    """Append tokens that tell ``value`` apart from any other value, or raise ``Unfit``."""
    kind = type(value)
    if kind is str:
        out.append(f"s{len(value)}:{value}")
    elif kind is Document:
        out.append(value.fingerprint)
    elif kind is list or kind is tuple:
        out.append("[" if kind is list else "(")
        for item in value:
            if type(item) is Document:  # most lists are of documents
                out.append(item.fingerprint)
            else:
                _plain(item, out)
        out.append("]")
    elif kind is dict:
        out.append("{")
        for key, item in value.items():
            _plain(key, out)
            _plain(item, out)
        out.append("}")
    elif kind is Markup:
        out.append(f"m{len(value)}:{value}")
    elif kind in _SCALARS:
        out.append(f"{kind.__name__}:{value!r}")
    else:
        said = _SAID.get(id(value))
        out.append(said[1] if said is not None else _said(value, kind))


def _said(value: Any, kind: type) -> str:
    """The token of an enum member or of frozen plain data (model.py), kept for the pass."""
    if isinstance(value, enum.Enum):
        token = f"{kind.__name__}.{value.name}"
    elif dataclasses.is_dataclass(value) and kind.__dataclass_params__.frozen:
        inner = [kind.__name__]
        for f in dataclasses.fields(value):
            _plain(getattr(value, f.name), inner)
        token = "\x1e".join(inner) + "\x1d"
    elif kind is set or kind is frozenset:
        if not all(type(item) is str for item in value):
            raise Unfit(kind.__name__)
        return "<" + "\x1f".join(f"s{len(item)}:{item}" for item in sorted(value)) + ">"
    else:
        raise Unfit(kind.__name__)
    _SAID[id(value)] = (value, token)  # the object is kept, so its id is not reused
    return token


class RenderMemo(PackStore):
    """Rendered templates by key (see ``packs.PackStore``), in ``cache_dir`` if given."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        super().__init__(cache_dir / MEMO_FOLDER / _code() if cache_dir else None)

    def key(self, name: str, context: dict[str, Any]) -> str | None:
        tokens = [name]
        try:
            _plain(context, tokens)
        except Unfit:
            return None
        return hashlib.blake2b("\x1f".join(tokens).encode(), digest_size=16).hexdigest()

    def rendered(self, key: str) -> Rendered | None:
        found = self.get(key)
        if found is None:
            return None
        text, spans = found
        try:
            return text, tuple((int(a), int(b)) for a, b in spans)
        except (TypeError, ValueError):
            return None


_ACTIVE: list[RenderMemo] = []


def active() -> RenderMemo | None:
    return _ACTIVE[-1] if _ACTIVE else None


@contextlib.contextmanager
def remembering(memo: RenderMemo | None) -> Iterator[None]:
    """Meanwhile, templates render through ``memo`` (in this process and its forks)."""
    if memo is None:
        yield
        return
    _ACTIVE.append(memo)
    try:
        yield
    finally:
        _ACTIVE.pop()
        _SAID.clear()
