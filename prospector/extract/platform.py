"""Which engine serves a page (phpBB, WordPress, Shopify...) and what kind of site it is."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.dom import fold
from prospector.extract.needles import PAGE_NEEDLES

# The head and tail of a page carry nearly every fingerprint (generator, assets,
# "powered by" footer); scanning only them bounds the cost on huge forum threads.
_HEAD_CHARS = 400_000
_TAIL_CHARS = 100_000

_COMPILED: tuple[
    tuple[str, re.Pattern[str] | None, tuple[bytes, ...], tuple[re.Pattern[bytes], ...]], ...
] = tuple(
    (
        name,
        re.compile(gen, re.IGNORECASE) if gen else None,
        tuple(s.encode() for s in subs),
        tuple(re.compile(m.encode()) for m in regexes),  # against lower-cased markup
    )
    for name, gen, subs, regexes in P.PLATFORM_RULES
)
_NAMES = {rule[0] for rule in P.PLATFORM_RULES}
# Blog-post markup (microformats 'hentry', common theme classes).
_BLOG_CLASS_XPATH = etree.XPath(
    "boolean(//@class[contains(concat(' ', normalize-space(.), ' '), ' hentry ')"
    " or contains(., 'blog-post') or contains(., 'post-body')])"
)
_BY_NAME = {rule[0]: rule for rule in _COMPILED}

class _Markup:
    """Fingerprint tests over one page's lower-cased markup. Every literal of a rule is
    in `PAGE_NEEDLES`: `contains` answers from its one pass over the page (the page's
    shared `Doc.contains`, or a pass of its own over `sample`)."""

    __slots__ = ("_contains", "sample")

    def __init__(self, sample: bytes, contains: Callable[[bytes], bool] | None = None
                 ) -> None:
        self.sample = sample
        if contains is None:
            found = PAGE_NEEDLES.present(sample)
            contains = found.__contains__
        self._contains = contains

    def has(self, needle: bytes) -> bool:
        return not needle or self._contains(needle)

    def matches(self, name: str) -> bool:
        _, _, subs, regexes = _BY_NAME[name]
        return any(self._contains(s) for s in subs) or any(
            self.has(P.PLATFORM_REGEX_KEYS.get(m.pattern.decode(), b""))
            and m.search(self.sample) for m in regexes
        )


def generator_meta(tree: etree._Element | None,
                   metas: list[etree._Element] | None = None) -> str:
    """All distinct <meta name="generator"> values, '; '-joined. `metas` are the page's
    <meta> elements bucketed before the tree was stripped: those no longer in `tree`
    are skipped, so that the result is the same as walking `tree`."""
    if tree is None:
        return ""
    values: list[str] = []
    for el in tree.iter("meta") if metas is None else metas:
        if str(el.get("name", "")).strip().lower() == "generator":
            if metas is not None and not _attached(el, tree):
                continue
            value = fold(str(el.get("content", "")))
            if value and value not in values:
                values.append(value)
    return "; ".join(values)[:300]


def _attached(el: etree._Element, root: etree._Element) -> bool:
    """True when `el` is `root` or still one of its descendants."""
    node: etree._Element | None = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _powered_by(text: bytes) -> str:
    for match in P.POWERED_BY_RE.finditer(text):
        words = match.group(1).decode("ascii", "replace").lower()
        for name, gen, _, _ in _COMPILED:
            if gen is not None and gen.search(words):
                return name
    return ""


def detect_platform(tree: etree._Element | None, html: str, url: str = "",
                    lowered: bytes | None = None,
                    contains: Callable[[bytes], bool] | None = None,
                    metas: list[etree._Element] | None = None) -> tuple[str, str]:
    """(platform, generator meta) of a page; platform '' when nothing conclusive.
    `lowered` is the page's markup as ASCII-lower-cased bytes when the caller has it
    (bytes: lower-casing and substring search are several times cheaper than on str);
    `contains` is the page's memoised `lowered` substring test (`Doc.contains`, shared
    with the page's other readers);
    `metas` are the page's bucketed <meta> elements (see `generator_meta`)."""
    generator = generator_meta(tree, metas)
    generators = [g.strip() for g in generator.split(";") if g.strip()]
    if lowered is None:
        lowered = html.encode("utf-8", "replace").lower()
    sample = lowered if len(lowered) <= _HEAD_CHARS + _TAIL_CHARS else (
        lowered[:_HEAD_CHARS] + lowered[-_TAIL_CHARS:]
    )

    markup = _Markup(sample, contains if sample is lowered else None).matches

    for name, _, _, _ in _COMPILED:
        if name in P.FORUM_PLATFORMS and markup(name):
            return name, generator
    for name, gen, _, _ in _COMPILED:
        if gen is not None and any(gen.search(g) for g in generators):
            return name, generator
    for name, _, _, _ in _COMPILED:
        if name not in P.FORUM_PLATFORMS and markup(name):
            return name, generator
    found = _powered_by(sample)
    return found, generator


def detect_kind(platform: str, tree: etree._Element | None, text: str, url: str = "",
                blog_class: bool | None = None, news: bool = False,
                post_evidence: bool = True) -> str:
    """forum | blog | newsletter | shop | other. `blog_class` is the page's blog-post
    class test when the caller already has it (`Doc.attrs().blog_class`); `news` says
    the page declares itself news reporting (NEWS_TYPES); `post_evidence` that it shows
    a sign of a dated post, without which a general site builder is no blog."""
    if platform in P.SHOP_PLATFORMS:
        return "shop"
    if platform in P.FORUM_PLATFORMS:
        return "forum"
    if platform in P.NEWSLETTER_PLATFORMS:
        return "newsletter"
    lowered = text.lower()
    if any(phrase in lowered for phrase in P.SHOP_TEXT_PHRASES):
        return "shop"
    if P.FORUM_HINT_RE.search(url):
        return "forum"
    if P.NEWSLETTER_TEXT_RE.search(text[:3000]):
        return "newsletter"
    if platform in P.BLOG_PLATFORMS and platform not in P.GENERAL_CMS_PLATFORMS:
        return "blog"  # (Medium marks every story as a NewsArticle)
    if news:
        return "other"
    if platform in P.GENERAL_CMS_PLATFORMS and post_evidence:
        return "blog"
    if tree is not None and P.BLOG_HINT_RE.search(url):
        return "blog"
    if tree is not None and (
        _BLOG_CLASS_XPATH(tree) if blog_class is None else blog_class
    ):
        return "blog"
    return "other"


def known_platforms() -> frozenset[str]:
    """Platform names this module can report."""
    return frozenset(_NAMES)


def platform_from_headers(headers: dict[str, str] | None) -> str:
    """Platform named by HTTP response headers, '' when they say nothing."""
    if not headers:
        return ""
    lowered = {str(k).lower(): str(v).lower() for k, v in headers.items()}
    for name, needle, platform in P.PLATFORM_HEADERS:
        for key, value in lowered.items():
            if (key == name or (name.endswith("-") and key.startswith(name))) \
                    and needle in value:
                return platform
    return ""
