"""One parsed page and what several readers share: built once per page, read many times.

The readers (emails, links, social, text, platform, site facts) used to walk the tree
and resolve the same hrefs on their own; on a 70 KB page those repeated walks cost
several times the parse. `Doc` walks once, buckets the few element kinds the readers
need, and memoises href resolution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from prospector.extract.dom import (
    EMAIL_SKIP_TAGS,
    base_directory,
    base_url,
    join_email_text,
    join_visible_text,
    origin,
    resolve_http,
    text_nodes,
)
from prospector.extract.links import is_skipped_href, url_host
from prospector.extract.needles import PAGE_NEEDLES
from prospector.urls import registered_domain

# Elements bucketed by the single walk: links, metadata, scripts, forms and dates.
_BUCKET_TAGS = ("a", "area", "link", "meta", "script", "form", "time", "title", "base")
# Class tokens of byline elements (see `Attrs.bylines`).
BYLINE_CLASSES = frozenset({"author", "byline", "author-name", "fn"})
# XPath's normalize-space() whitespace: class tokens are split on exactly these.
_XML_SPACE_RE = re.compile(r"[ \t\r\n]+")


@dataclass(slots=True)
class Attrs:
    """What one walk over every attribute of the (stripped) tree finds. It replaces four
    libxml2 XPaths with `//` and string predicates, each of which walked the whole
    document and cost about as much as this single walk together."""

    # (element, attribute name, value) of every attribute value holding an '@'.
    at_values: list[tuple[etree._Element, str, str]] = field(default_factory=list)
    # Elements whose class has the token author, byline, author-name or fn.
    bylines: list[etree._Element] = field(default_factory=list)
    # Elements whose itemprop mentions 'email' (any case).
    itemprops: list[etree._Element] = field(default_factory=list)
    # Blog-post markup: a 'hentry' class token, or 'blog-post'/'post-body' in a class.
    blog_class: bool = False


def scan_attributes(tree: etree._Element) -> Attrs:
    """One pass over every element's attributes, in document order."""
    found = Attrs()
    at_values, bylines, itemprops = found.at_values, found.bylines, found.itemprops
    blog = False
    for el in tree.iter():
        for name, value in el.items():
            if "@" in value:
                at_values.append((el, name, value))
            if name == "class":
                if ("author" in value or "byline" in value or "fn" in value) and \
                        not BYLINE_CLASSES.isdisjoint(_XML_SPACE_RE.split(value)):
                    bylines.append(el)
                if not blog and ("blog-post" in value or "post-body" in value or (
                        "hentry" in value and "hentry" in _XML_SPACE_RE.split(value))):
                    blog = True
            elif name == "itemprop" and "email" in value.lower():
                itemprops.append(el)
    found.blog_class = blog
    return found


