"""Phone numbers: `tel:` links on every page, written numbers on contact pages only.

Parsing and validation are libphonenumber's (the `phonenumbers` port): national formats,
extensions and per-country validity are a library's job. Numbers are reported in E.164
('+493012345678'). A number written without its country code is read in the country
the page belongs to: its country-code domain, else the region of a non-English
`<html lang>` ('de-DE'), else the United States (North American numbering).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote

import phonenumbers

from prospector.extract import patterns as P
from prospector.extract.links import contact_like_url
from prospector.models import Contact

if TYPE_CHECKING:
    from prospector.extract.doc import Doc

# Country-code domains whose region code differs from the domain.
_DOMAIN_REGION = {"uk": "GB"}
# Country-code domains sold and used as generic ones ('.io' startups, '.tv', '.me'):
# they say nothing about where the owner's phone is.
_GENERIC_CC = frozenset({"io", "co", "me", "tv", "ai", "fm", "ly", "gg", "cc", "ws", "to",
                         "sh", "am", "nu", "tk"})
# Written numbers are read from this much of a contact page's text: the scan costs
# ≈ 4 ms over 20,000 characters here.
_MAX_TEXT = 20_000
# A written number right after one of these words is not a way to talk to anyone.
_NOT_VOICE = ("fax", "telefax", "télécopie")
# 'F: 555 1234', 'F. 555 1234' (beside 'T:' or 'P:' for the voice line).
_FAX_LABEL_RE = re.compile(r"(?:^|[^a-z])f\s*[:.]\s*$")
_CONFIDENCE = {"tel": 0.9, "text": 0.7}


def page_region(url: str, lang: str) -> str:
    """The region a national number on the page at `url` is read in, or None."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    tld = host.rsplit(".", 1)[-1].lower()
    region = _DOMAIN_REGION.get(tld, tld.upper())
    if len(tld) == 2 and tld not in _GENERIC_CC and region in phonenumbers.SUPPORTED_REGIONS:
        return region
    parts = lang.lower().replace("_", "-").split("-")
    if len(parts) >= 2 and parts[0] != "en" and parts[1].upper() in \
            phonenumbers.SUPPORTED_REGIONS:
        return parts[1].upper()
    # A generic domain ('.com', '.net'), or English: North American numbering, the
    # commonest there (on the WebStruct business pages, English 'lang' regions such as
    # en-GB were wrong more often than right).
    return "US"


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def tel_numbers(doc: Doc, region: str | None) -> Iterator[str]:
    for _, href in doc.anchors:
        head = href[:8].lstrip().lower()
        if not head.startswith(("tel:", "callto:")):
            continue
        raw = unquote(href.strip().split(":", 1)[1]).split(";", 1)[0].split("?", 1)[0]
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            yield _e164(number)


def written_numbers(text: str, region: str | None) -> Iterator[str]:
    text = text[:_MAX_TEXT]
    matcher = phonenumbers.PhoneNumberMatcher(
        text, region or "ZZ", leniency=phonenumbers.Leniency.VALID, max_tries=200
    )
    previous_end = 0
    for match in matcher:
        # The label of a number sits between it and the number before it.
        before = text[max(previous_end, match.start - 30):match.start].lower()
        previous_end = match.end
        if any(word in before for word in _NOT_VOICE) or _FAX_LABEL_RE.search(before):
            continue
        yield _e164(match.number)


def find_phones(doc: Doc, text: str, title: str, lang: str) -> tuple[Contact, ...]:
    """Phone numbers of the page: its `tel:` links, and on a contact-like page (by URL
    or title) the numbers written in its visible `text`."""
    region = page_region(doc.url, lang)
    found: dict[str, str] = {}
    for number in tel_numbers(doc, region):
        found.setdefault(number, "tel")
    if contact_like_url(doc.url) or P.CONTACT_PAGE_RE.search(title):
        for number in written_numbers(text, region):
            found.setdefault(number, "text")
    return tuple(
        Contact(kind="phone", value=number, source_url=doc.url, method=method,
                confidence=_CONFIDENCE[method])
        for number, method in found.items()
    )
