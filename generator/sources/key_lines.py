"""Key lines: where each key of a front matter (or a defaults file) is written.

Every problem about a key names the line it is written on. The lines of the
top-level keys (and keys written twice) are found once, by one linear scan;
a nested key or a list entry below one is looked for only when a problem
needs it.
"""

from __future__ import annotations

import re

__all__ = ["KeyLines"]

# a top-level key's line, found from the line break before it (a literal the regex
# engine finds fast); linear, no nested quantifiers
_TOP_KEY = re.compile(r"\n([^\s#:\-][^:\n]*):(?=\s|$)", re.MULTILINE)


class KeyLines:
    """Finds the line of a front-matter key, so problems can name it."""

    def __init__(self, front_matter: str, first_line: int) -> None:
        self._text = front_matter
        self._split: list[str] | None = None  # its lines, when a nested key is looked for
        self._first = first_line
        self.top: dict[str, int] = {}
        self.duplicates: list[tuple[str, int, int]] = []
        text = "\n" + front_matter
        index, counted = 0, 0
        for match in _TOP_KEY.finditer(text):
            index += text.count("\n", counted, match.start())  # the line breaks before it
            counted = match.start()
            key = match.group(1).rstrip().strip("'\"")
            if key in self.top:
                self.duplicates.append((key, self.top[key], first_line + index))
            self.top[key] = first_line + index

    @property
    def _lines(self) -> list[str]:
        if self._split is None:
            self._split = self._text.split("\n")
        return self._split

    def line(self, key: str, *inner: str | int) -> int:
        """The line of ``key`` (and, best effort, of a nested key below it)."""
        start = self.top.get(key)
        if start is None:
            return self._first - 1 if self._first > 1 else 0
        index = start - self._first
        for part in inner:
            if isinstance(part, int):
                seen = -1
                for j in range(index + 1, len(self._lines)):
                    text = self._lines[j]
                    if text and not text[0].isspace() and not text.startswith("- "):
                        break  # the next key: a flow list (``[a, b]``) has no entry lines
                    if text.lstrip().startswith("- "):
                        seen += 1
                        if seen == part:
                            index = j
                            break
                continue
            pattern = re.compile(rf"(^|[\s{{,])['\"]?{re.escape(str(part))}['\"]?\s*:")
            for j in range(index, len(self._lines)):
                if j > index and self._lines[j] and not self._lines[j][0].isspace():
                    break
                if pattern.search(self._lines[j]):
                    index = j
                    break
        return self._first + index
