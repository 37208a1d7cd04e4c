"""E-mail extraction's edges that mutation testing (scripts/mutate.py) showed the
reader tables let through: bytes in, a separate raw markup, templates, and the credit
line's window."""

from __future__ import annotations

import pytest

from prospector.extract.addresses import cf_encode
from prospector.extract.emails import MAX_ENTITY_CANDIDATES, find_emails

URL = "http://bees.com/"


def _values(body: str | bytes, raw: str | None = None) -> list[tuple[str, str]]:
    return [(c.value, c.method) for c in find_emails(URL, body, raw)]


def test_bytes_are_decoded_as_utf8_with_replacement() -> None:
    # An invalid byte (\xff) is replaced, not a reason to drop the page.
    assert _values(b"<p>write to jo@bees.com \xff caf\xc3\xa9</p>") == [("jo@bees.com", "text")]


def test_raw_markup_is_read_as_given() -> None:
    """`raw` is the markup as the server sent it (entities the parser decoded are only
    there): it is read when given, the parsed text otherwise."""
    assert _values("<p>hi</p>", raw="<p>x&#64;bees.com</p>") == [("x@bees.com", "entity")]
    assert _values("<p>x&#64;bees.com</p>") == [("x@bees.com", "entity")]


def test_a_mailto_inside_a_template_is_not_the_page_s() -> None:
    assert _values('<p>hi</p><template><a href="mailto:t@bees.com">t</a></template>') == []
    assert _values('<p>hi</p><a href="mailto:t@bees.com">t</a>') == [("t@bees.com", "mailto")]


def test_a_credit_line_at_the_very_start_is_read_whole() -> None:
    assert _values(b"theme by ann@themes.org <p>info@bees.com</p>") == [("info@bees.com", "text")]


def test_the_first_place_an_address_is_written_decides() -> None:
    page = b"<footer>Theme by Ann ann@themes.org</footer><p>Contact ann@themes.org</p>"
    assert _values(page) == []


def test_the_credit_window_may_cut_a_character_in_two() -> None:
    """400 bytes before the address: the cut can fall inside a UTF-8 character, which is
    dropped (the page is still read, the credit still found)."""
    for name in ("Ann", "Anna"):
        body = ("x" + "é" * 300 + f" Theme by {name} ann@themes.org <p>info@bees.com</p>").encode()
        at = body.find(b"ann@themes.org")
        if 0x80 <= body[at - 400] < 0xC0:  # a continuation byte: the cut splits é
            break
    else:
        raise AssertionError("no cut inside a character")
    assert _values(body) == [("info@bees.com", "text")]


@pytest.mark.parametrize("raw", [
    "&#106;&#111;@bees.com",  # references, then a plain '@' (';@')
    "jo@&#98;ees.com",  # a plain '@', then a reference ('@&')
    "&#106;&#111;@&#98;ees.com",
    "jo&#64;bees.com",
    "jo&#x40;bees.com",
    "jo&commat;bees.com",
    "see &#106;&#111;@bees.com\nor jo@&#98;ees.com",
])
def test_entity_forms_in_the_markup_alone(raw: str) -> None:
    assert _values("<p>hi</p>", raw=raw) == [("jo@bees.com", "entity")]


def test_entity_candidates_are_capped() -> None:
    """A hostile page of references costs only the first MAX_ENTITY_CANDIDATES."""
    assert _values("<p>hi</p>", raw="&#64;" * MAX_ENTITY_CANDIDATES + " jo&#64;bees.com") == []
    assert _values("<p>hi</p>", raw="&#64;" * (MAX_ENTITY_CANDIDATES - 1) + " jo&#64;bees.com") == [
        ("jo@bees.com", "entity")]


def _contacts(body: str) -> list[tuple[str, str, str, float]]:
    return [(c.value, c.method, c.role, c.confidence) for c in find_emails(URL, body)]


@pytest.mark.parametrize("body", [
    f'<p>hi</p><a class="__cf_email__" data-cfemail="{cf_encode("jo@bees.com")}">[email&#160;protected]</a>',
    f'<a href="/cdn-cgi/l/email-protection#{cf_encode("jo@bees.com")}">mail</a>',
])
def test_cloudflare_forms(body: str) -> None:
    assert _contacts(body) == [("jo@bees.com", "cfemail", "personal", 0.95)]


@pytest.mark.parametrize("body", [
    '<head><link rel="me" href="mailto:jo@bees.com"></head><p>x</p>',  # a <link> in the head
    '<a href="tel:123">t</a><a href="mailto:jo@bees.com">m</a>',  # after another non-web link
    '<a href=" mailto:jo@bees.com">m</a>',  # a space before the scheme
])
def test_mailto_links_wherever_they_are(body: str) -> None:
    assert _contacts(body) == [("jo@bees.com", "mailto", "personal", 0.95)]


def test_a_test_domain_address_elsewhere_does_not_end_the_page() -> None:
    """An address under .test on a page that is not (skipped as no site's contact)
    leaves the addresses after it, with their roles."""
    assert _contacts("<p>jo@x.test and info@bees.com</p>") == [("info@bees.com", "text", "role", 0.9)]
