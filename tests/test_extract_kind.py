"""Site kind from page structure (extract/kind.py): signs, the rules that weigh them,
and the vote over a site's pages."""

from __future__ import annotations

import pytest

from prospector.extract import extract_page, site_kind
from prospector.extract.kind import Evidence, decide, has_company, in_tag, site_name
from prospector.extract.vocab.kinds import KINDS


def page(head: str, body: str, title: str = "Page") -> bytes:
    return (f"<html><head><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>").encode()


def menu(*labels: str) -> str:
    return "<nav>" + "".join(f'<a href="/{i}/">{label}</a>' for i, label in
                             enumerate(labels)) + "</nav>"


def posts(*paths: str) -> str:
    return "".join(f'<article><h2><a href="{p}">A post</a></h2><time datetime="2023-05-0{i}">'
                   f"May {i}</time></article>" for i, p in enumerate(paths, 1))


_FEED = '<link rel="alternate" type="application/rss+xml" href="/index.xml">'
_TAGS = '<a href="/tags/bees/">bees</a> <a href="/tags/honey/">honey</a>'

# (url, head, body, title, kind): pages of each kind, written after the structure of
# real sites of that kind (a generator's post list, a board's thread, a newsroom's
# section menu, a club's membership menu), without any CMS marker unless named.
PAGES = [
    # A static-generator blog's home: dated posts, tags, a feed; no engine at all.
    ("https://ann.test/", '<meta name="generator" content="Hugo 0.121">' + _FEED,
     posts("/posts/first-swarm/", "/posts/queen/", "/posts/winter/") + _TAGS, "Ann's notes",
     "blog"),
    # ...one of its posts: its permalink, an h-entry, a <time>.
    ("https://ann.test/2023/05/first-swarm/", _FEED,
     '<article class="h-entry"><h1 class="p-name">First swarm</h1><time '
     'class="dt-published" datetime="2023-05-01">May 1</time><p>Bees.</p></article>' + _TAGS,
     "First swarm | Ann's notes", "blog"),
    # An Org mode export of a post.
    ("https://org.test/posts/hive-scale.html", '<meta name="generator" content="Org Mode">',
     '<div id="content"><h1 class="title">Hive scale</h1><div id="outline-container-org1">'
     '<h2>Parts</h2></div></div><div id="postamble"><p class="date">Date: 2023-02-01</p></div>',
     "Hive scale", "blog"),
    # A forum on its own software: 'Re:' titles, member profiles, poster statistics.
    ("https://bees.test/t/9123", "",
     "".join(f'<div class="msg"><b>Re: Swarm traps</b><a href="/member/{i}">user{i}</a>'
             f"<span>Posts: {i * 7}</span><span>Joined: 2019</span><p>Text</p></div>"
             for i in range(1, 10)), "Swarm traps", "forum"),
    # A board's topic list, URL of its own.
    ("https://hive.test/board/3", "",
     "".join(f'<tr><td><a href="/board/3/{i}">Topic {i}</a></td><td>{i} replies</td>'
             f"<td>Last post by x</td></tr>" for i in range(12)), "Beginners", "forum"),
    # A news article on WordPress: NewsArticle, section menu, and WooCommerce loaded
    # for subscriptions: news, not shop.
    ("https://daily.test/politics/vote-on-hives/",
     '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
     '<meta property="og:type" content="article">'
     '<link rel="stylesheet" href="/wp-content/plugins/woocommerce/assets/woo.css">',
     menu("Politics", "Economy", "Sport", "Culture", "Opinion") +
     '<a href="/cart/">Cart</a><article><time datetime="2023-05-01">x</time>Vote</article>',
     "Vote on hives - The Daily", "news"),
    # A shop: a product with an offer and an add-to-cart button.
    ("https://honey.test/product/heather-honey/",
     '<script type="application/ld+json">{"@type": "Product", "name": "Heather honey", '
     '"offers": {"@type": "Offer", "price": "9.50", "priceCurrency": "GBP"}}</script>',
     '<form class="cart"><button class="single_add_to_cart_button">Add to basket</button>'
     "</form>", "Heather honey", "shop"),
    # A company site with a menu entry called 'Shop' and no cart: not a shop.
    ("https://pollination.test/", "",
     menu("Services", "Pricing", "Case studies", "Shop", "About us", "Contact") +
     "<p>Pollination Services Ltd</p>", "Pollination Services", "business"),
    # A club: its name and its membership menu.
    ("https://imker-nordheim.test/termine/", "",
     menu("Aktuelles", "Termine", "Mitglied werden", "Vorstand", "Satzung", "Kontakt") +
     "<p>Kurs für Anfänger am Samstag.</p>", "Termine - Imkerverein Nordheim e.V.",
     "association"),
    # A contact page that gives a number to call and says nothing else: a business.
    ("https://smith-plumbing.test/contact", "",
     '<h1>Contact</h1><p>Call us: <a href="tel:+493012345678">030 12345678</a></p>',
     "Contact - Smith Plumbing", "business"),
    # A public body.
    ("https://www.agriculture.test.gov/bees/", "", "<p>Bee health programme.</p>",
     "Bee health", "other"),
    # A newsletter's landing page.
    ("https://dispatch.test/", "",
     "<h1>The Hive Dispatch</h1><p>Subscribe to our newsletter and join 4,200 subscribers."
     "</p>", "The Hive Dispatch", "newsletter"),
    # A page that says nothing of its site.
    ("https://x.test/p", "", "<p>Hello.</p>", "x", "other"),
]


@pytest.mark.parametrize(("url", "head", "body", "title", "kind"), PAGES)
def test_kind_of_pages(url: str, head: str, body: str, title: str, kind: str) -> None:
    facts = extract_page(url, page(head, body, title))
    assert facts.kind == kind, facts.kind_signs


