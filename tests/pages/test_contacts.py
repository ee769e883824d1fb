"""Contacts on generated pages: e-mail, phone and URL each a link, every other word escaped."""

from __future__ import annotations

from opskb.pages.contacts import contact_links


def test_an_email_address_becomes_a_mailto_link():
    assert contact_links("netops@example.com") == (
        '<a href="mailto:netops@example.com">netops@example.com</a>'
    )


def test_a_phone_number_becomes_a_tel_link_of_its_digits():
    assert (
        contact_links("+1 555 0100") == '<a href="tel:+15550100">&#43;1 555 0100</a>'
    )  # + escaped: no list


def test_an_extension_is_too_short_to_dial_and_stays_text():
    assert "<a" not in contact_links("ext. 4000")
    assert "4000" in contact_links("ext. 4000")


def test_text_around_a_link_keeps_its_spaces_and_markup_is_escaped():
    linked = str(contact_links("<b>pager</b> or netops@example.com"))
    assert "<b>" not in linked
    assert linked.endswith(' or <a href="mailto:netops@example.com">netops@example.com</a>')


def test_no_contact_is_empty_text():
    assert contact_links(None) == ""
