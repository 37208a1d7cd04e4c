"""The signs of its site's kind a page shows, each read by a small reader: its
schema.org types, menu labels, where its links go, its markup, its engine, its text and
its URL. kind.py weighs them; the vocabulary is in vocab/kinds.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import ahocorasick_rs

from prospector.extract.doc import Doc
from prospector.extract.needles import TextWindows
from prospector.extract.vocab import kinds as K
from prospector.extract.vocab import platforms as V
from prospector.extract.vocab.newsletters import NEWSLETTER_REACH, NEWSLETTER_TEXT_KEYS, NEWSLETTER_TEXT_RE
from prospector.urls import hostname

# How many of a page's anchors are read for menu labels (menus come first; a forum
# thread or an archive page can hold thousands of links).
MAX_LABEL_ANCHORS = 120
MAX_LABEL_CHARS = 40
MAX_NAME_WORDS = 8
# A page that leads with a newsletter sign-up in its first characters is a newsletter's.
NEWSLETTER_LEAD = 3000



def _automaton(groups: dict[str, tuple[str, ...]]) -> tuple[ahocorasick_rs.AhoCorasick,
                                                             tuple[str, ...]]:
    """One automaton for several groups of literals, and each pattern's group."""
    patterns = [(p, group) for group, parts in groups.items() for p in parts]
    return (ahocorasick_rs.AhoCorasick([p for p, _ in patterns]),
            tuple(group for _, group in patterns))


# The page's visible text and its links' hrefs are each read in one pass.
_TEXT, _TEXT_GROUP = _automaton({"forum": K.FORUM_TEXT, "reply": K.REPLY_TEXT,
                                 "cart": K.CART_TEXT, "notice": K.SHOP_NOTICE_TEXT,
                                 "submit": K.SUBMIT_SITE_TEXT, "post": K.POST_TEXT})
_HREFS, _HREF_GROUP = _automaton({"archive": K.ARCHIVE_HREF_PARTS, "post": K.POST_HREF_PARTS,
                                  "cart": K.CART_HREF_PARTS, "member": K.MEMBER_HREF_PARTS,
                                  "business": K.BUSINESS_HREF_PARTS})
MAX_HREF_ANCHORS = 400
_COMPANY = ahocorasick_rs.AhoCorasick(K.COMPANY_WORDS)
# What separates a page's own title from its site's name ('Post | Site', 'Post - Site').
_TITLE_SEPARATORS = re.compile(r"\s[|\-–—»:·•]\s")


_CONTAINERS = (dict, list)


def schema_types(doc: Doc, jsonld: list[Any]) -> frozenset[str]:
    """Lower-cased schema.org types the page declares in JSON-LD and microdata."""
    types: set[str] = set()
    stack: list[Any] = list(jsonld)
    seen = 0
    # (Parsed JSON holds plain dicts and lists: exact type tests are half the cost.)
    while stack and seen < 2000:
        node = stack.pop()
        seen += 1
        if type(node) is dict:
            kind = node.get("@type")
            if type(kind) is str:
                types.add(kind.rsplit("/", 1)[-1].lower())
            elif type(kind) is list:
                types.update(k.rsplit("/", 1)[-1].lower() for k in kind if type(k) is str)
            stack += [v for v in node.values() if type(v) in _CONTAINERS]
        elif type(node) is list:
            stack += node
    if doc.contains(K.ITEMTYPE_MARKER):
        types.update(microdata_types(doc.lower()))
    return frozenset(types)


def microdata_types(markup: bytes) -> set[str]:
    """The schema.org item types of lower-cased `markup`'s microdata: the pattern is
    tried where a fast bytes.find puts each 'itemtype="' (a findall over the whole
    markup took twice as long)."""
    types = set()
    at = markup.find(K.ITEMTYPE_ATTR)
    while at >= 0:
        match = K.ITEMTYPE_RE.match(markup, at)
        if match:
            types.add(match.group(1).decode("ascii", "replace"))
        at = markup.find(K.ITEMTYPE_ATTR, at + len(K.ITEMTYPE_ATTR))
    return types


def menu_labels(doc: Doc) -> frozenset[str]:
    """Short anchor texts of the page's first anchors, lower-cased: its menus."""
    labels = set()
    for el, _ in doc.anchors[:MAX_LABEL_ANCHORS]:
        text = el.text(deep=True, strip=True) or ""
        if text and len(text) <= MAX_LABEL_CHARS:
            labels.add(" ".join(text.lower().split()))
    return frozenset(labels)


