"""Whether a social profile linked from a page is the site's own channel (issue 24).

A profile belongs to the site when it is marked rel="me", sits in the site's chrome
(header, footer, sidebar, a "follow" block) or on its about page, or its handle matches
the site's owner (the domain's name, an e-mail local part or the owner's name on the
page). Theme, template and platform credits ("Theme by …", "Powered by …") are never
channels, and a profile in a comment section is a commenter's; any other profile link
is a person the page mentions. Pure predicates over one anchor element."""

from __future__ import annotations

import re
from collections.abc import Iterable

from prospector.extract.dom import Node, deep_text, fold
from prospector.extract.links import link_section
from prospector.extract.vocab.channels import (
    ABOUT_PATH_RE,
    CHROME_SECTIONS,
    COMMENT_MARKS_RE,
    CREDIT_ANCHOR_RE,
    CREDIT_BEFORE_RE,
    MAX_DEPTH,
    MIN_HANDLE_MATCH,
    OWN_BLOCK_MARKS_RE,
)

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def squash(text: str) -> str:
    """Lower-case letters and digits only: 'Jane-Doe' and 'jane.doe' compare equal."""
    return _NOT_ALNUM.sub("", text.lower())


def _marks(el: Node) -> str:
    attrs = el.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _ancestors(el: Node) -> Iterable[Node]:
    node, depth = el.parent, 0
    while node is not None and node.is_element_node and depth < MAX_DEPTH:
        yield node
        node, depth = node.parent, depth + 1


# Per page: (element's mem_id, which marks) -> whether its class/id holds them. A page's
# profile links share most of their ancestors (body, wrappers, the footer): each is read once.
MarksCache = dict[tuple[int, bool], bool]


def _marked_above(el: Node, regex: re.Pattern[str], cache: MarksCache | None) -> bool:
    if cache is None:
        return any(regex.search(_marks(n)) for n in _ancestors(el))
    own = regex is OWN_BLOCK_MARKS_RE
    for node in _ancestors(el):
        key = (node.mem_id, own)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = bool(regex.search(_marks(node)))
        if hit:
            return True
    return False


def in_comments(el: Node, cache: MarksCache | None = None) -> bool:
    """The link sits in a comment section or a comment's byline."""
    return _marked_above(el, COMMENT_MARKS_RE, cache)


def in_own_block(el: Node, cache: MarksCache | None = None) -> bool:
    """The link sits in a block whose class/id names the site's own profiles."""
    return _marked_above(el, OWN_BLOCK_MARKS_RE, cache)


def _text_before(el: Node, limit: int = 80) -> str:
    """The text right before the anchor inside its parent (previous siblings)."""
    parts: list[str] = []
    node = el.prev
    size = 0
    while node is not None and size < limit:
        text = node.text_content if node.tag == "-text" else deep_text(node)
        if text:
            parts.append(text)
            size += len(text)
        node = node.prev
    return fold(" ".join(reversed(parts)))[-limit:]


def is_credit(el: Node) -> bool:
    """A theme, template, platform or photo credit: 'Theme by <a>…</a>'."""
    anchor = fold(deep_text(el))
    return bool(CREDIT_BEFORE_RE.search(_text_before(el))
                or CREDIT_ANCHOR_RE.search(anchor))


def handle_matches(handle: str, owners: Iterable[str]) -> bool:
    """The profile's handle names the site's owner: equal to one of `owners` (the
    domain's name, e-mail local parts, the owner's name), or one holds the other."""
    h = squash(handle)
    if len(h) < MIN_HANDLE_MATCH:
        return False
    for owner in owners:
        o = squash(owner)
        if len(o) >= MIN_HANDLE_MATCH and (h == o or h in o or o in h):
            return True
    return False


def profile_handle(profile_url: str) -> str:
    """The handle of a canonical profile URL: its last path segment, without '@'."""
    path = profile_url.split("://", 1)[-1].split("?")[0].rstrip("/")
    return path.rsplit("/", 1)[-1].lstrip("@")


def is_own_channel(el: Node, page_url: str, profile_url: str, rel_me: bool,
                   owners: Iterable[str], section_cache: dict[int, str] | None = None,
                   marks_cache: MarksCache | None = None) -> bool:
    """Whether the profile the anchor `el` links to is the site's own (see module doc).
    The caches (one per page) keep what the page's other profile links share."""
    if rel_me:
        return True
    if is_credit(el) or in_comments(el, marks_cache):
        return False
    if handle_matches(profile_handle(profile_url), owners):
        return True
    if in_own_block(el, marks_cache) or link_section(el, section_cache) in CHROME_SECTIONS:
        return True
    path = page_url.split("://", 1)[-1].partition("/")[2]
    return bool(ABOUT_PATH_RE.search("/" + path))


# A profile linked from the content of this many of a site's pages, and this share of
# them, is the site's own (an author box under every post), though no page says so.
RECUR_MIN_PAGES = 3
RECUR_SHARE = 0.5
