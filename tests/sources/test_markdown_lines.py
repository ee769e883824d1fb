"""Lines of a Markdown body, each marked inside or outside a fenced code block."""

from __future__ import annotations

from opskb.sources.markdown_lines import lines_outside_code

BODY = """\
See [the guide](guide.md).
```bash
echo "[not a link](x.md)"
```
~~~~
```
still code
~~~~
After."""


def test_fence_lines_and_what_they_hold_are_code_and_the_rest_is_not():
    marks = [(offset, in_code) for offset, _, in_code in lines_outside_code(BODY)]
    assert marks == [
        (0, False),
        (1, True),
        (2, True),
        (3, True),
        (4, True),
        (5, True),  # a backtick fence does not close a tilde one
        (6, True),
        (7, True),
        (8, False),
    ]


def test_each_line_is_given_as_written():
    assert [line for _, line, _ in lines_outside_code("a\n\nb")] == ["a", "", "b"]
