"""Email addresses on a page, however they are written, minus the junk.

Every function is pure: markup in, frozen `Contact` tuples out. This module reads the
markup and text forms (mailto:, Cloudflare, attributes, character references, plain
and spelled-out text) and merges them with the script-revealed (scripts.py),
transformed (disguises.py) and declared (structured.py) ones; then it drops what is not
the site's contact: special-use domains, a vendor's or a theme's boilerplate.
"""

from __future__ import annotations

import heapq
import html as htmllib
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from itertools import islice
from typing import Any

from prospector.extract import disguises, scripts
from prospector.extract.addresses import (
    cf_decode as cf_decode,
)
from prospector.extract.addresses import (
    cf_encode as cf_encode,
)
from prospector.extract.addresses import (
    email_role as email_role,
)
from prospector.extract.addresses import (
    is_junk_email as is_junk_email,
)
from prospector.extract.addresses import (
    normalize_email as normalize_email,
)
from prospector.extract.addresses import (
    obfuscated_addresses,
    on_test_domain,
    text_addresses,
)
from prospector.extract.addresses import (
    parse_mailto as parse_mailto,
)
from prospector.extract.doc import Doc, make_doc
from prospector.extract.dom import Node, Tree, ancestors_have, parse_html
from prospector.extract.needles import occurrences
from prospector.extract.structured import structured
from prospector.extract.vocab import emails as V
from prospector.models import Contact
from prospector.urls import hostname, registered_domain

# How sure we are that an address found this way is meant to be read by people.
CONFIDENCE: dict[str, float] = {
    "structured": 0.95,
    "mailto": 0.95,
    "jsonld": 0.95,
    "microdata": 0.95,
    "cfemail": 0.95,
    "entity": 0.9,
    "rot13": 0.9,
    "reversed": 0.9,
    "text": 0.9,
    "obfuscated": 0.8,
    "script": 0.6,
}
# Tie-break between methods of equal confidence: the more specific one is reported (a
# declared site contact first: the site says it is the one to write to).
_METHOD_RANK = {m: i for i, m in enumerate(
    ("structured", "mailto", "jsonld", "microdata", "cfemail", "entity", "rot13",
     "reversed", "obfuscated", "text", "script")
)}

_TEMPLATE_TAGS = frozenset({"template"})
_MAX_SCAN_CHARS = 3_000_000


# ------------------------------------------------------------------ finders


def _mailto(elements: Iterable[tuple[Node, str]]) -> Iterator[tuple[str, str]]:
    for el, href in elements:
        if href[:12].lstrip()[:7].lower() != "mailto:" or _in_template(el):
            continue
        for address in parse_mailto(href):
            yield address, "mailto"


def _link_tags(doc: Doc) -> list[tuple[Node, str]]:
    return [(el, el.attrs.get("href") or "") for el in doc.link_tags]


def _makers(doc: Doc) -> set[str]:
    """Addresses the page's head gives as its maker's: <meta name="author"> and its
    kin, <link rel="made"> (who built the page: on a company's site, its web
    developer)."""
    out: set[str] = set()
    for el in doc.metas:
        attrs = el.attributes
        if (attrs.get("name") or "").strip().lower() in V.MAKER_META_NAMES:
            out.update(a for a, _ in text_addresses(attrs.get("content") or ""))
    for el in doc.link_tags:
        attrs = el.attributes
        if not V.MAKER_RELS.isdisjoint((attrs.get("rel") or "").lower().split()):
            out.update(parse_mailto(attrs.get("href") or ""))
    return out


def _in_template(el: Node) -> bool:
    # (An HTML5 <template>'s content is a fragment of its own, out of the page's
    # queries; a <template> inside SVG or MathML is an ordinary element.)
    return ancestors_have(el, _TEMPLATE_TAGS)


def _cfemail(doc: Doc, raw: str) -> Iterator[tuple[str, str]]:
    if not doc.contains(b"data-cfemail"):
        values: list[Any] = []
    else:
        values = [el.attrs.get("data-cfemail") or ""
                  for el in doc.tree.css("[data-cfemail]")]
    for value in values:
        address = normalize_email(cf_decode(str(value)))
        if address:
            yield address, "cfemail"
    if doc.may_contain("email-protection") and "email-protection" in raw:
        for match in V.CF_PROTECTION_RE.finditer(raw):
            address = normalize_email(cf_decode(match.group(1)))
            if address:
                yield address, "cfemail"


def _attributes(doc: Doc) -> Iterator[tuple[str, str]]:
    # The attribute values holding an '@' (from the page's one attribute walk), then
    # the cheap per-attribute rule (see EMAIL_ATTRIBUTES).
    for parent, name, text in doc.marked().at_values:
        if not V.email_attribute(parent.tag or "", name,
                                 parent.attributes.get("type") or ""):
            continue
        if "://" not in text:
            yield from text_addresses(text)


