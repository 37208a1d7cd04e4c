"""Addresses a page script reveals: assembled from pieces and variables (Joomla 3's
cloaking), decoded from one piece (character codes, base64, an escaped '@', Joomla 4's
cloaking element), ROT13-rotated or reversed.

Scripts are otherwise never read for addresses (they carry templates, examples and
library code), so each reader here takes only an address that the script's decoding
makes: one no string literal of the script holds as written.
"""

from __future__ import annotations

import base64
import binascii
import html as htmllib
import re
from collections.abc import Iterable, Iterator
from itertools import islice

from prospector.extract.addresses import ROT13, normalize_email, text_addresses
from prospector.extract.doc import Doc, Script
from prospector.extract.needles import occurrences
from prospector.extract.vocab import emails as V

_MAX_SCRIPT_CHARS = 300_000
# What an '@' piece of an assembled address looks like in a script's source: the
# character itself, or a character reference Joomla 3 writes for it.
_AT_FORMS = ("@", "&#64;", "&#x40;", "&commat;")
# A '+' next to a quote: a literal joined to something.
_QUOTE_PLUS_RE = re.compile(r"""['"]\s*\+|\+\s*['"]""")
# How near an '@' piece such a '+' is, and how far before and after it the statements
# that build and use the address are read.
_NEAR, _BEFORE, _AFTER = 80, 600, 2000
# String literals with an '@' read on a page for ROT13 or reversed addresses, and
# cloaking elements read (a real page holds a few; a flood costs no more).
_MAX_LITERALS = 200


def inline_js(scripts: Iterable[Script]) -> Iterator[str]:
    """The text of the page's inline JavaScript (not templates, JSON or handlebars)."""
    for script in scripts:
        if script.src is not None:
            continue
        kind = script.type.lower()
        if kind and "javascript" not in kind and "ecmascript" not in kind \
                and kind != "module":
            continue
        yield script.text[:_MAX_SCRIPT_CHARS]


def js_unescape(literal: str) -> str:
    """The value of a JavaScript string literal (quotes included in `literal`)."""
    body = literal[1:-1]
    if "\\" not in body:
        return body
    return V.JS_ESCAPE_RE.sub(_unescape_one, body)


def _unescape_one(match: re.Match[str]) -> str:
    hex2, braced, hex4, octal, char = match.groups()
    code = hex2 or braced or hex4
    try:
        if code:
            return chr(int(code, 16))
        if octal and octal != "0":
            return chr(int(octal, 8))
    except (ValueError, OverflowError):
        return ""
    return str(V.JS_SIMPLE_ESCAPES.get(char or octal, char or octal))


def _literals(text: str) -> list[str]:
    return [js_unescape(m.group(0)) for m in V.JS_STRING_RE.finditer(text)]


def _evaluate(expression: str, env: dict[str, str]) -> str:
    """A '+' chain of literals and variables; an unknown variable breaks the value."""
    out = []
    for match in V.JS_TERM_RE.finditer(expression):
        term = match.group(0)
        out.append(js_unescape(term) if term[0] in "'\"" else env.get(term, "\x00"))
    return "".join(out)