# The sign a page gets when it declares any type of a family.
_TYPE_SIGNS = ((K.FORUM_TYPES, "forum-schema"), (K.BLOG_TYPES, "blog-schema"),
               (K.BUSINESS_TYPES, "business-schema"), (K.ASSOCIATION_TYPES, "association-schema"),
               (K.PUBLIC_TYPES, "public-schema"))


def schema_signs(types: frozenset[str]) -> set[str]:
    signs = {sign for family, sign in _TYPE_SIGNS if types & family}
    if types >= K.QA_TYPES:
        signs.add("qa-schema")
    if types & K.NEWSROOM_TYPES:
        signs.add("newsroom-schema")
    elif types & K.NEWS_TYPES:
        signs.add("news-schema")
    if types & K.PRODUCT_TYPES and types & K.OFFER_TYPES:
        signs.add("product-offer")
    return signs


_LABEL_WORDS, _LABEL_GROUP = _automaton({"newsroom": K.NEWSROOM_LABEL_WORDS,
                                         "sales": K.SALES_LABEL_WORDS,
                                         "cart": K.CART_LABEL_WORDS,
                                         "business": K.BUSINESS_LABEL_WORDS})
# Company words count in labels this short only (longer ones are post titles).
MAX_BUSINESS_LABEL_CHARS = 30


def label_words(labels: Iterable[str]) -> dict[str, set[int]]:
    """What groups of menu words the labels hold, in one automaton pass over all of
    them, one a line (a regex search per label cost ten times more): for newsroom,
    sales and cart words, the labels that hold one as a whole word (a cart word only at
    a label's start); for company words, the labels of MAX_BUSINESS_LABEL_CHARS or fewer
    that hold one anywhere ('IT Solutions'). Labels are named by where they start."""
    text = "\n".join(labels)
    found: dict[str, set[int]] = {"newsroom": set(), "sales": set(), "cart": set(),
                                  "business": set()}
    for index, start, end in _LABEL_WORDS.find_matches_as_indexes(text, overlapping=True):
        group = _LABEL_GROUP[index]
        line = text.rfind("\n", 0, start) + 1
        if group == "business":
            line_end = text.find("\n", end)
            if (len(text) if line_end < 0 else line_end) - line <= MAX_BUSINESS_LABEL_CHARS:
                found[group].add(line)
            continue
        if (start > line and (group == "cart" or _is_word_char(text[start - 1]))) or \
                (end < len(text) and _is_word_char(text[end])):
            continue
        found[group].add(line)
    return found


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def menu_signs(labels: frozenset[str]) -> set[str]:
    signs = set()
    sections = len(labels & K.NEWS_SECTIONS)
    if sections >= 3:
        signs.add("section-menu")
    elif sections >= 2:
        signs.add("section-menu-some")
    words = label_words(labels)
    newsroom = len(words["newsroom"])
    if newsroom >= K.MIN_NEWSROOM_LABELS:
        signs.add("newsroom-menu")
    if newsroom >= K.MANY_NEWSROOM_LABELS:
        signs.add("newsroom-menu-many")
    if words["sales"]:
        signs.add("sales-menu")
    strong = len(labels & K.STRONG_BUSINESS_LABELS)
    if strong:
        signs.add("business-menu")
    if strong + len(labels & K.BUSINESS_LABELS) >= 5:
        signs.add("business-menu-many")
    if len(words["business"]) >= K.MIN_BUSINESS_LABEL_WORDS:
        signs.add("business-menu-words")
    if labels & K.ASSOCIATION_LABELS:
        signs.add("association-menu")
    if len(labels & K.WEAK_ASSOCIATION_LABELS) >= 2:
        signs.add("association-menu-weak")
    if len(labels & K.FORUM_LABELS) >= 2:
        signs.add("forum-menu")
    if words["cart"]:
        signs.add("cart-menu")
    if labels & K.SHOP_LABELS:
        signs.add("shop-menu")
    return signs


