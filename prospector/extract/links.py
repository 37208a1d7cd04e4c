"""Outbound links with the page section they sit in, and same-site pages to follow."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

import ahocorasick_rs

from prospector.extract.doc import Doc
from prospector.extract.dom import Node, deep_text, fold
from prospector.extract.needles import GatedRegex, holding
from prospector.extract.vocab.links import (
    BLOGROLL_HEADING_RE,
    CONTACT_ANCHOR_LITERALS,
    CONTACT_ANCHOR_RE,
    CONTACT_QUERY_RE,
    CONTACT_SEGMENT_LITERALS,
    CONTACT_SEGMENT_RE,
    CONTACT_URL_LITERALS,
    MAX_CONTACT_ANCHOR,
    NON_PAGE_EXTENSIONS,
    RESOURCES_HEADING_RE,
    SECTION_CLASS_LITERALS,
    SECTION_CLASS_RULES,
    SECTION_TAGS,
)
from prospector.extract.vocab.text import MAX_ANCHOR_CHARS
from prospector.models import Link
from prospector.urls import registered_domain

MAX_FOLLOW = 10
_MAX_ANCESTORS = 25
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_CONTAINERS = frozenset({"ul", "ol", "div", "section", "aside", "li", "table",
                                 "nav", "p", "dl"})


# ------------------------------------------------------------------ predicates


def is_contact_like(href: str, anchor: str = "") -> bool:
    """True when a link looks like it leads to a contact / about / advertise /
    write-for-us / partners / impressum / team page, by URL path or anchor text."""
    return contact_like_url(href) or contact_like_anchor(anchor)


def contact_like_url(href: str) -> bool:
    """The URL half of `is_contact_like`: a path segment or query value names the page."""
    href = href.strip()
    if "://" in href[:12] and href[:4].lower() == "http":
        # Split by hand: urlsplit costs more than the rest of the test together.
        rest = href.split("://", 1)[1].split("#", 1)[0]
        path, _, query = rest.partition("?")
        path = path.partition("/")[2]
    else:
        try:
            parts = urlsplit(href)
        except ValueError:
            return False
        path, query = parts.path or "", parts.query
    if "%" in path:
        path = unquote(path)
    if path.isascii() and not _CONTACT_SEGMENT_WORDS.find_matches_as_indexes(path.lower()):
        path = ""  # no segment can name a contact page: only the query is left
    segments = [s for s in path.split("/") if s]
    if segments and "." in segments[-1]:
        ext = posixpath.splitext(segments[-1])[1]
        if ext[1:].lower() in NON_PAGE_EXTENSIONS:
            return False
    for segment in segments:
        # fullmatch is anchored: a failing segment is rejected at its first characters.
        stem = posixpath.splitext(segment)[0] if "." in segment else segment
        if CONTACT_SEGMENT_RE.fullmatch(stem):
            return True
    return "=" in query and bool(CONTACT_QUERY_RE.search("?" + query))


def contact_like_anchor(anchor: str) -> bool:
    """The anchor half of `is_contact_like`: a short menu label naming the page."""
    anchor = fold(anchor)
    return bool(anchor) and len(anchor) <= MAX_CONTACT_ANCHOR and bool(
        CONTACT_ANCHOR_RE.search(anchor)
    )


def _folded_contact_anchor(anchor: str) -> bool:
    """`contact_like_anchor` of an `_anchor_text` (folded already: folding it again
    changes it only where the 200-character cut left a trailing space, far over the
    length limit either way)."""
    if not anchor or len(anchor) > MAX_CONTACT_ANCHOR:
        return False
    if anchor.isascii() and not _CONTACT_ANCHOR_WORDS.find_matches_as_indexes(
            anchor.lower()):
        return False
    return bool(CONTACT_ANCHOR_RE.search(anchor))


# Case-insensitive regexes gated on lower-cased text: exact for ASCII text only (with
# IGNORECASE, 'ſ' matches 's' and the Kelvin sign 'k'), so other text skips the gate.
_CONTACT_SEGMENT_WORDS = ahocorasick_rs.AhoCorasick(CONTACT_SEGMENT_LITERALS)
_CONTACT_ANCHOR_WORDS = ahocorasick_rs.AhoCorasick(CONTACT_ANCHOR_LITERALS)
# What one of which a contact-like URL holds (see CONTACT_URL_LITERALS).
_CONTACT_URL_WORDS = ahocorasick_rs.AhoCorasick(CONTACT_URL_LITERALS)
assert not any(any(c.isspace() for c in w) for w in CONTACT_ANCHOR_LITERALS)


def _class_id(attrs: dict[str, str | None]) -> str:
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}" \
        .lower()


def _heading_text(el: Node) -> str:
    """Heading that labels the list `el` belongs to: its previous sibling heading or
    its own first heading child (widget title)."""
    prev = el.prev
    while prev is not None and not prev.is_element_node:
        prev = prev.prev
    if prev is not None and _is_heading(prev):
        return fold(deep_text(prev))[:80]
    child = el.child
    seen = 0
    while child is not None and seen < 3:
        if child.is_element_node:
            seen += 1
            if _is_heading(child):
                return fold(deep_text(child))[:80]
        child = child.next
    return ""


def _is_heading(el: Node) -> bool:
    if el.tag in _HEADING_TAGS:
        return True
    cls = el.attributes.get("class")
    return cls is not None and "title" in cls.lower()


# Matches where one of SECTION_CLASS_RULES does: most class/id strings match none, and
# one search then settles them instead of one per rule.
_ANY_SECTION_CLASS = GatedRegex(
    re.compile("|".join(f"(?:{r.pattern})" for _, r in SECTION_CLASS_RULES)),
    SECTION_CLASS_LITERALS,
)
assert all(r.flags == _ANY_SECTION_CLASS.regex.flags for _, r in SECTION_CLASS_RULES)


def classify_element(el: Node) -> str:
    """The section one element marks by its own tag, class/id or heading; '' if none."""
    tag = (el.tag or "") if el.is_element_node else ""
    marks = _class_id(el.attributes) if tag else ""
    if marks.strip() and _ANY_SECTION_CLASS.search(marks):
        for section, regex in SECTION_CLASS_RULES:
            if regex.search(marks):
                return section
    if tag in _HEADING_CONTAINERS:
        heading = _heading_text(el)
        if heading:
            if BLOGROLL_HEADING_RE.search(heading):
                return "blogroll"
            if RESOURCES_HEADING_RE.search(heading):
                return "resources"
    return SECTION_TAGS.get(tag, "")


def link_section(el: Node, cache: dict[int, str] | None = None) -> str:
    """Section of the nearest classified ancestor of a link; 'content' by default.
    `cache` maps a node's `mem_id` to its section."""
    node = el.parent
    depth = 0
    while node is not None and depth < _MAX_ANCESTORS and node.is_element_node:
        key = node.mem_id
        if cache is not None and key in cache:
            section = cache[key]
        else:
            section = classify_element(node)
            if cache is not None:
                cache[key] = section
        if section:
            return section
        node = node.parent
        depth += 1
    return "content"