# Why a cap: every entity-encoded address carries exactly one encoded '@' and a page
# legitimately lists at most a few hundred addresses (the real-page corpus has at most
# 13 candidates on a page), while each candidate costs a scan of up to 400 characters
# leftwards, 300 references rightwards and a decode: without a cap a page of a million
# '&#64;' took minutes. Encoded addresses in text past the cap are not lost: the parser
# decodes references, so `_text` still reports them (as method 'text').
MAX_ENTITY_CANDIDATES = 1000
_ENTITY_LEFT_WINDOW = 400  # characters before the '@' the left part may start at
# One character reference of a chunk built by `_entities`: every '&' there starts a
# reference that ends at the next ';' (see ENTITY_AT_RE and its neighbours).
_CHUNK_REF_RE = re.compile(r"&[^&;]*;")


# ENTITY_AT_RE split in two: the references (a leading '&' the regex engine skips
# ahead to), and the plain '@' touching one (found from each '@'). The one
# case-insensitive alternation tried every position of the page: ≈ 400 µs a page.
_AT_REFERENCE_RE = re.compile(r"&(?:#0*64;|#[xX]0*40;|[cC][oO][mM][mM][aA][tT];)")


def _spans(raw: str, token: str) -> Iterator[tuple[int, int, str]]:
    return ((at, at + len(token), token) for at in occurrences(raw, token))


