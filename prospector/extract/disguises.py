"""Addresses a page shows transformed from what its markup holds: ROT13 text that a
script rotates back (marked spans, 'znvygb:' links), text that CSS shows reversed
('unicode-bidi: bidi-override; direction: rtl'), and an address split over data
attributes that CSS or a click handler joins.

Each reader returns (addresses shown, encoded forms): an encoded form can look like an
address to the other readers, but it is none a person is shown.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from itertools import islice
from urllib.parse import unquote

from prospector.extract.addresses import ROT13, ROT18, normalize_email, text_addresses
from prospector.extract.doc import Doc
from prospector.extract.dom import deep_text
from prospector.extract.needles import occurrences
from prospector.extract.vocab import emails as V

_ROT13_CSS = "[class*=r13], [class*=rot13]"
Found = tuple[list[tuple[str, str]], set[str]]
# Encoded candidates read on a page: a real one holds a few, a flood costs no more.
_MAX_FOUND = 100


def rot13_spans(doc: Doc) -> Found:
    """The text of elements whose class marks them for decoding by a page script (see
    ROT13_CLASS_RE)."""
    decoded: list[tuple[str, str]] = []
    encoded: set[str] = set()
    if not (doc.contains(b"r13") or doc.contains(b"rot13")):
        return decoded, encoded
    for el in doc.tree.css(_ROT13_CSS):
        if not V.ROT13_CLASS_RE.search((el.attrs.get("class") or "").lower()):
            continue
        text = deep_text(el)
        encoded.update(address for address, _ in text_addresses(text))
        decoded.extend((address, "rot13") for address, _ in
                       text_addresses(text.translate(ROT13)))
    return decoded, encoded


def rot13_attributes(doc: Doc) -> Found:
    """Values of attributes named for ROT13 ('data-rot13', 'data-erot13'), which a
    site script (often a file of its own) rotates into a mailto: link."""
    decoded: list[tuple[str, str]] = []
    encoded: set[str] = set()
    if not doc.contains(b"rot13"):
        return decoded, encoded
    for match in islice(V.ROT13_ATTRIBUTE_RE.finditer(doc.raw), _MAX_FOUND):
        value = htmllib.unescape(match.group(2))
        shown = [a for a, _ in text_addresses(value.translate(ROT13))]
        decoded.extend((address, "rot13") for address in shown)
        if shown:
            encoded.update(a for a, _ in text_addresses(value))
    return decoded, encoded


_ROT13_MAILTO_RE = re.compile(r"znvygb:([^\s\"'<>?&\\]{3,254})", re.IGNORECASE)


def rot13_mailto(doc: Doc) -> Found:
    """'znvygb:' ('mailto:' in ROT13) anywhere in the markup: a link or a script string
    that a script rotates back (the email-scramble library, ROT13 obfuscators)."""
    decoded: list[tuple[str, str]] = []
    encoded: set[str] = set()
    if not doc.contains(V.ROT13_MAILTO):
        return decoded, encoded
    # (The email-scramble library rotates digits by 5 as well.)
    table = ROT18 if any(doc.contains(mark) for mark in V.ROT18_MARKS) else ROT13
    for match in islice(_ROT13_MAILTO_RE.finditer(doc.raw), _MAX_FOUND):
        body = unquote(htmllib.unescape(match.group(1)))
        address = normalize_email(body.translate(table))
        if address:
            decoded.append((address, "rot13"))
            encoded.update(a for a, _ in text_addresses(body))
    return decoded, encoded


def _reversed_texts(raw: str) -> Iterator[str]:
    """The text of elements styled to show right to left, reversed: by their style
    attribute or by a stylesheet rule for one of their classes. Read from each
    'bidi-override' back to its tag or rule, not by a scan of the whole markup."""
    classes: list[str] = []
    for at in islice(occurrences(raw, "bidi-override"), 50):
        tag = raw.rfind("<", max(0, at - 500), at)
        match = V.BIDI_STYLE_RE.match(raw, tag) if tag >= 0 else None
        if match and match.start(3) <= at < match.end(3):
            if V.RTL_RE.search(match.group(3)):
                yield match.group(4)
            continue
        brace = raw.rfind("{", max(0, at - 300), at)
        end = raw.find("}", at, at + 300)
        if brace < 0 or end < 0 or "}" in raw[brace:at] or not V.RTL_RE.search(raw, brace, end):
            continue
        start = max(raw.rfind("}", max(0, brace - 300), brace), raw.rfind(">", 0, brace))
        classes.extend(V.CSS_CLASS_RE.findall(raw, start + 1, brace))
    for name in list(dict.fromkeys(classes))[:5]:
        pattern = re.compile(
            r"<[a-z][a-z0-9]*\b[^>]*?\bclass\s*=\s*([\"'])[^\"'>]*\b" + re.escape(name) +
            r"\b[^\"'>]*\1[^>]*>([^<]{3,300})<", re.IGNORECASE)
        yield from (m.group(2) for m in pattern.finditer(raw))


def bidi_reversed(doc: Doc) -> Found:
    """Text that CSS shows reversed: 'moc.elpmaxe@nna' is read 'ann@example.com'."""
    decoded: list[tuple[str, str]] = []
    encoded: set[str] = set()
    if not doc.contains(V.BIDI_HINT):
        return decoded, encoded
    for text in islice(_reversed_texts(doc.raw), _MAX_FOUND):
        text = htmllib.unescape(text)
        shown = [a for a, _ in text_addresses(text[::-1])]
        decoded.extend((address, "reversed") for address in shown)
        if shown:
            encoded.update(a for a, _ in text_addresses(text))
    return decoded, encoded


def split_attributes(doc: Doc) -> Iterator[tuple[str, str]]:
    """<a data-name="info" data-domain="beeshop" data-tld="com">: the address CSS
    ('content: attr(data-name) "@" attr(data-domain) "." attr(data-tld)') or a click
    handler shows, joined from the element's data attributes."""
    if not doc.contains(V.SPLIT_HINT):
        return
    # (On a link or a span, where the snippets put it: a widget's or an analytics
    # script's 'data-domain' names a site, not a mailbox.)
    for el in doc.tree.css("a[data-domain], span[data-domain]")[:_MAX_FOUND]:
        attrs = el.attributes
        name = next((attrs[a] for a in V.SPLIT_NAME_ATTRIBUTES if attrs.get(a)), None)
        tld = next((attrs[a] for a in V.SPLIT_TLD_ATTRIBUTES if attrs.get(a)), None)
        domain = attrs.get("data-domain") or ""
        address = normalize_email(f"{name}@{domain}.{tld}" if tld else f"{name}@{domain}")
        if name and address:
            yield address, "obfuscated"
