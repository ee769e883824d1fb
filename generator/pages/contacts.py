"""Contacts as links: an e-mail address, a phone number or a chat URL in a ladder's text.

A contact is free text ("#iam-ops on chat, iam-ops@kestrel.example"): each address,
number or http(s) URL in it becomes a link, and everything else stays plain,
escaped text.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from .render import escape_md, safe_external_url

__all__ = ["contact_links"]

_CONTACT = re.compile(
    r"(?P<mail>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]])"
    r"|(?P<phone>\+?\d[\d \-().]{5,}\d)"
)
_PHONE_DIGITS = 7  # fewer is an extension ("ext. 4000"), not a number to dial


def _link(match: re.Match) -> str | None:
    text = match.group(0)
    if match.group("mail"):
        return f"mailto:{text}"
    if match.group("url"):
        return str(safe_external_url(text))
    digits = re.sub(r"\D", "", text)
    if len(digits) < _PHONE_DIGITS:
        return None
    return "tel:" + ("+" if text.startswith("+") else "") + digits


def _plain(text: str) -> str:
    """Escaped text keeping the space at either end (the next link needs it)."""
    escaped = escape_md(text)
    head = " " if text[:1].isspace() and escaped else ""
    tail = " " if text[-1:].isspace() and escaped else ""
    return head + escaped + tail


def contact_links(value: object) -> Markup:
    """``value`` as escaped text with each e-mail address, phone number and URL a link."""
    text = str(value or "")
    parts, last = [], 0
    for match in _CONTACT.finditer(text):
        href = _link(match)
        if href is None:
            continue
        parts.append(_plain(text[last : match.start()]))
        parts.append(f'<a href="{href}">{escape_md(match.group(0))}</a>')
        last = match.end()
    parts.append(_plain(text[last:]))
    return Markup("".join(parts))
