"""What users wrote reaches the terminal as written: shown escaped, never obeyed.

``opskb check`` and ``opskb search`` print front-matter text, file names and
body text. Each hostile string below is a command to a terminal: retitle the
window, clear the screen, plant a hyperlink, reorder the line, forge a line.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from opskb.cli.commands import main

from tests.conftest import RUNBOOK_RESET

OSC_TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\"
C1_CSI = "\x9b31m"
BIDI = "\u202edesrever\u202c \u2066isolated\u2069"
FORGED = "\nforged.md:1: error: a line opskb never wrote"
HOSTILE = f"Tunnel {OSC_TITLE}{CLEAR}{HYPERLINK} {C1_CSI} {BIDI}\ttab{FORGED}"
SHOWN = (
    "Tunnel \\x1b]0;owned\\x07\\x1b[2J\\x1b]8;;https://evil.example/\\x1b\\here\\x1b]8;;\\x1b\\"
    " \\x9b31m \\u202edesrever\\u202c \\u2066isolated\\u2069\\ttab"
    "\\nforged.md:1: error: a line opskb never wrote"
)
# what a terminal acts on: C0 controls, DEL, C1 controls, bidirectional controls
OBEYED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OUR_STYLES = re.compile(r"\x1b\[[0-9;]*m")  # the bold, colours and dim opskb prints


def on_a_terminal(*args: object):
    """``opskb ARGS`` as a terminal shows it: styles kept, stdout and stderr apart."""
    return CliRunner().invoke(main, [str(a) for a in args], color=True, catch_exceptions=False)


def obeyed(output: str) -> list[str]:
    """What a terminal would act on in ``output``, line breaks of ours aside."""
    return OBEYED.findall(OUR_STYLES.sub("", output).replace("\n", ""))


@pytest.fixture
def hostile_kb(make_kb):
    """A runbook whose title, symptom and body hold the hostile text, and a runbook whose
    unknown system id does (so ``check`` quotes it)."""
    text = json.dumps(HOSTILE)  # a YAML double-quoted string
    runbook = (
        RUNBOOK_RESET.replace("title: Reset VPN token", f"title: {text}")
        .replace('"token code invalid"', text)
        .replace("1. Resync the token.", "1. Resync the token. " + HOSTILE.replace("\n", " "))
    )
    broken = RUNBOOK_RESET.replace("systems: [vpn]", f"systems: [vpn, {text}]")
    return make_kb({"runbooks/vpn/tunnel.md": runbook, "runbooks/vpn/broken.md": broken})


def test_check_shows_hostile_text_escaped(hostile_kb):
    result = on_a_terminal("check", "--kb", hostile_kb)
    assert result.exit_code == 1
    assert obeyed(result.output) == []
    assert SHOWN in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("forged")]


def test_check_json_keeps_the_text_and_holds_nothing_a_terminal_obeys(hostile_kb):
    result = on_a_terminal("check", "--kb", hostile_kb, "--format", "json")
    assert result.exit_code == 1
    assert obeyed(result.stdout) == []
    messages = " ".join(p["message"] for p in json.loads(result.stdout))
    assert HOSTILE in messages


def test_check_github_annotations_hold_nothing_a_log_viewer_obeys(hostile_kb):
    result = on_a_terminal("check", "--kb", hostile_kb, "--format", "github")
    assert result.exit_code == 1
    assert obeyed(result.stdout) == []
    assert "\\x1b]0;owned\\x07" in result.stdout
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::") for line in lines), lines


def test_search_shows_titles_snippets_and_symptoms_escaped(hostile_kb):
    result = on_a_terminal("search", "--kb", hostile_kb, "tunnel", "desrever")
    assert result.exit_code == 0, result.output
    assert obeyed(result.output) == []
    assert SHOWN in OUR_STYLES.sub("", result.output)  # the title
    assert not [line for line in result.output.splitlines() if line.startswith("forged")]


def test_search_json_keeps_the_text_and_holds_nothing_a_terminal_obeys(hostile_kb):
    result = on_a_terminal("search", "--kb", hostile_kb, "--json", "tunnel")
    assert result.exit_code == 0, result.output
    assert obeyed(result.stdout) == []
    hits = json.loads(result.stdout)
    assert hits[0]["title"] == HOSTILE


def test_new_shows_a_system_id_from_a_file_name_escaped(make_kb):
    root = make_kb({"content/systems/ev\x1b]0;owned\x07il.md": "---\ntitle: Evil\n---\n"})
    args = ["new", "runbook", "--kb", root, "--tier", "L1", "--title", "x"]
    result = on_a_terminal(*args, "--system", "zzzzzzzz")
    assert result.exit_code == 1
    assert "unknown system 'zzzzzzzz'" in result.output
    assert obeyed(result.output) == []
    assert "ev\\x1b]0;owned\\x07il" in result.output


def test_export_json_keeps_the_text_and_holds_nothing_a_terminal_obeys(make_kb):
    runbook = RUNBOOK_RESET.replace("title: Reset VPN token", f"title: {json.dumps(HOSTILE)}")
    root = make_kb({"runbooks/vpn/reset-token.md": runbook})
    result = on_a_terminal("export", "--kb", root, "--catalog", "--format", "json")
    assert result.exit_code == 0, result.output
    assert obeyed(result.stdout) == []
    titles = [d["title"] for d in json.loads(result.stdout)["documents"]]
    assert HOSTILE in titles