def _anchor_text(el: Node) -> str:
    text = fold(deep_text(el))
    if not text:
        text = fold(el.attrs.get("title") or "")
    if not text:
        # (A walk of the anchor's few nodes: a CSS query compiles its selector each
        # call, ≈ 4 µs, and this runs on every icon and logo link.)
        for img in el.traverse():
            if img.tag == "img":
                text = fold(img.attrs.get("alt") or "")
                if text:
                    break
    return text[: MAX_ANCHOR_CHARS]


def _contact_like_urls(targets: set[str]) -> dict[str, bool]:
    """`contact_like_url` of each target, the ones with no word a contact page's path
    or query holds settled by one automaton pass over them all (most of a page's)."""
    found: dict[str, bool] = {}
    plain: list[str] = []
    for target in targets:
        if target.isascii() and "%" not in target:
            plain.append(target)
        else:
            found[target] = contact_like_url(target)  # (decoded or non-ASCII first)
    hits = holding(_CONTACT_URL_WORDS, [target.lower() for target in plain])
    for index, target in enumerate(plain):
        found[target] = index in hits and contact_like_url(target)
    return found


def _wordless_anchors(texts: list[str]) -> set[int]:
    """Indexes of the anchor `texts` (all the text inside each anchor) that surely name
    no contact page: ASCII text without a contact word (folding adds or removes none,
    as none holds a space), which most menu and post links have. One automaton pass
    over them all. (Blank text is not settled: the title or an image's alt is read
    instead.)"""
    plain = [i for i, text in enumerate(texts)
             if text and text.isascii() and not text.isspace()]
    with_words = holding(_CONTACT_ANCHOR_WORDS, [texts[i].lower() for i in plain])
    return {i for k, i in enumerate(plain) if k not in with_words}


def find_links(url: str, doc: Doc, page_is_resources: bool = False,
               ) -> tuple[tuple[Link, ...], tuple[str, ...]]:
    """(outbound links, same-site contact-like URLs to follow) of the page at `url`,
    read from the page's shared `Doc`."""
    domain = registered_domain(url)
    links: list[Link] = []
    seen: set[str] = set()
    follow: list[str] = []
    follow_seen: set[str] = {url}
    cache: dict[int, str] = {}
    anchors = doc.resolved_anchors()
    contact_urls = _contact_like_urls({t for _, _, t, d in anchors if d == domain})
    same_site = [i for i, (_, _, _, d) in enumerate(anchors) if d == domain]
    wordless = {same_site[k] for k in
                _wordless_anchors([deep_text(anchors[i][0]) for i in same_site])}
    for i, (el, _, target, target_domain) in enumerate(anchors):
        if not target_domain:
            continue
        if target_domain == domain:
            if len(follow) >= MAX_FOLLOW or target in follow_seen:
                continue
            if contact_urls[target] or (
                    i not in wordless and _folded_contact_anchor(_anchor_text(el))):
                follow.append(target)
                follow_seen.add(target)
            continue
        if target in seen:
            continue
        seen.add(target)
        section = link_section(el, cache)
        if page_is_resources and section == "content":
            section = "resources"
        links.append(Link(source_url=url, target_url=target, target_domain=target_domain,
                          anchor=_anchor_text(el), section=section))
    return tuple(links), tuple(follow)