def href_signs(doc: Doc) -> set[str]:
    """Signs in where the page's links go: archives, posts, a cart, members."""
    hrefs = "\n".join(href for _, href in doc.anchors[:MAX_HREF_ANCHORS]).lower() + "\n"
    counts: Counter[str] = Counter()
    members: set[str] = set()
    host = (hostname(doc.url) or "").removeprefix("www.")
    for index, start, _ in _HREFS.find_matches_as_indexes(hrefs, overlapping=True):
        group = _HREF_GROUP[index]
        if group in ("member", "business"):
            # The whole href the match is in: distinct profiles; the site's own pages.
            href = hrefs[hrefs.rfind("\n", 0, start) + 1:hrefs.find("\n", start)]
            if group == "member" and len(members) < K.MIN_MEMBER_LINKS:
                members.add(href)
            elif group == "business" and not same_site(href, host):
                continue
        counts[group] += 1
    signs = set()
    if counts["archive"] >= K.MIN_ARCHIVE_LINKS:
        signs.add("archive-links")
    if counts["post"] >= K.MIN_POST_LINKS:
        signs.add("post-list")
    if counts["cart"]:
        signs.add("cart-link")
    if len(members) >= K.MIN_MEMBER_LINKS:
        signs.add("member-links")
    if counts["business"]:
        signs.add("business-links")
    return signs


def same_site(href: str, host: str) -> bool:
    """Whether lower-cased `href` leads to the site of `host` (without 'www.'): a
    relative link, or an absolute one to that host or a 'www.' of it."""
    if not href.startswith(("http://", "https://", "//")):
        return True
    target = (hostname(href if not href.startswith("//") else "http:" + href) or "")
    return target.removeprefix("www.") == host


def in_tag(markup: bytes, literal: bytes, tries: int = 20) -> bool:
    """Whether `literal` occurs inside the attributes of an element that can be a
    control (not in script or style text, a comment, a <link> or <meta>); the first
    `tries` occurrences are looked at."""
    at = markup.find(literal)
    while at >= 0 and tries:
        lo = max(0, at - 600)
        start = markup.rfind(b"<", lo, at)
        if start >= 0 and markup.rfind(b">", start, at) < 0 and \
                not markup.startswith(K.NON_CONTROL_TAGS, start) and \
                markup.rfind(b"<!--", lo, at) <= markup.rfind(b"-->", lo, at):
            return True
        at, tries = markup.find(literal, at + 1), tries - 1
    return False


def markup_signs(doc: Doc, metas: dict[str, str]) -> set[str]:
    found = doc.found()
    signs = set()
    if any(in_tag(doc.lower(), marker) for marker in K.CART_MARKERS if marker in found):
        signs.add("cart-control")
    posts = not found.isdisjoint(K.POST_MARKERS) or b"hentry" in found or (
        K.ARTICLE_MARKER in found and len(doc.times) > 0)
    if posts:
        signs.add("post-markup")
    if not found.isdisjoint(K.COMMENT_MARKERS):
        signs.add("comments")
    og_type = metas.get("og:type", "").lower()
    if og_type == "article":
        signs.add("og-article")
        if metas.get("article:publisher") or metas.get("article:section"):
            signs.add("publisher-meta")
    elif og_type == "product" or og_type.startswith("product."):
        signs.add("product-offer")
    elif og_type in ("company", "hotel", "restaurant") or og_type.startswith("business"):
        signs.add("business-schema")
    if any((el.attributes.get("type") or "").lower() in ("application/rss+xml",
                                                          "application/atom+xml")
           for el in doc.link_tags):
        signs.add("feed")
    return signs


def platform_signs(platform: str) -> set[str]:
    if platform in V.FORUM_PLATFORMS:
        return {"forum-platform"}
    if platform in V.SHOP_PLATFORMS:
        return {"shop-platform"}
    if platform in V.NEWSLETTER_PLATFORMS:
        return {"newsletter-platform"}
    if platform in V.BLOG_PLATFORMS:
        return {"blog-platform"}
    if platform in V.WIKI_PLATFORMS:
        return {"wiki-platform"}
    if platform in V.BLOG_GENERATORS:
        return {"blog-generator"}
    return set()


_META_KEYS = frozenset({"og:type", "og:site_name", "article:publisher", "article:section"})


def page_metas(doc: Doc) -> dict[str, str]:
    """The <meta> values the kind reader uses, in one pass (each `Doc.meta` call walks
    every <meta> and builds its attribute dict)."""
    found: dict[str, str] = {}
    for el in doc.metas:
        attrs = el.attributes
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        if key in _META_KEYS and key not in found:
            value = (attrs.get("content") or "").strip()
            if value:
                found[key] = value
    return found


