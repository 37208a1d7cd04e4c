"""One parsed page and what several readers share: built once per page, read many times.

The page is parsed by lexbor (selectolax), an HTML5 parser in C that builds the tree a
browser builds. Every element query walks the whole tree in C (≈ 150 µs on a 66 KB
page) and every node or attribute read from Python costs ≈ 0.1–0.8 µs, so `Doc` makes
two queries: one buckets the elements the readers need by tag (links, metadata,
scripts, forms, dates, the raw-text elements), one finds those they want by attribute
(`Marked`); href resolution, anchor text and the page's text are made once and shared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prospector.extract.dom import (
    EMAIL_SKIP_TAGS,
    Node,
    Tree,
    base_directory,
    base_url,
    cap_folded,
    drop_text,
    is_canonical_url,
    is_plain_root_path,
    join_email_text,
    origin,
    page_text,
    remove_elements,
    resolve_http,
    swallowed_markup,
)
from prospector.extract.needles import PAGE_NEEDLES
from prospector.extract.vocab.links import SKIP_SCHEMES
from prospector.extract.vocab.text import ELEMENT_OPENERS
from prospector.urls import hostname, registered_domain

# Elements bucketed by the single query: links, metadata, scripts, forms and dates.
_BUCKETS = ("a[href], area[href], link, meta, script, form, time, title, base, "
            "style, textarea, template, noscript, iframe, noembed, noframes, xmp")
assert set(ELEMENT_OPENERS) <= set(_BUCKETS.split(", "))
assert all(opener in PAGE_NEEDLES.needles for opener in ELEMENT_OPENERS.values())


def bucket_query(found: frozenset[bytes] | None) -> str:
    """`_BUCKETS` without the selectors of elements whose start tag the page lacks
    (ELEMENT_OPENERS): `found` is which `PAGE_NEEDLES` the lower-cased markup holds,
    None when that does not tell (the markup is not ASCII-compatible, or was edited
    before the parse where a tag name could be joined: see `parse_markup`)."""
    if found is None:
        return _BUCKETS
    return ", ".join(selector for selector in _BUCKETS.split(", ")
                     if ELEMENT_OPENERS.get(selector, b"") in found or
                     selector not in ELEMENT_OPENERS)
# The bucketed elements whose text is never read as the page's text (dom.EMAIL_SKIP_TAGS).
_HIDDEN = frozenset(EMAIL_SKIP_TAGS)
# Anchors a page's readers resolve at most (issue 23). Each costs a registered-domain
# lookup (≈ 10 µs: the public suffix list), so the sample web's flood page (100,000
# links, each to a domain of its own, 5.8 MB) took 1.5-2.1 s of CPU, around the crawl's
# 2 s extraction deadline: stored whole on one run, timed out on the next. No real page
# needs more: the busiest of the 488 pages in ../shared/corpus holds 738, and a
# directory past this many is a link farm the graph learns nothing more from. A page
# past the cap is read with its first MAX_ANCHORS anchors and recorded as capped.
MAX_ANCHORS = 20_000
# Elements the readers want by their attributes, found by one more query (each query
# walks the whole tree: ≈ 150 µs a page) and sorted out in Python (see `Marked`):
# values with an '@' in the attributes the email reader weighs (EMAIL_ATTRIBUTES),
# byline and blog-post classes, microdata email fields, rel=me and rel=author links.
# Each selector costs time on every element (≈ 15 µs a page), so those that need a
# word the page lacks are left out: (selector, lower-cased literals it needs).
_MARKED: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("meta[content*='@'], option[value*='@'], input[value*='@'], img[alt*='@'], "
     "[title*='@'], [rel~=me i]", ()),
    ("[data-email*='@']", (b"data-email",)),
    ("[data-mail*='@']", (b"data-mail",)),
    ("[class~=author], [class~=author-name], a[rel~=author i][href]", (b"author",)),
    ("[class~=byline]", (b"byline",)),
    ("[class~=fn]", (b"fn",)),
    ("[class~=hentry]", (b"hentry",)),
    ("[class*='blog-post']", (b"blog-post",)),
    ("[class*='post-body']", (b"post-body",)),
    ("[itemprop*=email i]", (b"itemprop", b"email")),
)
assert all(word in PAGE_NEEDLES.needles for _, needs in _MARKED for word in needs)
# Class tokens of byline elements.
BYLINE_CLASSES = frozenset({"author", "byline", "author-name", "fn"})
# What CSS splits class and rel token lists on (HTML's ASCII whitespace).
_TOKEN_SPLIT = re.compile(r"[ \t\n\f\r]+")


@dataclass(slots=True)
class Marked:
    """The elements of `_MARKED`, sorted out, each list in document order."""

    # (element, attribute name, value) of every attribute value holding an '@'.
    at_values: list[tuple[Node, str, str]] = field(default_factory=list)
    # Elements whose class has a BYLINE_CLASSES token.
    bylines: list[Node] = field(default_factory=list)
    # Elements whose itemprop mentions 'email' (any case).
    itemprop_emails: list[Node] = field(default_factory=list)
    # `mem_id`s of the elements with a rel=me token (any case).
    rel_me: set[int] = field(default_factory=set)
    # <a href> elements with a rel=author token (any case).
    rel_author: list[Node] = field(default_factory=list)
    # Blog-post markup: a 'hentry' class token, or 'blog-post'/'post-body' in a class.
    blog_class: bool = False


def mark(elements: list[Node]) -> Marked:
    found = Marked()
    for el in elements:
        attrs = el.attributes
        for name, value in attrs.items():
            if value is not None and "@" in value:
                found.at_values.append((el, name, value))
        cls = attrs.get("class")
        if cls:
            tokens = _TOKEN_SPLIT.split(cls)
            if not BYLINE_CLASSES.isdisjoint(tokens):
                found.bylines.append(el)
            if "hentry" in tokens or "blog-post" in cls or "post-body" in cls:
                found.blog_class = True
        itemprop = attrs.get("itemprop")
        if itemprop and "email" in itemprop.lower():
            found.itemprop_emails.append(el)
        rel = attrs.get("rel")
        if rel:
            tokens = _TOKEN_SPLIT.split(rel.lower())
            if "me" in tokens:
                found.rel_me.add(el.mem_id)
            if "author" in tokens and el.tag == "a" and "href" in attrs:
                found.rel_author.append(el)
    return found


@dataclass(frozen=True, slots=True)
class Script:
    """What readers take from a <script>, read before `Doc.strip_hidden` removes it."""

    src: str | None
    type: str
    text: str


def is_skipped_href(href: str) -> bool:
    """True for hrefs that are not web pages: mailto, javascript, data, tel, anchors."""
    h = href.strip()[:12].lower()  # (no skipped scheme is longer)
    return not h or h.startswith("#") or h.startswith(SKIP_SCHEMES)


@dataclass(slots=True)
class Doc:
    """A parsed page. Not frozen: it memoises, but never changes what it was given."""

    url: str
    raw: str
    tree: Tree
    base: str = ""
    origin: str = ""
    base_dir: str = ""
    anchors: list[tuple[Node, str]] = field(default_factory=list)
    link_tags: list[Node] = field(default_factory=list)
    metas: list[Node] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    forms: list[Node] = field(default_factory=list)
    times: list[Node] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    raw_bytes: bytes | None = None
    # `raw_bytes` is in an encoding that keeps ASCII as is (see `may_contain`).
    ascii_bytes: bool = True
    stripped: bool = False
    # Tags of raw-text elements that may have swallowed markup (dom.RAW_TEXT_TAGS).
    swallowers: frozenset[str] = frozenset()
    _email_text: str | None = None
    _page_text: str = ""
    _visible_text: str | None = None
    _lower: bytes | None = None
    _marked: Marked | None = None
    _found: frozenset[bytes] | None = None
    seen: dict[bytes, bool] = field(default_factory=dict)
    _resolved: dict[str, tuple[str, str]] = field(default_factory=dict)
    _domains: dict[str, str] = field(default_factory=dict)
    _base_domain: str | None = None
    # `origin` followed by a plain root-relative path is a canonical URL (see `target`).
    _plain_origin: bool = False
    _resolved_anchors: list[tuple[Node, str, str, str]] | None = None
    _non_web: list[tuple[Node, str]] | None = None
    _jsonld: list[tuple[str, Any]] | None = None
    _hidden: list[Node] = field(default_factory=list)
    _noscripts: list[Node] = field(default_factory=list)

    def lower(self) -> bytes:
        """The markup as ASCII-lower-cased bytes (for fingerprints and pre-checks)."""
        if self._lower is None:
            data = self.raw_bytes if self.raw_bytes is not None else \
                self.raw.encode("utf-8", "replace")
            self._lower = data.lower()
        return self._lower

    def found(self) -> frozenset[bytes]:
        """The `PAGE_NEEDLES` literals the lower-cased markup holds."""
        if self._found is None:
            self._found = PAGE_NEEDLES.present(self.lower())
        return self._found

    def holds_any(self, needles: tuple[bytes, ...]) -> bool:
        """`any(self.contains(n) for n in needles)` for literals of `PAGE_NEEDLES`:
        one set operation."""
        return not self.found().isdisjoint(needles)

    def contains(self, needle: bytes) -> bool:
        """`needle in self.lower()`. The literals of `PAGE_NEEDLES` (what the readers
        test) are all found by one pass on first use; any other is scanned for once
        and memoised."""
        if needle in PAGE_NEEDLES.needles:
            return needle in self.found()
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

    def strip_hidden(self) -> None:
        """Remove from the tree what is never read as text (scripts, styles, templates,
        text areas, the title) and take the text for address scanning; then drop the
        text of <noscript> elements and take the visible text. Only the removed
        elements go (their content is raw text, no element): every bucketed node
        stays valid, <script> and <title> having been read into plain values."""
        if self.stripped:
            return
        self.stripped = True
        tree = self.tree
        remove_elements(self._hidden)
        self._hidden = []
        hidden = drop_text(self._noscripts)
        self._page_text = page_text(tree)
        # The <noscript> text is read for addresses (the readable fallback of a
        # scripted one), after the rest: one text extraction serves both readers.
        self._email_text = join_email_text(
            "\x00".join([self._page_text, *hidden]) if hidden else self._page_text)

    def email_text(self) -> str:
        self.strip_hidden()
        return self._email_text or ""

    def visible_text(self, limit: int) -> str:
        self.strip_hidden()
        if self._visible_text is None:
            self._visible_text = cap_folded(self._page_text.replace("\x00", " "), limit) \
                if self.tree.body is not None else ""
        return self._visible_text[:limit]

    def marked(self) -> Marked:
        """The elements of `_MARKED`, queried once after `strip_hidden` (a removed
        element itself may carry such an attribute)."""
        if self._marked is None:
            self.strip_hidden()
            query = ", ".join(selector for selector, needs in _MARKED
                              if all(self.contains(word) for word in needs))
            self._marked = mark(self.tree.css(query))
        return self._marked

    def set_base(self, base: str) -> None:
        """The URL relative hrefs resolve against, and what `target` derives from it."""
        self.base, self.origin, self.base_dir = base, origin(base), base_directory(base)
        self._plain_origin = bool(is_canonical_url(self.origin + "/"))

    def target(self, href: str) -> tuple[str, str]:
        """(absolute canonical http URL, its registered domain) of an href, or
        ('', '') when it is not a web link (mailto:, javascript:, '#top', ...)."""
        hit = self._resolved.get(href)
        if hit is None:
            # Most hrefs are canonical URLs already, or root-relative paths that
            # resolve to the origin followed by themselves: one regex settles those.
            if is_canonical_url(href):
                # (The host of a canonical URL runs from its '//' to its first '/'.)
                start = 8 if href[4] == "s" else 7
                hit = self._located(href, href[start:href.index("/", start)])
            elif href[:1] == "/" and self._plain_origin and is_plain_root_path(href):
                hit = self._located(self.origin + href)
            else:
                hit = self._located("" if is_skipped_href(href) else resolve_http(
                    self.base, href, self.origin, self.base_dir
                ))
            self._resolved[href] = hit
        return hit

    def _located(self, url: str, host: str | None = None) -> tuple[str, str]:
        """(url, its registered domain); `host` is its host when the caller has it."""
        if not url:
            return "", ""
        if self.origin and url.startswith(self.origin) and \
                url[len(self.origin):len(self.origin) + 1] == "/":
            # Same origin as the base (most links): its domain, looked up once.
            if self._base_domain is None:
                self._base_domain = registered_domain(hostname(url))
            return url, self._base_domain
        return url, self._domain(hostname(url) if host is None else host)

    def _domain(self, host: str) -> str:
        """`registered_domain(host)`, memoised for the page (most of its outside links
        go to a few hosts)."""
        domain = self._domains.get(host)
        if domain is None:
            domain = self._domains[host] = registered_domain(host)
        return domain

    def resolved_anchors(self) -> list[tuple[Node, str, str, str]]:
        """(element, href, target, target domain) of every anchor (see `target`), made
        once for the several readers that walk them."""
        if self._resolved_anchors is None:
            known, target = self._resolved, self.target
            self._resolved_anchors = [
                (el, href, *(known.get(href) or target(href)))
                for el, href in self.anchors[:MAX_ANCHORS]
            ]
        return self._resolved_anchors

    @property
    def anchors_capped(self) -> bool:
        """Whether the page holds more anchors than its readers read (MAX_ANCHORS)."""
        return len(self.anchors) > MAX_ANCHORS

    def non_web_anchors(self) -> list[tuple[Node, str]]:
        """(element, href) of the anchors that are no web link: mailto:, tel:,
        javascript:, '#top'... (where the address and phone readers look)."""
        if self._non_web is None:
            self._non_web = [(el, href) for el, href, target, _ in self.resolved_anchors()
                             if not target]
        return self._non_web

    def jsonld(self) -> list[tuple[str, Any]]:
        """(source text, parsed JSON or None when broken) of every JSON-LD script,
        parsed once for the address, name, kind and date readers."""
        if self._jsonld is None:
            self._jsonld = list(jsonld_blocks(self.scripts))
        return self._jsonld

    def meta(self, *names: str) -> str:
        """Content of the first <meta> whose name or property is one of `names`."""
        for el in self.metas:
            attrs = el.attributes
            key = attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or ""
            if key.strip().lower() in names:
                value = (attrs.get("content") or "").strip()
                if value:
                    return value
        return ""


def jsonld_blocks(scripts: Iterable[Script]) -> Iterator[tuple[str, Any]]:
    """(source text, parsed JSON or None when broken) of every JSON-LD script."""
    for script in scripts:
        if "ld+json" not in script.type.lower():
            continue
        text = script.text.strip()
        if not text:
            continue
        try:
            yield text, json.loads(text, strict=False)
        except (ValueError, RecursionError):
            yield text, None


def make_doc(url: str, tree: Tree, raw: str, raw_bytes: bytes | None = None,
             ascii_bytes: bool = True, lowered: bytes | None = None,
             found: frozenset[bytes] | None = None, spelled: bool = False) -> Doc:
    """Query `tree` once and bucket what the readers need. `raw_bytes`, `ascii_bytes`,
    `lowered` and `found` are `Doc`'s (`lowered` is `Doc.lower()`, `found` is
    `Doc.found()`), when the caller has them; `spelled`: every element of `tree` comes
    from a start tag `found` tells of (see `bucket_query`)."""
    doc = Doc(url=url, raw=raw, tree=tree, raw_bytes=raw_bytes, ascii_bytes=ascii_bytes,
              _lower=lowered, _found=found if lowered is not None else None)
    bases: list[Node] = []
    scripts: list[Node] = []
    titles: list[Node] = []
    buckets = {"link": doc.link_tags, "meta": doc.metas, "script": scripts,
               "form": doc.forms, "time": doc.times, "title": titles, "base": bases}
    anchors = doc.anchors
    swallowers: set[str] = set()
    for el in tree.css(bucket_query(found if spelled and lowered is not None else None)):
        tag = el.tag or ""
        if tag == "a" or tag == "area":
            anchors.append((el, el.attrs["href"] or ""))  # (the query wants an href)
        elif tag in buckets:
            buckets[tag].append(el)
        elif tag == "noscript":
            doc._noscripts.append(el)
        elif tag != "template" and swallowed_markup(tag, el.text() or ""):
            swallowers.add(tag)
        if tag in _HIDDEN:
            doc._hidden.append(el)
    doc.scripts = [Script(attrs.get("src"), (attrs.get("type") or ""), el.text() or "")
                   for el in scripts for attrs in (el.attributes,)]
    doc.titles = [el.text() or "" for el in titles]
    if any(swallowed_markup("script", script.text) for script in doc.scripts):
        swallowers.add("script")
    if any(swallowed_markup("title", title) for title in doc.titles):
        swallowers.add("title")
    doc.swallowers = frozenset(swallowers)
    doc.set_base(base_url(bases[0] if bases else None, url))
    return doc