def test_every_kind_of_the_vocabulary_is_reachable() -> None:
    assert {kind for *_, kind in PAGES} | {"directory"} == set(KINDS)
    assert decide(Evidence(frozenset({"directory-name"}))) == "directory"


@pytest.mark.parametrize(("signs", "kind"), [
    ({"forum-url"}, "forum"),
    ({"forum-platform", "post-markup", "og-article"}, "forum"),
    ({"shop-platform"}, "shop"),
    # A cart link and a shop menu entry are a cart; shop words alone are not.
    ({"cart-menu"}, "shop"),
    ({"shop-menu", "shop-notice"}, "other"),
    ({"blog-platform", "news-schema"}, "blog"),
    ({"news-schema", "post-markup"}, "news"),
    ({"news-schema", "section-menu"}, "news"),
    ({"section-menu", "cart-control", "post-markup"}, "news"),
    ({"product-offer", "post-markup"}, "shop"),
    ({"post-markup", "post-url", "archive-links"}, "blog"),
    ({"post-markup", "post-url", "business-menu", "phone"}, "business"),
    ({"post-markup", "association-menu"}, "association"),
    ({"association-name", "post-url", "archive-links", "feed"}, "association"),
    ({"public-host", "news-schema", "post-markup"}, "other"),
    ({"newsletter-lead", "post-markup", "post-url"}, "newsletter"),
    ({"company-name"}, "business"),
    (set(), "other"),
])
def test_decide(signs: set[str], kind: str) -> None:
    assert decide(Evidence(frozenset(signs))) == kind


@pytest.mark.parametrize(("markup", "literal", "inside"), [
    (b'<button class="add-to-cart">Add</button>', b"add-to-cart", True),
    (b'<form action="/x" class="x"><input name="add-to-cart" value="1"></form>',
     b"add-to-cart", True),
    # Script settings, style rules, comments and <link>s are no control.
    (b'<script>var s = {"addToCart": "tweak-add-to-cart-button"};</script>', b"add-to-cart",
     False),
    (b"<style>button.addtocart { width: 12em }</style>", b"addtocart", False),
    (b'<!-- <a class="add-to-cart"> -->', b"add-to-cart", False),
    (b'<link rel="stylesheet" href="/css/add-to-cart.css">', b"add-to-cart", False),
])
def test_in_tag(markup: bytes, literal: bytes, inside: bool) -> None:
    assert in_tag(markup, literal) is inside


@pytest.mark.parametrize(("title", "name"), [
    ("Notes from the association meeting | Ann's notes", "Ann's notes"),
    ("City of Saratoga - Contact Us", "City of Saratoga"),
    ("Termine - Imkerverein Nordheim e.V.", "Imkerverein Nordheim e.V."),
    ("Ann's notes", "Ann's notes"),
    # On the home page the name comes first.
    ("Hive Club - beekeeping for all", "Hive Club"),
    # Longer than a name: a post's title.
    ("School shooting leaves town in shock as police search for motive", ""),
])
def test_site_name(title: str, name: str) -> None:
    from prospector.extract.doc import make_doc
    from prospector.extract.dom import parse_html

    html = f"<html><head><title>{title}</title></head><body></body></html>"
    tree = parse_html(html)
    assert tree is not None
    url = "http://x.test/" if "beekeeping for all" in title else "http://x.test/page"
    assert site_name(make_doc(url, tree, html), title) == name


@pytest.mark.parametrize(("pages", "kind"), [
    # A home page naming who runs the site decides (a club's news pages look like posts).
    ([("http://a.test/", "association"), ("http://a.test/news/1", "blog"),
      ("http://a.test/news/2", "blog"), ("http://a.test/news/3", "blog")], "association"),
    ([("http://a.test/", "news"), ("http://a.test/shop/abo", "shop")], "news"),
    # Otherwise a vote: the home counts three times; 'other' pages do not vote.
    ([("http://a.test/", "blog"), ("http://a.test/about", "other"),
      ("http://a.test/contact", "business")], "blog"),
    ([("http://a.test/", "other"), ("http://a.test/p/1", "blog"),
      ("http://a.test/p/2", "blog"), ("http://a.test/services", "business")], "blog"),
    ([("http://a.test/", "blog"), ("http://a.test/services", "business"),
      ("http://a.test/pricing", "business"), ("http://a.test/team", "business"),
      ("http://a.test/clients", "business")], "business"),
    # Half a crawl of forum (or shop) pages makes a forum, whatever the home says.
    ([("http://a.test/", "blog"), ("http://a.test/forum/t/1", "forum"),
      ("http://a.test/forum/t/2", "forum"), ("http://a.test/about", "other")], "forum"),
    ([("http://a.test/", "blog"), ("http://a.test/p/1", "blog"), ("http://a.test/p/2", "blog"),
      ("http://a.test/shop/jar", "shop")], "blog"),
    ([("http://a.test/", "other"), ("http://a.test/about", "other")], "other"),
    ([], ""),
])
def test_site_kind(pages: list[tuple[str, str]], kind: str) -> None:
    assert site_kind(pages, home="http://a.test/") == kind


@pytest.mark.parametrize(("text", "company"), [
    ("© 2024 acme gmbh. alle rechte vorbehalten.", True),
    ("registered office: hive works ltd, 1 mill lane", True),
    ("© management circle ag", True),
    ("acme, inc. all rights reserved", True),
    # Inside words, and a sentence-final 'inc.'-less mention: no legal form.
    ("a bag of bagels from the magazine", False),
    ("our kgb story and the ugly duckling", False),
])
def test_has_company(text: str, company: bool) -> None:
    assert has_company(text) is company