def site_name(doc: Doc, title: str, metas: dict[str, str] | None = None) -> str:
    """What names the site: its og:site_name, else a part of its title once the parts
    that name the page's role ('Contact us', 'About') are dropped: the first on the
    home page ('The Site - tagline'), the last elsewhere ('A post | The Site'); '' when
    that part is longer than a name."""
    name = (page_metas(doc) if metas is None else metas).get("og:site_name", "")
    if name:
        return name
    parts = [part for part in _TITLE_SEPARATORS.split(title)
             if part.strip().lower() not in K.PAGE_ROLE_TITLES]
    # A home page's title puts the name first ('Site - tagline'), other pages last.
    home = not doc.url.split("://", 1)[-1].partition("/")[2].strip("/")
    name = (parts[0] if home else parts[-1]) if parts else title
    return name if len(name.split()) <= MAX_NAME_WORDS else ""


def has_company(text: str) -> bool:
    """A company's legal form as a word of lower-cased `text` ('acme gmbh', '© acme,
    inc.'): one automaton pass and a look at each match's neighbours (COMPANY_RE over
    the text tried every position)."""
    for _, start, end in _COMPANY.find_matches_as_indexes(text):
        # (A literal that starts with a space brings its own boundary.)
        before = " " if text[start] == " " or not start else text[start - 1]
        after = text[end:end + 1]
        if not (before.isalnum() or after.isalnum()):
            return True
    return False


def text_signs(doc: Doc, title: str, text_lower: str, metas: dict[str, str]) -> set[str]:
    signs = set()
    phrases: set[int] = set()
    counts: Counter[str] = Counter()
    for index, _, _ in _TEXT.find_matches_as_indexes(text_lower):
        group = _TEXT_GROUP[index]
        counts[group] += 1
        if group == "forum":
            phrases.add(index)
    if len(phrases) >= 3:
        signs.add("forum-text")
    if counts["reply"] >= K.MIN_REPLY_MENTIONS:
        signs.add("reply-titles")
    if counts["cart"]:
        signs.add("cart-text")
    if counts["notice"]:
        signs.add("shop-notice")
    if counts["submit"]:
        signs.add("submit-site")
    if counts["post"]:
        signs.add("post-text")
    lead = text_lower[:NEWSLETTER_LEAD]
    if TextWindows(lead, lead, NEWSLETTER_TEXT_KEYS, NEWSLETTER_REACH) \
            .search(NEWSLETTER_TEXT_RE):
        signs.add("newsletter-lead")
    # (The name patterns are written for lower-cased text.)
    name = site_name(doc, title, metas).lower()
    if "blog" in name:
        signs.add("blog-name")
    if K.ASSOCIATION_NAME_RE.search(name):
        signs.add("association-name")
    # Titles put the site's name at one end ('Post | Site', 'Site : Section : Post').
    parts = _TITLE_SEPARATORS.split(title.lower())
    ends = [part for part in {name, parts[0], parts[-1]} if len(part.split()) <= MAX_NAME_WORDS]
    if any(K.NEWS_NAME_RE.search(part) for part in ends):
        signs.add("news-name")
    if K.PUBLIC_NAME_RE.search(name):
        signs.add("public-name")
    if K.DIRECTORY_NAME_RE.search(name):
        signs.add("directory-name")
    if K.COMPANY_RE.search(name) or has_company(text_lower[-K.COMPANY_TAIL:]):
        signs.add("company-name")
    return signs


def url_signs(url: str) -> set[str]:
    signs = set()
    lower = url.lower()
    if K.FORUM_URL_RE.search(lower):
        signs.add("forum-url")
    elif K.COMMUNITY_URL_RE.search(lower):
        signs.add("community-url")
    if K.DATED_URL_RE.search(url) or K.POST_URL_RE.search(lower):
        signs.add("post-url")
    host = hostname(url) or ""
    if K.PUBLIC_HOST_RE.search(host):
        signs.add("public-host")
    if host.startswith("blog.") or host.endswith(K.BLOG_HOST_SUFFIXES):
        signs.add("blog-name")
    path = url.split("://", 1)[-1].partition("/")[2].lower()
    if path.split("/", 1)[0] in K.NEWS_SECTIONS and "/" in path:
        signs.add("section-url")
    return signs
