"""ERB tags in adopted pages: shown as written, never run, each line a warning."""

from __future__ import annotations

from opskb.problems import Problems
from opskb.sources.erb import LISTING, TITLE_TAG, inert_erb


def test_a_tag_is_shown_as_code_and_warned_about_on_its_line():
    problems = Problems()
    shown = inert_erb("Intro.\n<%= partial 'x' %> here\n", "docs/a.html.md.erb", 5, problems)
    assert shown == "Intro.\n` <%= partial 'x' %> ` here\n"
    [warning] = problems
    assert (warning.path, warning.line, warning.code) == ("docs/a.html.md.erb", 6, "erb-tag")
    assert (
        warning.message == "template tag \"<%= partial 'x' %>\" is not run: it is shown as written"
    )


def test_a_tag_inside_a_code_block_is_left_alone():
    problems = Problems()
    body = "```\n<% x %>\n```\n"
    assert inert_erb(body, "a.md", 1, problems) == body
    assert list(problems) == []


def test_a_loop_over_the_folders_pages_becomes_the_listing_keeping_its_lines():
    body = "<% current_page.children.each do |child| %>\n- <%= child.title %>\n<% end %>\nAfter."
    problems = Problems()
    assert inert_erb(body, "a.md", 1, problems) == f"{LISTING}\n\n\nAfter."
    assert list(problems) == []


def test_the_title_tag_is_recognised():
    assert TITLE_TAG.match("<%= current_page.data.title %>")
    assert not TITLE_TAG.match("Reset the token")
