"""What kind of site a page belongs to, from the structure it shows.

A page yields `Evidence`: named signs (a product with an offer, a newsroom's section
menu, a list of dated posts, a club's 'become a member' entry...), each worth points
to one kind (`SIGN_POINTS`), read by kind_signs.py. `decide` turns the points into a
kind by the rules of `RULES`, in order; site.site_kind votes over a site's pages.
Engine names decide little on their own: a forum engine or a shop engine says forum
or shop, a hosted blog service says blog, but WordPress, Drupal and static site
generators run every kind of site, so the page's structure decides there. The
vocabulary is in vocab/kinds.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prospector.extract.doc import Doc
from prospector.extract.kind_signs import (
    href_signs,
    markup_signs,
    menu_labels,
    menu_signs,
    page_metas,
    platform_signs,
    schema_signs,
    schema_types,
    text_signs,
    url_signs,
)
from prospector.extract.vocab import kinds as K

# Points each sign gives its kind. Blog points measure how much the page looks like a
# publication of dated posts, which newsrooms, companies and clubs make too: who
# publishes is settled by the other kinds' points first (see RULES).
SIGN_POINTS: dict[str, tuple[str, int]] = {
    "forum-platform": ("forum", 10), "forum-schema": ("forum", 3), "qa-schema": ("forum", 2),
    "forum-url": ("forum", 5), "community-url": ("forum", 2), "forum-text": ("forum", 3),
    "forum-menu": ("forum", 2),
    "member-links": ("forum", 3), "reply-titles": ("forum", 5),
    "shop-platform": ("shop", 10), "product-offer": ("shop", 3), "cart-control": ("shop", 3),
    "cart-text": ("shop", 3), "cart-link": ("shop", 2), "shop-notice": ("shop", 1),
    "shop-menu": ("shop", 1), "cart-menu": ("shop", 3),
    "newsroom-schema": ("news", 5), "news-schema": ("news", 3), "publisher-meta": ("news", 1),
    "section-menu": ("news", 3), "section-menu-some": ("news", 1),
    "newsroom-menu": ("news", 2), "newsroom-menu-many": ("news", 2),
    "news-name": ("news", 2), "section-url": ("news", 1),
    "blog-platform": ("blog", 8), "blog-schema": ("blog", 3), "post-markup": ("blog", 2),
    "post-url": ("blog", 2), "post-list": ("blog", 2), "archive-links": ("blog", 2),
    "og-article": ("blog", 1), "feed": ("blog", 1), "comments": ("blog", 1),
    "blog-name": ("blog", 2), "blog-generator": ("blog", 1), "post-text": ("blog", 1),
    "association-name": ("association", 3), "association-menu": ("association", 3),
    "association-menu-weak": ("association", 1), "association-schema": ("association", 3),
    "business-schema": ("business", 3), "business-menu": ("business", 2),
    "business-menu-many": ("business", 2), "business-menu-words": ("business", 2),
    "company-name": ("business", 2), "business-links": ("business", 3),
    "sales-menu": ("business", 3),
    "phone": ("business", 1),
    "public-host": ("other", 5), "public-name": ("other", 3), "public-schema": ("other", 3),
    "wiki-platform": ("other", 6),
    "directory-name": ("directory", 3), "link-list": ("directory", 3),
    "submit-site": ("directory", 3),
    "newsletter-platform": ("newsletter", 10), "newsletter-lead": ("newsletter", 5),
}
# Platform signs that settle the kind whatever else the page shows.
_PLATFORM_DECIDES = frozenset({"forum-platform", "shop-platform", "blog-platform",
                               "newsletter-platform", "wiki-platform"})
# Signs of a cart or of something for sale on the site; a shop needs one (the word
# 'shop' or a plugin's script is not enough). Newsrooms that sell subscriptions
# through a cart are settled as news before (see RULES).
SALE_SIGNS = frozenset({"product-offer", "cart-control", "cart-text", "cart-link",
                        "cart-menu"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """The signs one page shows of its site's kind."""

    signs: frozenset[str] = frozenset()

    def points(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for sign in self.signs:
            kind, value = SIGN_POINTS[sign]
            totals[kind] += value
        return dict(totals)


# ----------------------------------------------------------------------- decide

Points = dict[str, int]
Test = Callable[[Points, frozenset[str]], bool]


def _get(points: Points, kind: str) -> int:
    return points.get(kind, 0)


# (kind, test of the page's points and signs) in order: the first test that holds
# names the page's kind. Communities and sellers first, then who publishes: a
# newsroom, a public body, a club, a company; a blog is what publishes posts and is
# none of those.
RULES: tuple[tuple[str, Test], ...] = (
    ("forum", lambda p, s: _get(p, "forum") >= 5),
    ("newsletter", lambda p, s: "newsletter-platform" in s),
    ("shop", lambda p, s: _get(p, "shop") >= 10),
    ("blog", lambda p, s: "blog-platform" in s),
    ("other", lambda p, s: _get(p, "other") >= 5 or (_get(p, "other") >= 3
                                                     and _get(p, "news") < 5)),
    ("newsletter", lambda p, s: _get(p, "newsletter") >= 5),
    # A club's own menu (membership, statutes, its board) outweighs its press section.
    ("association", lambda p, s: "association-menu" in s and _get(p, "news") < 5),
    # A site that calls itself a blog, or lives on a blog host, is one, whoever runs it.
    ("blog", lambda p, s: "blog-name" in s and _get(p, "blog") >= 4),
    ("news", lambda p, s: _get(p, "news") >= 4 or (_get(p, "news") >= 3 and _get(p, "blog") >= 2)),
    ("shop", lambda p, s: _get(p, "shop") >= 3 and not SALE_SIGNS.isdisjoint(s)),
    ("association", lambda p, s: _get(p, "association") >= 3),
    ("business", lambda p, s: _get(p, "business") >= 3),
    ("blog", lambda p, s: _get(p, "blog") >= 4),
    ("business", lambda p, s: _get(p, "business") >= 2),
    ("directory", lambda p, s: _get(p, "directory") >= 3),
    ("blog", lambda p, s: _get(p, "blog") >= 2),
    ("business", lambda p, s: _get(p, "business") >= 1),
    ("news", lambda p, s: _get(p, "news") >= 3),
)


def decide(evidence: Evidence) -> str:
    """The kind `evidence` points to; 'other' when nothing does."""
    points, signs = evidence.points(), evidence.signs
    for kind, test in RULES:
        if test(points, signs):
            return kind
    return "other"




def _settled(signs: set[str]) -> bool:
    """Whether these signs decide the kind whatever the page's menus, links and text
    add: a forum, shop, hosted-blog, newsletter or wiki engine; a forum's URL or
    markup; a newsroom's own markup; a product with an offer and a cart control."""
    if signs & _PLATFORM_DECIDES:
        return True
    points = Evidence(frozenset(signs)).points()
    return (points.get("forum", 0) >= 5
            or ("newsroom-schema" in signs and points.get("other", 0) < 3)
            or {"product-offer", "cart-control"} <= signs)


def read_evidence(doc: Doc, platform: str, title: str, text_lower: str,
                  jsonld: list[Any], phone: bool = False, linked_sites: int = 0) -> Evidence:
    """Every sign of its site's kind the page shows. `text_lower` is its visible text
    lower-cased, `jsonld` its parsed JSON-LD blocks, `phone` whether it gives a phone
    number to call, `linked_sites` how many other sites it links to."""
    metas = page_metas(doc)
    signs = platform_signs(platform) | url_signs(doc.url) | \
        schema_signs(schema_types(doc, jsonld)) | markup_signs(doc, metas)
    if _settled(signs):
        # The engine, the URL or the markup settle the kind already (see RULES): the
        # menus, links and text of the page, often a large one, are not read.
        return Evidence(frozenset(signs))
    signs |= menu_signs(menu_labels(doc)) | href_signs(doc) | \
        text_signs(doc, title, text_lower, metas)
    if phone:
        signs.add("phone")
    if linked_sites >= K.MIN_LINKED_SITES:
        signs.add("link-list")
    return Evidence(frozenset(signs))
