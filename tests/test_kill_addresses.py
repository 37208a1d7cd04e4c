"""The address forms and the junk filter's neighbours at their edges: the cases mutation
testing (scripts/mutate.py) showed the extraction tables let through."""

from __future__ import annotations

import pytest

from prospector.extract import addresses as A


def test_cloudflare_encoding_round_trips_at_its_edges() -> None:
    assert A.cf_encode("jo@x.com") == "42282d023a6c212d2f"  # key 0x42 first, then XOR
    assert A.cf_decode(A.cf_encode("a")) == "a"  # a key and one byte is an address's minimum
    assert A.cf_decode("42") == "" and A.cf_decode("zz") == ""
    assert A.cf_decode("42bd") == ""  # decodes to 0xff: no UTF-8, no address


def test_declared_takes_the_first_spelled_out_address_only() -> None:
    assert A.declared("ann (at) x (dot) org bob (at) y (dot) org") == ["ann@x.org"]


def test_a_mailto_query_is_cut_at_its_first_question_mark() -> None:
    assert A.parse_mailto("mailto:jo@bees.com?subject=a?b") == ["jo@bees.com"]


def test_obfuscated_forms_in_capitals_and_in_a_row() -> None:
    assert list(A.obfuscated_addresses("ANN [at] bees [dot] com")) == [("ann@bees.com", "obfuscated")]
    assert list(A.obfuscated_addresses("ann [at] x [dot] org or bob [at] y [dot] org")) == [
        ("ann@x.org", "obfuscated"), ("bob@y.org", "obfuscated")]


@pytest.mark.parametrize(("text", "at", "start"), [
    (" @", 1, 0),  # back over the space at the very start
    ("x ", 0, 0),  # nothing before: the start itself (no wrapping round to the end)
    ("x! ab [", 6, 3),  # the local part ends at a non-address character
    ("ab [", 3, 0),
])
def test_word_start(text: str, at: int, start: int) -> None:
    assert A._word_start(text, at, A._LOCAL_CHAR) == start


def test_a_scheme_relative_url_s_user_is_no_address() -> None:
    assert list(A.text_addresses("see //jo@bees.com")) == []
    assert list(A.text_addresses("see jo@bees.com")) == [("jo@bees.com", "text")]


@pytest.mark.parametrize(("text", "address"), [
    ("E-mail: lam at cs dot stanford dot edu", "lam@cs.stanford.edu"),  # 'dot' words dropped
    ("E-mail: lam at stanford edu", "lam@stanford.edu"),  # two words are a host already
])
def test_spelled_out_hosts(text: str, address: str) -> None:
    assert list(A.spelled_at_addresses(text)) == [(address, "obfuscated")]


@pytest.mark.parametrize(("address", "junk"), [
    ("icon@2x.png", True),  # an asset name
    ("jo@bees.invalid", True),  # a reserved TLD
    ("you@bees.com", True),  # a placeholder mailbox
    ("noreply@bees.com", True),  # a box nobody reads
    ("jo@domain.com", True), ("jo@mail.domain.com", True),  # placeholder domains, and below them
    ("jo@example.co.uk", True),
    ("0123456789abcdef0123456789abcdef@bees.com", True),  # a hash
    ("a@b@bees.com", True), ("jo%x@bees.com", True), ("jo%20x%20y@bees.com", True),
    ("@bees.com", True), ("jo@", True),
    ("jo@bees.com", False), ("jo@bees", False), ("jo.example@bees.com", False),
])
def test_junk_filter(address: str, junk: bool) -> None:
    assert A.is_junk_email(address) is junk


def test_despammed_and_normalised_edges() -> None:
    assert A.despammed("not an address") == ("", "")
    assert A.normalize_email("Xjo@bees.com") == "xjo@bees.com"  # only punctuation is trimmed
    assert A.normalize_email("<jo@bees.com>.") == "jo@bees.com"


@pytest.mark.parametrize("address", ["info+a+b@bees.com", "info+news@bees.com", "info@bees.com"])
def test_a_role_box_with_a_tag_is_a_role(address: str) -> None:
    assert A.email_role(address) == "role"


def test_a_url_s_user_is_no_address() -> None:
    assert list(A.text_addresses("see https://key@o1.ingest.sentry.io/2")) == []


@pytest.mark.parametrize(("value", "on_test"), [
    ("www.bees.test", True), ("bees.test.", True), ("jo@bees.test", True), ("bees.com", False),
    ("test.bees.com", False),
])
def test_on_test_domain(value: str, on_test: bool) -> None:
    assert A.on_test_domain(value) is on_test


def _domain(size: int) -> str:
    """A valid host name of exactly `size` characters (labels of at most 63)."""
    head = ".".join(letter * 63 for letter in "abc")
    return f"{head}.{'d' * (size - len(head) - 5)}.com"


@pytest.mark.parametrize(("address", "kept"), [
    ("jo.@bees.com", False), ("j..o@bees.com", False), ("jo@bees.zzzz", False),
    ("g" * 64 + "@bees.com", True), ("g" * 65 + "@bees.com", False),  # RFC 5321: 64 at most
    ("jo@" + _domain(253), True), ("jo@" + _domain(254), False),  # and 253 for the host
])
def test_normalize_email_limits(address: str, kept: bool) -> None:
    assert A.normalize_email(address) == (address.lower() if kept else "")


@pytest.mark.parametrize("text", ["//jo@bees.com", "see the //jo@bees.com", "see https://jo@bees.com/path"])
def test_an_address_inside_a_url_is_no_address(text: str) -> None:
    assert list(A.text_addresses(text)) == []
