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

Nothing about the memo is global: ``render_site`` makes a :class:`MemoPass`
for its pass and hands it to every page it renders, which hands it to
``render.render_marked``; without one, templates are simply rendered.

Between builds the memo is kept in plain files in the cache folder; across
live-preview rebuilds it is kept in memory. Entries the last build did not use
are dropped when the files are rewritten (see ``packs.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import OpskbError
from ..model import Document
from ..packs import PackStore, code_digest, digest

__all__ = ["MEMO_FOLDER", "Derive", "MemoPass", "RenderMemo"]

MEMO_FOLDER = "rendered"  # in the knowledge base's cache folder
FORMAT = 1

Rendered = tuple[str, tuple[tuple[int, int], ...]]  # Markdown, authors' spans (render.py)
Derive = Callable[[dict[str, Any]], dict[str, Any]]  # more values, from a context alone


class Unfit(OpskbError):
    """A context value whose digest would not say everything it holds."""


@functools.cache
def _code() -> str:
    """Our rendering code: the page modules, their templates, the content model, the URLs
    the templates' filters write, and the template engine's version."""
    here = Path(__file__).parent
    code = [*here.glob("*.py"), *here.rglob("templates/**/*")]
    code += [here.parent / "model.py", here.parent / "urls.py"]
    return code_digest(f"rendered-{FORMAT}", code, packages=("jinja2", "markupsafe"))


_SCALARS = frozenset({bool, int, float, dt.date, dt.datetime, dt.timedelta, type(None)})

Said = dict[int, tuple[Any, str]]  # id → (object, its token): frozen data seen in a pass


def _plain(value: Any, out: list[str], said: Said) -> None:
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
                _plain(item, out, said)
        out.append("]")
    elif kind is dict:
        out.append("{")
        for key, item in value.items():
            _plain(key, out, said)
            _plain(item, out, said)
        out.append("}")
    elif kind is Markup:
        out.append(f"m{len(value)}:{value}")
    elif kind in _SCALARS:
        out.append(f"{kind.__name__}:{value!r}")
    else:
        known = said.get(id(value))
        out.append(known[1] if known is not None else _token(value, kind, said))


def _token(value: Any, kind: type, said: Said) -> str:
    """The token of an enum member or of frozen plain data (model.py), kept in ``said``."""
    if isinstance(value, enum.Enum):
        token = f"{kind.__name__}.{value.name}"
    elif dataclasses.is_dataclass(value) and kind.__dataclass_params__.frozen:
        inner = [kind.__name__]
        for f in dataclasses.fields(value):
            _plain(getattr(value, f.name), inner, said)
        token = "\x1e".join(inner) + "\x1d"
    elif kind is set or kind is frozenset:
        if not all(type(item) is str for item in value):
            raise Unfit(kind.__name__)
        return "<" + "\x1f".join(f"s{len(item)}:{item}" for item in sorted(value)) + ">"
    else:
        raise Unfit(kind.__name__)
    said[id(value)] = (value, token)  # the object is kept, so its id is not reused
    return token


class RenderMemo(PackStore):
    """Rendered templates by key (see ``packs.PackStore``), in ``cache_dir`` if given.

    A memo outlives a build (the live preview keeps it); each rendering of a
    site goes through it as a :class:`MemoPass` of its own.
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        super().__init__(cache_dir / MEMO_FOLDER / _code() if cache_dir else None)

    def rendered(self, key: str) -> Rendered | None:
        found = self.get(key)
        if found is None:
            return None
        text, spans = found
        try:
            return text, tuple((int(a), int(b)) for a, b in spans)
        except (TypeError, ValueError):
            return None


class MemoPass:
    """One rendering of a site through ``memo``: handed to every page that renders.

    It holds what the pass has worked out besides the memo's entries: the token
    of each frozen object (a tier's ladder, a system's contacts…) already told
    apart, by the object's ``id``. The pass keeps each object alive, so no id is
    reused while it lasts, and the table goes with it when the pass ends.
    """

    __slots__ = ("_said", "memo")

    def __init__(self, memo: RenderMemo) -> None:
        self.memo = memo
        self._said: Said = {}

    def key(self, name: str, context: dict[str, Any]) -> str | None:
        """The memo key of template ``name`` rendered with ``context``; ``None`` where
        the context holds a value whose digest would not say everything it holds."""
        tokens = [name]
        try:
            _plain(context, tokens, self._said)
        except Unfit:
            return None
        return digest("\x1f".join(tokens))  # each token is told apart already: one part

    def render(
        self,
        name: str,
        context: dict[str, Any],
        render: Callable[[str, dict[str, Any]], Rendered],
        derive: Derive | None = None,
    ) -> Rendered:
        """What ``render(name, context)`` gives, ``context`` with what ``derive`` works out
        from it: from the memo where it holds it (keyed by ``context`` alone: what is
        derived from it says nothing more), else rendered now and added to it."""
        key = self.key(name, context)
        if key is not None:
            found = self.memo.rendered(key)
            if found is not None:
                return found
        found = render(name, {**context, **derive(context)} if derive else context)
        if key is not None:
            self.memo.put(key, found)
        return found