def entity_ats(raw: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each match of ENTITY_AT_RE in `raw`, in order. Lazy: a
    hostile page of a million candidates costs only the ones taken."""
    references = ((m.start(), m.end(), m.group(0)) for m in _AT_REFERENCE_RE.finditer(raw))
    end = 0
    for found in heapq.merge(references, _spans(raw, ";@"), _spans(raw, "@&")):
        if found[0] >= end:  # (finditer's matches never overlap)
            yield found
            end = found[1]


def _entity_candidates(raw: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the '@' (encoded, or plain next to a reference) of each of the
    first MAX_ENTITY_CANDIDATES matches of ENTITY_AT_RE in `raw`."""
    for start, end, token in islice(entity_ats(raw), MAX_ENTITY_CANDIDATES):
        if token == ";@":
            start += 1
        elif token == "@&":
            end -= 1
        yield start, end


def _entity_left(raw: str, start: int) -> str | None:
    """The address characters and references that end at `start`: what the forward
    search `(?:&#x?[0-9a-f]{1,6};|[a-z0-9._%+-]){1,200}$` finds in the 400 characters
    before `start` (including, like `$`, ending before a newline right at `start`),
    read backwards in one pass with ENTITY_LEFT_REVERSED_RE. The tokens of such a run
    cut it in one way only ('&' and ';' are no address characters), so the forward
    search's leftmost start is the end of the reversed greedy match."""
    lo = max(0, start - _ENTITY_LEFT_WINDOW)
    stop = start - 1 if start > lo and raw[start - 1] == "\n" else start
    match = V.ENTITY_LEFT_REVERSED_RE.match(raw[lo:stop][::-1])
    return None if match is None else raw[stop - match.end():stop]


def _entities(raw: str) -> Iterator[tuple[str, str]]:
    """Addresses whose '@' is a character reference, or next to one (ENTITY_AT_RE).
    The caller skips pages without ENTITY_AT_HINTS."""
    # A chunk's references never run into each other, so `htmllib.unescape(chunk)` is
    # each reference unescaped alone: once per distinct reference on the page.
    refs: dict[str, str] = {}

    def unescape_ref(ref: re.Match[str]) -> str:
        text = ref.group(0)
        decoded = refs.get(text)
        if decoded is None:
            decoded = refs[text] = htmllib.unescape(text)
        return decoded

    seen: set[str] = set()  # a chunk yields what it yielded before: skip repeats
    for start, end in _entity_candidates(raw):
        left = _entity_left(raw, start)
        right = V.ENTITY_RIGHT_RE.match(raw, end)
        if left is None or right is None:
            continue
        chunk = left + raw[start:end] + right.group(0)
        if "&" not in chunk or chunk in seen:
            continue
        seen.add(chunk)
        decoded = _CHUNK_REF_RE.sub(unescape_ref, chunk)
        lowered = chunk.lower()
        for inner in V.EMAIL_RE.finditer(decoded):
            if inner.group(0).lower() in lowered:
                continue  # written plainly; the entity was next to it, not in it
            address = normalize_email(inner.group(0))
            if address:
                yield address, "entity"


def _best(found: Iterable[tuple[str, str]], url: str) -> tuple[Contact, ...]:
    best: dict[str, tuple[float, int, str]] = {}
    order: list[str] = []
    for address, method in found:
        key = (CONFIDENCE[method], -_METHOD_RANK[method], method)
        if address not in best:
            order.append(address)
            best[address] = key
        elif key > best[address]:
            best[address] = key
    return tuple(
        Contact(kind="email", value=a, source_url=url, method=best[a][2],
                confidence=best[a][0], role=email_role(a))
        for a in order
    )


# ------------------------------------------------------------------ whose address


def _credit_line(lower: bytes, address: str) -> bool:
    """True when the first place the markup holds `address` follows a theme's credit
    ('Theme by Ann <ann@x.org>', 'Design by ...'), read in the text before it."""
    at = lower.find(address.encode("utf-8"))
    if at < 0:
        return False
    before = lower[max(0, at - 400):at].decode("utf-8", "ignore")
    text = " ".join(htmllib.unescape(_TAG_RE.sub(" ", before)).split())
    return V.CREDIT_CONTEXT_RE.search(text[-100:]) is not None


_TAG_RE = re.compile(r"<[^>]*>|<[^>]*$|^[^<]*>")


def _vendor_boilerplate(doc: Doc, host: str, domain: str) -> bool:
    """True when an address at `domain` is a platform's or theme's boilerplate on this
    page (see VENDOR_MARKS)."""
    marks = V.VENDOR_MARKS.get(domain)
    if marks is None:
        return False
    return not marks or any(mark.decode() in host or doc.contains(mark) for mark in marks)


def site_contacts(doc: Doc, found: list[tuple[str, str]],
                  makers: AbstractSet[str] = frozenset()) -> list[tuple[str, str]]:
    """`found` without what is not the site's contact: addresses on special-use names
    ('.test' only off a '.test' page), a platform's or host's boilerplate (see
    VENDOR_MARKS), a theme author's address in a credit line and `makers` (addresses
    only the page's maker metadata gives), unless the page is the vendor's or the
    address is on the page's own domain."""
    host = hostname(doc.url)
    own = registered_domain(host) if host else ""
    test_ok = on_test_domain(host)
    out = []
    credits: dict[str, bool] = {}
    for address, method in found:
        domain = registered_domain(address.rpartition("@")[2])
        if not test_ok and on_test_domain(address):
            continue
        if domain == own:
            out.append((address, method))
            continue
        if address in makers or _vendor_boilerplate(doc, host, domain):
            continue
        if method != "structured" and len(credits) < MAX_CREDIT_LOOKUPS:
            credit = credits.get(address)
            if credit is None:
                credit = credits[address] = _credit_line(doc.lower(), address)
            if credit:
                continue
        out.append((address, method))
    return out


# Addresses a page's credit lines are looked for: each look reads the markup once, so a
# page of thousands of (disguised) addresses took time growing with their square (6,000
# took 1 s of CPU, 40,000 took 87 s: issue 23). A theme's credit is one address near the
# top or the foot of a page; past this many addresses the page is a list, not a theme.
MAX_CREDIT_LOOKUPS = 64


def find_emails(
    url: str, tree: Tree | str | bytes | None, raw: str | None = None
) -> tuple[Contact, ...]:
    """Every address on the page at `url`, deduplicated, best method kept.

    `tree` is a parsed document (or markup, parsed here); `raw` is the decoded
    markup, used for the encodings the parser hides (entities, Cloudflare URLs).
    """
    try:
        if isinstance(tree, bytes):
            tree = tree.decode("utf-8", "replace")
        if isinstance(tree, str):
            raw = tree if raw is None else raw
            tree = parse_html(tree)
        if tree is None:
            return ()
        return emails_of(make_doc(url, tree, raw or ""))
    except (ValueError, RecursionError, MemoryError):
        return ()


def _transformed(doc: Doc) -> tuple[list[tuple[str, str]], set[str]]:
    """What scripts and CSS show transformed, and the encoded forms the markup holds."""
    shown: list[tuple[str, str]] = []
    encoded: set[str] = set()
    for reader in (disguises.rot13_spans, disguises.rot13_attributes,
                   disguises.rot13_mailto, disguises.bidi_reversed,
                   scripts.rot13_scripts, scripts.reversed_scripts):
        decoded, forms = reader(doc)
        shown.extend(decoded)
        encoded.update(forms)
    return shown, encoded


def emails_of(doc: Doc) -> tuple[Contact, ...]:
    """`find_emails` over a page's shared `Doc`."""
    try:
        raw = doc.raw[:_MAX_SCAN_CHARS]
        text = doc.email_text()[:_MAX_SCAN_CHARS]
        # Attribute values and <link> tags (where a page's maker metadata sits: see
        # `_makers`), then the rest.
        head = [*_mailto(_link_tags(doc)), *_attributes(doc)]
        found: list[tuple[str, str]] = []
        found.extend(_mailto(doc.non_web_anchors()))
        found.extend(structured(doc))
        found.extend(_cfemail(doc, raw))
        if not doc.ascii_bytes or doc.holds_any(V.ENTITY_AT_HINTS):
            found.extend(_entities(raw))
        found.extend(text_addresses(text))
        found.extend(obfuscated_addresses(text))
        found.extend(scripts.assembled(doc.scripts))
        found.extend(scripts.joomla_hidden_mail(doc))
        found.extend(scripts.encoded(doc))
        found.extend(disguises.split_attributes(doc))
        shown, encoded = _transformed(doc)
        if encoded:
            head = [(address, how) for address, how in head if address not in encoded]
            found = [(address, how) for address, how in found if address not in encoded]
        found.extend(shown)
        makers = _makers(doc) - {address for address, _ in found} if head else set()
        return _best(site_contacts(doc, head + found, makers), doc.url)
    except (ValueError, RecursionError, MemoryError):
        return ()
