"""Addresses a page declares in structured data: JSON-LD and microdata, a site builder's
preloaded settings (Discourse, Medium), <meta name="reply-to">.

A declared address of the site's organisation or person (schema.org Organization,
Person, ContactPoint...), of the site builder's settings or of the page's reply-to is
the site's contact by the site's own statement: method 'structured'. Other declared
'email' values (an event's, a review's) keep the method of their syntax ('jsonld',
'microdata').
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from prospector.extract.addresses import declared, text_addresses
from prospector.extract.doc import Doc
from prospector.extract.dom import Node, ancestors_have, deep_text
from prospector.extract.needles import occurrences
from prospector.extract.vocab import emails as V

# (An HTML5 <template>'s content is a fragment of its own, never shown as it is.)
_TEMPLATE_TAGS = frozenset({"template"})
_EMAIL_KEY_RE = re.compile(r'"email"\s*:\s*"([^"]{3,200})"', re.IGNORECASE)


def _walk_json(node: Any, contact: bool = False,
               depth: int = 0) -> Iterator[tuple[str, str]]:
    """(what the string is, string) for every string with an '@' in a JSON graph: the
    value of an 'email' key of a contact-typed node ('structured') or of another node
    ('jsonld'), else 'prose'."""
    if depth > 40:
        return
    if isinstance(node, dict):
        typed = V.is_contact_type(node.get("@type")) if "@type" in node else contact
        for key, value in node.items():
            if isinstance(key, str) and key.lower() == "email":
                values = value if isinstance(value, list) else [value]
                kind = "structured" if typed else "jsonld"
                yield from ((kind, v) for v in values if isinstance(v, str))
            else:
                yield from _walk_json(value, typed and key == "contactPoint", depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_json(item, contact, depth + 1)
    elif isinstance(node, str) and "@" in node:
        yield "prose", node


def jsonld(doc: Doc) -> Iterator[tuple[str, str]]:
    for text, data in doc.jsonld():
        if data is None:
            # Broken JSON-LD is common; fall back to the "email": "..." pairs.
            data = [{"email": v} for v in _EMAIL_KEY_RE.findall(text)]
        try:
            values = list(_walk_json(data))
        except RecursionError:
            continue
        for kind, value in values:
            if kind == "prose":
                # Prose in a description ("write to info@x.de") is still published data.
                yield from ((a, "jsonld") for a, _ in text_addresses(value))
            else:
                yield from ((a, kind) for a in declared(value))


def _item_type(el: Node) -> str:
    """The itemtype of the nearest item (itemscope) around `el`, '' when none."""
    node: Node | None = el.parent
    depth = 0
    while node is not None and depth < 60:
        attrs = node.attributes
        if "itemscope" in attrs:
            return attrs.get("itemtype") or ""
        node, depth = node.parent, depth + 1
    return ""


def microdata(doc: Doc) -> Iterator[tuple[str, str]]:
    if not (doc.contains(b"itemprop") and doc.contains(b"email")):
        return
    scoped = doc.contains(V.ITEMSCOPE_HINT)
    for el in doc.marked().itemprop_emails:
        attrs = el.attributes
        if "email" not in (attrs.get("itemprop") or "").lower().split():
            continue
        if ancestors_have(el, _TEMPLATE_TAGS):
            continue
        value = (attrs.get("content") or attrs.get("href") or deep_text(el)).strip()
        typed = scoped and any(V.is_contact_type(t) for t in _item_type(el).split())
        for address in declared(value):
            yield address, "structured" if typed else "microdata"


def state_emails(doc: Doc) -> Iterator[tuple[str, str]]:
    """A site builder's declared contact in the page's preloaded state: Discourse's
    `contact_email` site setting (in the data-preloaded attribute, JSON in JSON in an
    HTML attribute) and Medium's `publicEmail`."""
    for key, hint, marks in V.STATE_EMAIL_KEYS:
        if not doc.contains(hint) or not any(doc.contains(mark) for mark in marks):
            continue
        for at in islice(occurrences(doc.raw, key), 20):
            window = htmllib.unescape(doc.raw[at + len(key):at + len(key) + 600])
            match = V.STATE_VALUE_RE.match(window.replace("\\", ""))
            if match:
                yield from ((a, "structured") for a in declared(match.group(1)))


def reply_to(doc: Doc) -> Iterator[tuple[str, str]]:
    """<meta name="reply-to" content="ann@x.org">: where the page says to write."""
    if doc.contains(V.REPLY_TO_HINT):
        yield from ((a, "structured") for a in declared(doc.meta("reply-to")))


def structured(doc: Doc) -> Iterator[tuple[str, str]]:
    yield from jsonld(doc)
    yield from microdata(doc)
    yield from state_emails(doc)
    yield from reply_to(doc)
