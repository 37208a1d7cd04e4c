"""Which engine serves a page (phpBB, WordPress, Shopify...) and what kind of site it is."""

from __future__ import annotations

import re

from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.dom import fold

# The head and tail of a page carry nearly every fingerprint (generator, assets,
# "powered by" footer); scanning only them bounds the cost on huge forum threads.
_HEAD_CHARS = 400_000
_TAIL_CHARS = 100_000

_COMPILED: tuple[
    tuple[str, re.Pattern[str] | None, tuple[str, ...], tuple[re.Pattern[str], ...]], ...
] = tuple(
    (
        name,
        re.compile(gen, re.IGNORECASE) if gen else None,
        subs,
        tuple(re.compile(m) for m in regexes),  # matched against lower-cased markup
    )
    for name, gen, subs, regexes in P.PLATFORM_RULES
)
_NAMES = {rule[0] for rule in P.PLATFORM_RULES}
_BY_NAME = {rule[0]: rule for rule in _COMPILED}


def generator_meta(tree: etree._Element | None) -> str:
    """All distinct <meta name="generator"> values, '; '-joined."""
    if tree is None:
        return ""
    values: list[str] = []
    for el in tree.iter("meta"):
        if str(el.get("name", "")).strip().lower() == "generator":
            value = fold(str(el.get("content", "")))
            if value and value not in values:
                values.append(value)
    return "; ".join(values)[:300]


def _powered_by(text: str) -> str:
    for match in P.POWERED_BY_RE.finditer(text):
        words = match.group(1).lower()
        for name, gen, _, _ in _COMPILED:
            if gen is not None and gen.search(words):
                return name
    return ""


def detect_platform(tree: etree._Element | None, html: str, url: str = "") -> tuple[str, str]:
    """(platform, generator meta) of a page; platform '' when nothing conclusive."""
    generator = generator_meta(tree)
    generators = [g.strip() for g in generator.split(";") if g.strip()]
    sample = (html if len(html) <= _HEAD_CHARS + _TAIL_CHARS else (
        html[:_HEAD_CHARS] + html[-_TAIL_CHARS:]
    )).lower()
    def markup(name: str) -> bool:
        _, _, subs, regexes = _BY_NAME[name]
        return any(s in sample for s in subs) or any(m.search(sample) for m in regexes)

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


def detect_kind(platform: str, tree: etree._Element | None, text: str, url: str = "") -> str:
    """forum | blog | newsletter | shop | other."""
    if platform in P.SHOP_PLATFORMS:
        return "shop"
    if platform in P.FORUM_PLATFORMS:
        return "forum"
    if platform in P.NEWSLETTER_PLATFORMS:
        return "newsletter"
    if P.SHOP_TEXT_RE.search(text):
        return "shop"
    if P.FORUM_HINT_RE.search(url):
        return "forum"
    if P.NEWSLETTER_TEXT_RE.search(text[:3000]):
        return "newsletter"
    if platform in P.BLOG_PLATFORMS:
        return "blog"
    if tree is not None and P.BLOG_HINT_RE.search(url):
        return "blog"
    if tree is not None and tree.xpath(
        "boolean(//*[contains(concat(' ', normalize-space(@class), ' '), ' hentry ')"
        " or contains(@class, 'blog-post') or contains(@class, 'post-body')])"
    ):
        return "blog"
    return "other"


def known_platforms() -> frozenset[str]:
    """Platform names this module can report."""
    return frozenset(_NAMES)
