"""Terminal text: what users wrote, printed to a terminal as written, never obeyed.

Front matter, file names and search snippets reach the terminal in ``opskb
check``, ``opskb search``, ``opskb new`` and the build's messages. A control
character there is a command to the terminal (ESC starts sequences that retitle
the window, clear the screen or plant a hyperlink; C1 controls do the same in
one character), a line break forges a line of output, and a bidirectional
override reorders what is read. Each is shown as its escape instead: ``\\x1b``,
``\\n``, ``\\u202e``. JSON for tools keeps the text: its reader gets it back
exactly, from ``\\u`` escapes.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["terminal_json", "terminal_lines", "terminal_safe"]

# C0 controls (newline and tab among them), DEL, C1 controls, bidirectional embeddings,
# overrides and isolates
_OBEYED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# what JSON leaves raw of those: it escapes C0 controls itself
_OBEYED_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal_safe(text: Any) -> str:
    """``text`` with every character a terminal would act on shown as its escape."""
    text = str(text)
    return _OBEYED.sub(_escape, text) if _OBEYED.search(text) else text


def terminal_lines(text: Any) -> str:
    """A message of ours whose line breaks are meant, each line made terminal-safe."""
    return "\n".join(terminal_safe(line) for line in str(text).split("\n"))


def terminal_json(data: Any, **options: Any) -> str:
    """``json.dumps(data)`` with no raw character a terminal acts on; reads back the same.

    Those characters occur only inside JSON strings, where a ``\\u`` escape
    stands for them exactly.
    """
    text = json.dumps(data, ensure_ascii=False, **options)
    return _OBEYED_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