def _assembled_values(text: str, windows: list[tuple[int, int]]) -> list[str]:
    """Every value the script's assignments and '+' chains build in `windows`, in
    order, each variable standing for the value last assigned to it before (Joomla 3:
    "addy = 'joe' + '@'; addy = addy + 'nowhere' + '.' + 'com'")."""
    env: dict[str, str] = {}
    values = []
    for lo, hi in windows:
        for match in V.JS_STEP_RE.finditer(text, lo, hi):
            name, op, expression, chain = match.groups()
            if chain:
                values.append(_evaluate(chain, env))
                continue
            value = _evaluate(expression, env) if "+" in expression or \
                expression[0] in "'\"" else env.get(expression, "\x00")
            env[name] = value = env.get(name, "") + value if op == "+=" else value
            values.append(value)
    return values


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of a script around each '@' piece joined by a '+' to a literal
    (within _NEAR characters): the statements that assign its pieces come shortly
    before it, those that use the result shortly after. Each starts at a statement
    or line boundary, so its quotes pair up. A library that merely holds an '@'
    costs a few string searches, not a parse."""
    forms = [form for form in _AT_FORMS if form[0] == "@" or form[:2] in text]
    spots = sorted(at for form in forms for at in islice(occurrences(text, form), 200))
    spans: list[tuple[int, int]] = []
    for at in spots:
        if spans and at < spans[-1][1] - _AFTER // 2:
            continue
        if not _QUOTE_PLUS_RE.search(text, max(0, at - _NEAR), at + _NEAR):
            continue
        lo = max(0, at - _BEFORE)
        lo = max(text.rfind(";", 0, lo), text.rfind("\n", 0, lo)) + 1
        hi = min(len(text), at + _AFTER)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def assembled(scripts: Iterable[Script]) -> Iterator[tuple[str, str]]:
    """Addresses a script assembles from literal pieces and variables (character
    references in the pieces decoded, as the markup they are written into does)."""
    for text in inline_js(scripts):
        if "+" not in text or ("@" not in text and "&#" not in text
                               and "&commat;" not in text):
            continue
        windows = _windows(text)
        if not windows:
            continue
        whole = htmllib.unescape("\x00".join(
            literal for lo, hi in windows for literal in _literals(text[lo:hi]))).lower()
        seen: set[str] = set()
        for value in _assembled_values(text, windows):
            if value in seen:
                continue
            seen.add(value)
            for address, _ in text_addresses(htmllib.unescape(value)):
                if address not in whole:
                    yield address, "script"


def _applies(text: str, marks: tuple[tuple[str, ...], ...]) -> bool:
    """True when `text` holds every mark of one group, as written or capitalised
    (JavaScript names are case-sensitive; a library's 'rot13' may be 'ROT13')."""
    return any(all(any(form in text for form in (mark, mark.upper(), mark.capitalize()))
                   for mark in group) for group in marks)


def _decoded(scripts: Iterable[str], transform: str,
             method: str) -> tuple[list[tuple[str, str]], set[str]]:
    """(addresses the literals of `scripts` show once transformed, the addresses the
    literals hold as written): 'rot13' rotates letters, 'reverse' reverses."""
    found: list[tuple[str, str]] = []
    encoded: set[str] = set()
    literals = (js_unescape(m.group(0)) for text in scripts
                for m in V.JS_STRING_RE.finditer(text))
    for literal in islice((x for x in literals if "@" in x), _MAX_LITERALS):
        plain = {a for a, _ in text_addresses(literal)}
        shown = literal.translate(ROT13) if transform == "rot13" else literal[::-1]
        for address, _ in text_addresses(htmllib.unescape(shown)):
            if address not in plain:
                found.append((address, method))
                encoded.update(plain)
    return found, encoded


def rot13_scripts(doc: Doc) -> tuple[list[tuple[str, str]], set[str]]:
    """ROT13 applied by a script ("<n uers=\\"znvygb:...\\">".replace(/[a-zA-Z]/g,
    ...fromCharCode...)): the literals of a page whose scripts rotate letters."""
    if not (doc.contains(V.ROT13_SCRIPT_HINT) or doc.contains(b"rot13")):
        return [], set()
    texts = list(inline_js(doc.scripts))
    if not any(_applies(text, V.JS_ROT13_MARKS) for text in texts):
        return [], set()
    return _decoded(texts, "rot13", "rot13")


def reversed_scripts(doc: Doc) -> tuple[list[tuple[str, str]], set[str]]:
    """'moc.x@ann'.split('').reverse().join(''): the literals of a script that
    reverses strings."""
    if not doc.contains(V.REVERSE_HINT):
        return [], set()
    texts = [text for text in inline_js(doc.scripts)
             if all(mark in text for mark in V.JS_REVERSE_MARKS)]
    return _decoded(texts, "reverse", "reversed") if texts else ([], set())


def _b64(value: str) -> str:
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return ""


def joomla_hidden_mail(doc: Doc) -> Iterator[tuple[str, str]]:
    """Joomla 4/5's cloaking element: <joomla-hidden-mail is-email="1"
    first="base64(name)" last="base64(host)" text="base64(shown text)">, which its
    web component (media/system/js/joomla-hidden-mail) turns into a mailto: link."""
    if not doc.contains(V.JOOMLA4_HINT):
        return
    for el in doc.tree.css("joomla-hidden-mail")[:_MAX_LITERALS]:
        attrs = el.attributes
        first, last = _b64(attrs.get("first") or ""), _b64(attrs.get("last") or "")
        if (attrs.get("is-email") or "1") == "1" and first and last:
            address = normalize_email(f"{first}@{last}")
            if address:
                yield address, "script"
        yield from ((a, "script") for a, _ in text_addresses(_b64(attrs.get("text") or "")))


def encoded(doc: Doc) -> Iterator[tuple[str, str]]:
    """Addresses a script decodes from one piece: character codes
    ('String.fromCharCode(105, 110, ...)'), base64 ('atob("...")'), or a string whose
    '@' is escaped ('"info\\x40beeshop.com"'), in a script or an event attribute."""
    raw = doc.raw
    shown: list[str] = []
    if doc.contains(V.ROT13_SCRIPT_HINT):
        for match in islice(V.CHAR_CODES_RE.finditer(raw), _MAX_LITERALS):
            codes = [int(code) for code in match.group(1).split(",")]
            shown.append("".join(chr(code) for code in codes if 0 < code < 0x110000))
    if doc.contains(V.ATOB_HINT):
        shown.extend(_b64(m.group(2)) for m in islice(V.ATOB_RE.finditer(raw), _MAX_LITERALS))
    if doc.holds_any(V.ESCAPED_AT_HINTS):
        shown.extend(islice((literal for text in inline_js(doc.scripts)
                             for literal in _escaped_at_literals(text)), _MAX_LITERALS))
    for text in shown:
        yield from ((a, "script") for a, _ in text_addresses(htmllib.unescape(text)))


def _escaped_at_literals(text: str) -> Iterator[str]:
    if "\\x40" not in text and "\\u0040" not in text and "\\100" not in text:
        return
    for match in V.JS_STRING_RE.finditer(text):
        literal = match.group(0)
        if "\\x40" in literal or "\\u0040" in literal or "\\100" in literal:
            yield js_unescape(literal)