@dataclass(slots=True)
class Doc:
    """A parsed page. Not frozen: it memoises, but never changes what it was given."""

    url: str
    raw: str
    tree: etree._Element
    base: str = ""
    origin: str = ""
    base_dir: str = ""
    anchors: list[tuple[etree._Element, str]] = field(default_factory=list)
    link_tags: list[etree._Element] = field(default_factory=list)
    metas: list[etree._Element] = field(default_factory=list)
    scripts: list[etree._Element] = field(default_factory=list)
    forms: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)
    titles: list[etree._Element] = field(default_factory=list)
    raw_bytes: bytes | None = None
    # `raw_bytes` is in an encoding that keeps ASCII as is (see `may_contain`).
    ascii_bytes: bool = True
    _email_nodes: list[str] | None = None
    _visible_nodes: list[str] | None = None
    _email_text: str | None = None
    _lower: bytes | None = None
    _attrs: Attrs | None = None
    _found: frozenset[bytes] | None = None
    seen: dict[bytes, bool] = field(default_factory=dict)
    _resolved: dict[str, tuple[str, str]] = field(default_factory=dict)

    def lower(self) -> bytes:
        """The markup as ASCII-lower-cased bytes (for fingerprints and pre-checks)."""
        if self._lower is None:
            data = self.raw_bytes if self.raw_bytes is not None else \
                self.raw.encode("utf-8", "replace")
            self._lower = data.lower()
        return self._lower

    def contains(self, needle: bytes) -> bool:
        """`needle in self.lower()`. The literals of `PAGE_NEEDLES` (what the readers
        test) are all found by one pass on first use; any other is scanned for once
        and memoised."""
        found = self._found
        if found is None:
            found = self._found = PAGE_NEEDLES.present(self.lower())
        if needle in PAGE_NEEDLES.needles:
            return needle in found
        present = self.seen.get(needle)
        if present is None:
            present = self.seen[needle] = needle in self.lower()
        return present

    def may_contain(self, text: str) -> bool:
        """False only when `text` is surely not in `self.raw`: an ASCII string is
        looked up (case-insensitively, so a hit may be a false alarm) in the memoised
        lower-cased bytes when their encoding keeps ASCII as is. Cheaper than a scan
        of the decoded text, which is often two bytes a character."""
        if self.ascii_bytes and text.isascii():
            return self.contains(text.lower().encode("ascii"))
        return text in self.raw

    def _nodes(self) -> tuple[list[str], list[str]]:
        if self._email_nodes is None or self._visible_nodes is None:
            self._email_nodes, self._visible_nodes = text_nodes(self.tree)
        return self._email_nodes, self._visible_nodes

    def strip_hidden(self) -> None:
        """Remove from the tree what is never read as text (scripts, styles, templates,
        text areas, the title) and take the text nodes with two C-level walks instead
        of a Python one. Mutates the tree: call it once every reader that needs those
        elements has run (the bucketed elements stay usable)."""
        tree = self.tree
        etree.strip_elements(tree, *EMAIL_SKIP_TAGS, with_tail=False)
        body = next(tree.iter("body"), None)
        if body is None or body.getparent() is not tree:
            email = list(tree.itertext())
            etree.strip_elements(tree, "noscript", with_tail=False)
            visible = [] if body is None else list(body.itertext())
        else:
            # The body's text nodes are most of the page's: walk them once and splice
            # them into the document's (what `tree.itertext()` gives, in order). They
            # are the visible ones too unless the body holds a <noscript>.
            inner = list(body.itertext())
            email = [tree.text] if tree.text else []
            for child in tree:
                if child is body:
                    email.extend(inner)
                else:
                    email.extend(child.itertext())
                tail = child.tail
                if tail:
                    email.append(tail)
            # (Once a <noscript> is gone, the texts around it are one node: the visible
            # nodes are then taken again.)
            noscript = next(body.iter("noscript"), None) is not None
            etree.strip_elements(tree, "noscript", with_tail=False)
            visible = list(body.itertext()) if noscript else inner
        self._email_nodes, self._visible_nodes = email, visible

    def attrs(self) -> Attrs:
        """The attribute walk, done once on first use. Every reader that uses it runs
        after `strip_hidden` (or never strips), so all see the same tree."""
        if self._attrs is None:
            self._attrs = scan_attributes(self.tree)
        return self._attrs

    def email_text(self) -> str:
        if self._email_text is None:
            self._email_text = join_email_text(self._nodes()[0])
        return self._email_text

    def visible_text(self, limit: int) -> str:
        return join_visible_text(self._nodes()[1], limit)

    def target(self, href: str) -> tuple[str, str]:
        """(absolute canonical http URL, its registered domain) of an href, or
        ('', '') when it is not a web link (mailto:, javascript:, '#top', ...)."""
        hit = self._resolved.get(href)
        if hit is None:
            url = "" if is_skipped_href(href) else resolve_http(
                self.base, href, self.origin, self.base_dir
            )
            hit = (url, registered_domain(url_host(url)) if url else "")
            self._resolved[href] = hit
        return hit

    def meta(self, *names: str) -> str:
        """Content of the first <meta> whose name or property is one of `names`."""
        for el in self.metas:
            key = str(el.get("name") or el.get("property") or el.get("itemprop") or "")
            if key.strip().lower() in names:
                value = str(el.get("content") or "").strip()
                if value:
                    return value
        return ""


def make_doc(url: str, tree: etree._Element, raw: str) -> Doc:
    """Walk `tree` once and bucket what the readers need."""
    doc = Doc(url=url, raw=raw, tree=tree)
    bases: list[etree._Element] = []
    buckets = {"link": doc.link_tags, "meta": doc.metas, "script": doc.scripts,
               "form": doc.forms, "time": doc.times, "title": doc.titles, "base": bases}
    anchors = doc.anchors
    for el in tree.iter(*_BUCKET_TAGS):
        tag = el.tag
        if tag == "a" or tag == "area":
            href = el.get("href")
            if href is not None:
                anchors.append((el, str(href)))
        else:
            buckets[str(tag)].append(el)
    base = base_url(bases[0] if bases else None, url)
    doc.base, doc.origin, doc.base_dir = base, origin(base), base_directory(base)
    return doc
