"""Outbound links with the page section they sit in, and same-site pages to follow."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import ahocorasick_rs
from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.dom import base_directory, fold, origin
from prospector.extract.needles import GatedRegex
from prospector.models import Link
from prospector.urls import registered_domain

if TYPE_CHECKING:
    from prospector.extract.doc import Doc

MAX_FOLLOW = 10
_MAX_ANCESTORS = 25
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_CONTAINERS = frozenset({"ul", "ol", "div", "section", "aside", "li", "table",
                                 "nav", "p", "dl"})


# ------------------------------------------------------------------ predicates


def is_skipped_href(href: str) -> bool:
    """True for hrefs that are not web pages: mailto, javascript, data, tel, anchors."""
    h = href.strip().lower()
    return not h or h.startswith("#") or h.startswith(P.SKIP_SCHEMES)


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
        if ext[1:].lower() in P.NON_PAGE_EXTENSIONS:
            return False
    for segment in segments:
        # fullmatch is anchored: a failing segment is rejected at its first characters.
        stem = posixpath.splitext(segment)[0] if "." in segment else segment
        if P.CONTACT_SEGMENT_RE.fullmatch(stem):
            return True
    return "=" in query and bool(P.CONTACT_QUERY_RE.search("?" + query))


def contact_like_anchor(anchor: str) -> bool:
    """The anchor half of `is_contact_like`: a short menu label naming the page."""
    anchor = fold(anchor)
    return bool(anchor) and len(anchor) <= P.MAX_CONTACT_ANCHOR and bool(
        P.CONTACT_ANCHOR_RE.search(anchor)
    )


def _folded_contact_anchor(anchor: str) -> bool:
    """`contact_like_anchor` of an `_anchor_text` (folded already: folding it again
    changes it only where the 200-character cut left a trailing space, far over the
    length limit either way)."""
    if not anchor or len(anchor) > P.MAX_CONTACT_ANCHOR:
        return False
    if anchor.isascii() and not _CONTACT_ANCHOR_WORDS.find_matches_as_indexes(
            anchor.lower()):
        return False
    return bool(P.CONTACT_ANCHOR_RE.search(anchor))


# Case-insensitive regexes gated on lower-cased text: exact for ASCII text only (with
# IGNORECASE, 'ſ' matches 's' and the Kelvin sign 'k'), so other text skips the gate.
_CONTACT_SEGMENT_WORDS = ahocorasick_rs.AhoCorasick(P.CONTACT_SEGMENT_LITERALS)
_CONTACT_ANCHOR_WORDS = ahocorasick_rs.AhoCorasick(P.CONTACT_ANCHOR_LITERALS)


def _class_id(el: etree._Element) -> str:
    return f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}".lower()


def _heading_text(el: etree._Element) -> str:
    """Heading that labels the list `el` belongs to: its previous sibling heading or
    its own first heading child (widget title)."""
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    if prev is not None and (prev.tag.lower() in _HEADING_TAGS
                             or "title" in str(prev.get("class", "")).lower()):
        return fold("".join(prev.itertext()))[:80]
    for child in el[:3]:
        if not isinstance(child.tag, str):
            continue
        if child.tag.lower() in _HEADING_TAGS or "title" in str(child.get("class", "")).lower():
            return fold("".join(child.itertext()))[:80]
    return ""


# Matches where one of SECTION_CLASS_RULES does: most class/id strings match none, and
# one search then settles them instead of one per rule.
_ANY_SECTION_CLASS = GatedRegex(
    re.compile("|".join(f"(?:{r.pattern})" for _, r in P.SECTION_CLASS_RULES)),
    P.SECTION_CLASS_LITERALS,
)
assert all(r.flags == _ANY_SECTION_CLASS.regex.flags for _, r in P.SECTION_CLASS_RULES)


def classify_element(el: etree._Element) -> str:
    """The section one element marks by its own tag, class/id or heading; '' if none."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    marks = _class_id(el)
    if marks.strip() and _ANY_SECTION_CLASS.search(marks):
        for section, regex in P.SECTION_CLASS_RULES:
            if regex.search(marks):
                return section
    if tag in _HEADING_CONTAINERS:
        heading = _heading_text(el)
        if heading:
            if P.BLOGROLL_HEADING_RE.search(heading):
                return "blogroll"
            if P.RESOURCES_HEADING_RE.search(heading):
                return "resources"
    return P.SECTION_TAGS.get(tag, "")


def link_section(el: etree._Element, cache: dict[etree._Element, str] | None = None) -> str:
    """Section of the nearest classified ancestor of a link; 'content' by default."""
    node = el.getparent()
    depth = 0
    while node is not None and depth < _MAX_ANCESTORS:
        if cache is not None and node in cache:
            section = cache[node]
        else:
            section = classify_element(node)
            if cache is not None:
                cache[node] = section
        if section:
            return section
        node = node.getparent()
        depth += 1
    return "content"


def _anchor_text(el: etree._Element) -> str:
    # A childless anchor (most menu entries) has its text in .text: no iteration.
    text = fold(el.text or "" if len(el) == 0 else "".join(el.itertext()))
    if not text:
        text = fold(str(el.get("title", "")))
    if not text:
        for img in el.iter("img"):
            text = fold(str(img.get("alt", "")))
            if text:
                break
    return text[: P.MAX_ANCHOR_CHARS]


def url_host(canonical_url: str) -> str:
    """Host of a URL already canonicalized (lower-case, default port dropped)."""
    netloc = canonical_url.split("/", 3)[2] if canonical_url.count("/") >= 2 else ""
    if netloc.startswith("["):
        return ""  # IPv6 literal: never a registered domain
    return netloc.rsplit("@", 1)[-1].split(":", 1)[0]


def find_links(
    url: str, tree: etree._Element, base: str, page_is_resources: bool = False,
    doc: Doc | None = None,
) -> tuple[tuple[Link, ...], tuple[str, ...]]:
    """(outbound links, same-site contact-like URLs to follow) of the page at `url`.
    `doc` is the page's shared `Doc` when the caller has one (`tree`/`base` then unused)."""
    if doc is None:
        from prospector.extract.doc import make_doc  # import cycle: doc imports links

        doc = make_doc(url, tree, "")
        doc.base, doc.origin, doc.base_dir = base, origin(base), base_directory(base)
    domain = registered_domain(url)
    links: list[Link] = []
    seen: set[str] = set()
    follow: list[str] = []
    follow_seen: set[str] = {url}
    cache: dict[etree._Element, str] = {}
    contact_urls: dict[str, bool] = {}  # a menu repeats the same targets
    for el, href in doc.anchors:
        target, target_domain = doc.target(href)
        if not target_domain:
            continue
        if target_domain == domain:
            if len(follow) >= MAX_FOLLOW or target in follow_seen:
                continue
            by_url = contact_urls.get(target)
            if by_url is None:
                by_url = contact_urls[target] = contact_like_url(target)
            if by_url or _folded_contact_anchor(_anchor_text(el)):
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
