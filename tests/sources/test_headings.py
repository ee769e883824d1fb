"""Titles: from front matter, else the first level-1 heading as plain text, else the file name."""

from __future__ import annotations

from opskb.sources.headings import Heading, first_heading, name_title, plain_text, title_and_body


def test_the_first_level_one_heading_outside_code_is_found_with_its_lines():
    body = "```\n# not this\n```\nReset the token\n===============\n\n# Later\n"
    assert first_heading(body) == Heading("Reset the token", 3, 4)


def test_a_heading_is_read_as_plain_text():
    assert plain_text("Reset the **VPN** `token` [now](x.md)") == "Reset the VPN token now"


def test_a_file_name_becomes_a_title():
    assert name_title("runbooks/vpn/reset-token.md") == "Reset token"
    assert name_title("alerts/NodeDiskFull.md") == "NodeDiskFull"


def test_without_a_front_matter_title_the_heading_is_the_title_and_leaves_the_body():
    body = "# Reset the token\n\nResync it.\n"
    title, rest = title_and_body("", body, "r.md")
    assert title == "Reset the token"
    assert "Reset the token" not in rest
    assert rest.strip() == "Resync it."


def test_a_front_matter_title_wins_and_other_level_one_headings_move_down():
    title, body = title_and_body("Reset VPN token", "Intro.\n\n# Steps\n", "r.md")
    assert title == "Reset VPN token"
    assert "## Steps" in body
