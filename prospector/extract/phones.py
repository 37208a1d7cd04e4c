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

from prospector.extract.links import contact_like_url
from prospector.extract.vocab.links import CONTACT_PAGE_RE
from prospector.models import Contact

if TYPE_CHECKING:
    from prospector.extract.doc import Doc

# Country-code domains whose region code differs from the domain.
_DOMAIN_REGION = {"uk": "GB"}
# Country-code domains sold and used as generic ones ('.io' startups, '.tv', '.me'):
# they say nothing about where the owner's phone is.
_GENERIC_CC = frozenset({"io", "co", "me", "tv", "ai", "fm", "ly", "gg", "cc", "ws", "to",
                         "sh", "am", "nu", "tk"})
# Written numbers are read from this much of a contact page's text.
_MAX_TEXT = 20_000
# A written number right after one of these words is not a way to talk to anyone.
_NOT_VOICE = ("fax", "telefax", "télécopie")
# 'F: 555 1234', 'F. 555 1234' (beside 'T:' or 'P:' for the voice line).
_FAX_LABEL_RE = re.compile(r"(?:^|[^a-z])f\s*[:.]\s*$")
# Seven digits or more, with up to three separators between each (' ', '.', '-', '/',
# brackets, '+'): every written number the matcher takes holds such a run.
_DIGIT_RUN_RE = re.compile(r"\d(?:[\s().\-/+]{0,3}\d){6,}")
# Dates in the digit runs of forum and blog pages: skipped before the matcher parses
# and rejects each (most of its cost on post listings).
# Only with a four-digit year: '01.23.45.67.89' is a French phone number.
_DATE_RE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)\d\d)(?!\d)"
)
# Characters either side of a run the matcher sees: its label ('Tel.:'), brackets and
# extension ('ext. 12') fit, and its check that the number stands alone.
_CONTEXT = 40
# More separate digit groups than any written phone number has (two French numbers side
# by side have ten): past it, a run is a list, on which the matcher spent 20 ms a page.
_MAX_GROUPS = 12
_GROUP_RE = re.compile(r"\d+")
_CONFIDENCE = {"tel": 0.9, "text": 0.7}


def page_region(url: str, lang: str) -> str:
    """The region a national number on the page at `url` is read in."""
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


def tel_numbers(doc: Doc, region: str) -> Iterator[str]:
    for _, href in doc.non_web_anchors():
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


def _stretches(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the stretches of `text` around runs of seven or more digits, with
    `_CONTEXT` characters either side, overlapping ones merged."""
    start = end = -1
    for run in _DIGIT_RUN_RE.finditer(text):
        digits = run.group()
        if len(_GROUP_RE.findall(digits)) > _MAX_GROUPS:
            continue  # a list of numbers (an hour or day picker, a table row)
        if _DATE_RE.search(digits) and sum(
                c.isdigit() for c in _DATE_RE.sub(" ", digits)) < 7:
            continue  # a date ('2024-01-07', '07.01.2024 10'): the matcher rejects them
        lo, hi = max(0, run.start() - _CONTEXT), min(len(text), run.end() + _CONTEXT)
        if lo <= end:
            end = hi
            continue
        if end >= 0:
            yield start, end
        start, end = lo, hi
    if end >= 0:
        yield start, end


def written_numbers(text: str, region: str) -> Iterator[str]:
    """The voice numbers written in `text`, E.164. libphonenumber's matcher runs only
    on the stretches around digit runs: over a whole page of text it cost ≈ 2.6 ms a
    contact page, most of it on text holding no number at all."""
    text = text[:_MAX_TEXT]
    previous_end = 0
    for start, end in _stretches(text):
        matcher = phonenumbers.PhoneNumberMatcher(
            text[start:end], region, leniency=phonenumbers.Leniency.VALID,
            max_tries=200,
        )
        for match in matcher:
            at, stop = start + match.start, start + match.end
            # The label of a number sits between it and the number before it.
            before = text[max(previous_end, at - 30):at].lower()
            previous_end = stop
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
    if contact_like_url(doc.url) or CONTACT_PAGE_RE.search(title):
        for number in written_numbers(text, region):
            found.setdefault(number, "text")
    return tuple(
        Contact(kind="phone", value=number, source_url=doc.url, method=method,
                confidence=_CONFIDENCE[method])
        for number, method in found.items()
    )
