"""``opskb search`` output: ranked hits as text or JSON, what documents hold never obeyed."""

from __future__ import annotations

import json
from dataclasses import replace

from opskb.search.engine import Hit
from opskb.search.index import Results
from opskb.search.terminal import (
    did_you_mean,
    hits_json,
    hits_text,
    live_text,
    partial_note,
    shown_title,
)


def _hit(title: str = "Reset VPN token", path: str = "runbooks/vpn/reset-token.md", **kw) -> Hit:
    data = {
        "url": "runbooks/vpn/reset-token/",
        "kind": "runbook",
        "tier": "L1",
        "systems": ("vpn",),
        "score": 2.123456,
        **kw,
    }
    return Hit(path=path, title=title, **data)


def _bold(text: str, **style: object) -> str:
    return f"<b>{text}</b>" if style.get("bold") else text


def test_each_hit_is_numbered_with_its_badges_snippet_and_full_address() -> None:
    hit = _hit(snippet=(("Resync the ", False), ("token", True), (".", False)))
    results = Results([hit, _hit("Other", "runbooks/vpn/other.md", url="o/", tier="")])
    text = hits_text(results, "https://kb.example.com/ops/", _bold)
    assert text.splitlines() == [
        "1. <b>Reset VPN token</b>  [L1 · runbook · vpn]",
        "   Resync the <b>token</b>.",
        "   https://kb.example.com/ops/runbooks/vpn/reset-token/",
        "2. <b>Other</b>  [runbook · vpn]",
        "   https://kb.example.com/ops/o/",
    ]


def test_systems_are_shown_by_name_where_they_have_one() -> None:
    results = Results([_hit(systems=("vpn", "mail"))], names={"vpn": "Remote VPN"})
    assert "[L1 · runbook · Remote VPN, mail]" in hits_text(results)


def test_hits_of_the_same_title_name_their_folder() -> None:
    a = _hit("Readme", "runbooks/vpn/readme.md")
    b = _hit("README", "runbooks/mail/readme.md")
    text = hits_text(Results([a, b]))
    assert "Readme (runbooks/vpn)" in text and "README (runbooks/mail)" in text
    assert shown_title(a, repeated=False) == "Readme"
    assert shown_title(_hit("Readme", "readme.md"), repeated=True) == "Readme"


def test_control_characters_from_front_matter_are_printed_as_escapes() -> None:
    evil = "\x1b]0;owned\x07Reset\x1b[2J\u202e"
    hit = _hit(
        evil,
        systems=("vpn\x1b[31m",),
        snippet=(("line\nforged: ", False), ("\x9bword", True)),
        status="open",
        started="today\x1b[1m",
        live=True,
    )
    results = Results([hit], live=[hit], names={"vpn\x1b[31m": "VPN\r"})
    text = hits_text(results, style=_bold)
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert raw not in text
    assert "\\x1b]0;owned\\x07Reset" in text
    assert "line\\nforged" in text
    assert len(text.splitlines()) == 5  # two lines of the live incident, three of the hit


def test_live_incidents_come_first_with_status_start_and_systems() -> None:
    live = _hit(
        "VPN drops",
        "content/incidents/vpn.md",
        url="incidents/vpn/",
        kind="incident",
        status="monitoring",
        started="2026-11-03 09:20 UTC",
        live=True,
    )
    results = Results([_hit()], live=[live], names={"vpn": "VPN"})
    lines = live_text(results, "https://kb.example.com")
    assert lines == [
        "LIVE MONITORING  VPN drops  [since 2026-11-03 09:20 UTC · VPN]",
        "   https://kb.example.com/incidents/vpn/",
    ]
    assert hits_text(results).splitlines()[:2] == live_text(results)


def test_json_lists_live_incidents_first_with_absolute_urls() -> None:
    live = _hit("Down", "content/incidents/x.md", url="incidents/x/", status="open", live=True)
    hit = _hit(snippet=(("a ", False), ("token", True)), tier="")
    data = json.loads(hits_json(Results([hit], live=[live]), "https://kb.example.com/"))
    assert [item["title"] for item in data] == ["Down", "Reset VPN token"]
    assert data[0]["live"] is True and data[0]["status"] == "open"
    assert data[1] == {
        "title": "Reset VPN token",
        "kind": "runbook",
        "tier": None,
        "systems": ["vpn"],
        "path": "runbooks/vpn/reset-token.md",
        "url": "https://kb.example.com/runbooks/vpn/reset-token/",
        "score": 2.1235,
        "snippet": "a token",
    }


def test_json_keeps_what_a_document_says_but_no_raw_control_a_terminal_obeys() -> None:
    title = "Reset\x1b[2J\u202e"
    text = hits_json(Results([_hit(title)]))
    assert "\x1b" not in text and "\u202e" not in text
    assert json.loads(text)[0]["title"] == title


def test_did_you_mean_names_the_corrections_and_whether_they_were_searched() -> None:
    results = Results([], corrections={"tokn": "token"}, words=("reset", "tokn"))
    assert did_you_mean(results) == "did you mean \"reset token\"? ('tokn' → 'token')"
    assert did_you_mean(replace(results, corrected=True)).endswith("; showing its results")
    assert did_you_mean(Results([], words=("reset",))) == ""


def test_the_partial_note_says_when_no_hit_has_every_word() -> None:
    assert partial_note(Results([_hit()], some_words=True)) != ""
    assert partial_note(Results([_hit()])) == ""
