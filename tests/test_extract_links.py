"""Outbound links and their sections, pages to follow, social profiles, forms, feeds."""

from __future__ import annotations

import pytest

from prospector.extract import extract_page
from prospector.extract.doc import is_skipped_href
from prospector.extract.links import is_contact_like
from prospector.extract.social import social_profile
from prospector.models import PageFacts

URL = "http://bee-forum.test/viewtopic.php?t=1"


def page(body: str, url: str = URL, head: str = "") -> PageFacts:
    return extract_page(url, f"<html><head>{head}</head><body>{body}</body></html>")


@pytest.mark.parametrize(
    ("href", "anchor", "expected"),
    [
        ("/contact", "", True),
        ("/contact-us/", "", True),
        ("/kontakt.html", "", True),
        ("/about", "", True),
        ("/about-us.php", "", True),
        ("/pages/about-me/", "", True),
        ("/advertise", "", True),
        ("/advertise-with-us", "", True),
        ("/write-for-us/", "", True),
        ("/partners", "", True),
        ("/affiliate-program", "", True),
        ("/sponsorship", "", True),
        ("/impressum", "", True),
        ("/imprint", "", True),
        ("/team", "", True),
        ("/memberlist.php?mode=contactadmin", "", True),
        ("/index.php?action=contact", "", True),
        ("/?page_id=12", "Contact us", True),
        ("/?p=7", "About", True),
        ("/?p=7", "Über uns", True),
        ("/?p=7", "Advertise with us", True),
        ("/?p=7", "Write for us", True),
        ("/", "", False),
        ("/viewtopic.php?t=2", "Re: queen cells", False),
        ("/2020/05/how-to-contact-a-swarm-collector-in-spring", "", False),
        ("/about-the-waggle-dance-of-honey-bees", "", False),
        ("/contact.pdf", "", False),
        ("/?p=7", "This post tells you everything about queen bees and their colony life", False),
        ("/shop/hive-tool", "Hive tool", False),
    ],
)
def test_is_contact_like(href: str, anchor: str, expected: bool) -> None:
    assert is_contact_like(href, anchor) is expected


@pytest.mark.parametrize(
    ("href", "skipped"),
    [
        ("mailto:a@b.test", True),
        ("javascript:void(0)", True),
        ("JavaScript:alert(1)", True),
        ("data:text/html,hi", True),
        ("tel:+123", True),
        ("file:///etc/passwd", True),
        ("#top", True),
        ("", True),
        ("http://hive.test/", False),
        ("/relative", False),
    ],
)
def test_is_skipped_href(href: str, skipped: bool) -> None:
    assert is_skipped_href(href) is skipped


SECTIONS = [
    ('<div class="postbody"><div class="signature"><a href="{u}">x</a></div></div>',
     "signature"),
    ('<div id="sig123" class="sig"><a href="{u}">x</a></div>', "signature"),
    ('<aside><div class="widget widget_links"><ul><li><a href="{u}">x</a></li></ul></div>'
     "</aside>", "blogroll"),
    ('<div class="widget"><h2>Blogroll</h2><ul><li><a href="{u}">x</a></li></ul></div>',
     "blogroll"),
    ('<h3>Useful links</h3><ul><li><a href="{u}">x</a></li></ul>', "resources"),
    ('<div class="resources"><a href="{u}">x</a></div>', "resources"),
    ('<footer><p><a href="{u}">x</a></p></footer>', "footer"),
    ('<div id="footer"><a href="{u}">x</a></div>', "footer"),
    ('<nav><ul><li><a href="{u}">x</a></li></ul></nav>', "nav"),
    ('<div class="main-menu"><a href="{u}">x</a></div>', "nav"),
    ('<aside class="sidebar"><p><a href="{u}">x</a></p></aside>', "sidebar"),
    ('<div id="secondary"><p><a href="{u}">x</a></p></div>', "sidebar"),
    ('<article><p>See <a href="{u}">this</a></p></article>', "content"),
    ('<p><a href="{u}">x</a></p>', "content"),
]


@pytest.mark.parametrize(("snippet", "section"), SECTIONS)
def test_link_section(snippet: str, section: str) -> None:
    facts = page(snippet.format(u="https://www.Hive.test/blog/?x=1#frag"))
    assert len(facts.links) == 1
    link = facts.links[0]
    assert link.section == section
    assert link.target_url == "https://www.hive.test/blog/?x=1"
    assert link.target_domain == "hive.test"
    assert link.source_url == URL


def test_resources_page_marks_content_links() -> None:
    facts = page('<p><a href="http://hive.test/">Hive</a></p>', head="<title>Links</title>")
    assert facts.links[0].section == "resources"


def test_outbound_links_filtering() -> None:
    body = """
      <a href="/local">same site</a>
      <a href="http://sub.bee-forum.test/x">same registered domain</a>
      <a href="mailto:a@hive.test">mail</a>
      <a href="javascript:void(0)">js</a>
      <a href="data:text/plain,x">data</a>
      <a href="tel:+1">tel</a>
      <a href="http://[bad">bad</a>
      <a href="http://192.168.0.1/">ip</a>
      <a href="https://hive.test/a">  Hive
          Keepers  </a>
      <a href="https://hive.test/a#other">dup</a>
      <a href="//cdn.wax.test/b">protocol relative</a>
      <a href="https://honey.test/"><img alt="Honey logo"></a>
    """
    facts = page(body)
    assert [(lk.target_url, lk.anchor) for lk in facts.links] == [
        ("https://hive.test/a", "Hive Keepers"),
        ("http://cdn.wax.test/b", "protocol relative"),
        ("https://honey.test/", "Honey logo"),
    ]


def test_base_href_resolves_relative_links() -> None:
    facts = page('<a href="about">About</a><a href="x">x</a>',
                 head='<base href="http://bee-forum.test/forum/">')
    assert facts.follow == ("http://bee-forum.test/forum/about",)


def test_follow_urls() -> None:
    body = """
      <a href="/contact">Contact</a>
      <a href="/contact#form">Contact again</a>
      <a href="/memberlist.php?mode=contactadmin">Contact the board</a>
      <a href="/?page_id=3">About us</a>
      <a href="/viewtopic.php?t=9">Topic</a>
      <a href="http://other.test/contact">other site</a>
      <a href="/impressum">Impressum</a>
    """
    facts = page(body)
    assert facts.follow == (
        "http://bee-forum.test/contact",
        "http://bee-forum.test/memberlist.php?mode=contactadmin",
        "http://bee-forum.test/?page_id=3",
        "http://bee-forum.test/impressum",
    )


def test_follow_is_capped() -> None:
    body = "".join(f'<a href="/team/{i}/contact">c</a>' for i in range(40))
    assert len(page(body).follow) == 10


@pytest.mark.parametrize(
    ("url", "network", "profile"),
    [
        ("https://www.facebook.com/BeeShop/?ref=x", "facebook", "https://facebook.com/beeshop"),
        ("http://facebook.com/profile.php?id=123", "facebook",
         "https://facebook.com/profile.php?id=123"),
        ("https://twitter.com/BeeShop", "x", "https://x.com/beeshop"),
        ("https://x.com/beeshop/", "x", "https://x.com/beeshop"),
        ("https://www.instagram.com/bee.shop/", "instagram", "https://instagram.com/bee.shop"),
        ("https://www.youtube.com/channel/UCabcDEF", "youtube",
         "https://youtube.com/channel/UCabcDEF"),
        ("https://youtube.com/@BeeShop", "youtube", "https://youtube.com/@beeshop"),
        ("https://www.linkedin.com/company/bee-shop/about/", "linkedin",
         "https://linkedin.com/company/bee-shop"),
        ("https://pinterest.com/beeshop/", "pinterest", "https://pinterest.com/beeshop"),
        ("https://www.tiktok.com/@beeshop?lang=en", "tiktok", "https://tiktok.com/@beeshop"),
        ("https://www.reddit.com/r/Beekeeping/", "reddit", "https://reddit.com/r/beekeeping"),
        ("https://reddit.com/u/beeman", "reddit", "https://reddit.com/user/beeman"),
        ("https://github.com/BeeShop/hive", "github", "https://github.com/beeshop"),
        ("https://www.threads.net/@beeshop", "threads", "https://threads.net/@beeshop"),
        ("https://bsky.app/profile/beeshop.bsky.social", "bluesky",
         "https://bsky.app/profile/beeshop.bsky.social"),
        ("https://www.facebook.com/sharer/sharer.php?u=x", "", ""),
        ("https://facebook.com/sharer.php?u=x", "", ""),
        ("https://twitter.com/intent/tweet?text=x", "", ""),
        ("https://twitter.com/share?url=x", "", ""),
        ("https://pinterest.com/pin/create/button/?url=x", "", ""),
        ("https://www.linkedin.com/shareArticle?url=x", "", ""),
        ("https://www.youtube.com/watch?v=abc", "", ""),
        ("https://www.instagram.com/p/abc/", "", ""),
        ("https://www.facebook.com/", "", ""),
        ("https://hive.test/beeshop", "", ""),
        ("https://mastodon.social/@beeshop", "", ""),
    ],
)
def test_social_profile(url: str, network: str, profile: str) -> None:
    assert social_profile(url) == (network, profile)


def test_mastodon_needs_rel_me() -> None:
    assert social_profile("https://mastodon.social/@beeshop", rel_me=True) == (
        "mastodon", "https://mastodon.social/@beeshop")
    # (In the footer: a profile in a page's body is a person it mentions, issue 24.)
    facts = page('<a rel="me" href="https://fosstodon.org/@bees">m</a><footer>'
                 '<a href="https://twitter.com/beeshop">t</a>'
                 '<a href="https://x.com/BeeShop/">t2</a>'
                 '<a href="https://twitter.com/intent/tweet?text=1">share</a></footer>')
    social = [(c.role, c.value) for c in facts.contacts if c.kind == "social"]
    assert social == [("mastodon", "https://fosstodon.org/@bees"), ("x", "https://x.com/beeshop")]


FORM = '<form action="/send" method="post"><input name="email"><textarea name="message">' \
       "</textarea><button>Send</button></form>"
COMMENT_FORM = ('<form id="commentform" action="/wp-comments-post.php"><textarea name="comment">'
                "</textarea></form>")


@pytest.mark.parametrize(
    ("url", "title", "body", "expected"),
    [
        ("http://beeshop.test/contact/", "Bee Shop", FORM, True),
        ("http://beeshop.test/?page_id=2", "Contact us - Bee Shop", FORM, True),
        ("http://beeshop.test/kontakt", "", '<form><input name="nachricht"></form>', True),
        ("http://beeshop.test/2021/05/post", "A post about hives", FORM, False),
        ("http://beeshop.test/contact/", "Contact", COMMENT_FORM, False),
        ("http://beeshop.test/contact/", "Contact", '<form role="search"><input name="s">'
                                                    "</form>", False),
        ("http://beeshop.test/contact/", "Contact", "<p>no form</p>", False),
    ],
)
def test_contact_form(url: str, title: str, body: str, expected: bool) -> None:
    facts = page(body, url=url, head=f"<title>{title}</title>")
    forms = [c for c in facts.contacts if c.kind == "form"]
    assert bool(forms) is expected
    if forms:
        assert forms[0].value == url
        assert forms[0].method == "form"


def test_title_text_feeds() -> None:
    head = """<title>  Bee
      Forum </title>
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://bee-forum.test/atom">
      <link rel="alternate" hreflang="de" href="/de/">
      <link rel="stylesheet" href="/s.css">"""
    body = """<h1>Welcome</h1><script>var x = 1;</script><style>p{}</style>
      <template><p>tpl</p></template><noscript>enable js</noscript><p>Queen   cells</p>"""
    facts = page(body, head=head)
    assert facts.title == "Bee Forum"
    assert facts.text == "Welcome Queen cells"
    assert facts.feeds == ("http://bee-forum.test/feed.xml", "https://bee-forum.test/atom")
    assert facts.url == URL
    assert facts.domain == "bee-forum.test"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ('<meta property="og:title" content="OG Title">', "<h1>H1</h1>", "OG Title"),
        ("", "<h1>The  H1</h1>", "The H1"),
        ("", "<p>nothing</p>", ""),
    ],
)
def test_title_fallbacks(head: str, body: str, title: str) -> None:
    assert page(body, head=head).title == title


def test_text_is_capped() -> None:
    facts = page("<p>" + "honey " * 20_000 + "</p>")
    assert len(facts.text) <= 20_000


@pytest.mark.parametrize(("html", "email", "visible"), [
    ("<html><head><title>T</title></head><body>foo<noscript>n@x.test</noscript>bar"
     "<script>s</script> baz<textarea>t</textarea></body></html>",
     "foo\nbar\n baz\nn@x.test", "foo bar baz"),
    ("<html>lead<head><meta name=a content=b></head>mid<body><p>x<b>y</b></p>tail</body>"
     "after</html>", "lead\nmid\nx\ny\ntailafter", "lead mid x y tailafter"),
    ("<p>no html or body tags</p>", "no html or body tags", "no html or body tags"),
    ("<html><body><div><noscript><a href=/n>n</a></noscript>k</div></body></html>",
     "k\nn", "k"),
    ("<p>info<span>@</span>bee.test and <b>x</b>.de</p>", "info@bee.test and \nx.de",
     "info @ bee.test and x .de"),
])
def test_email_and_visible_text(html: str, email: str, visible: str) -> None:
    """Address text keeps <noscript> text (after the rest) and glues an '@' or '.'
    split off by markup;
    visible text is the body's, without scripts, text areas or <noscript>; both
    without the <title>. The <noscript> links stay usable after its text is gone."""
    from prospector.extract.doc import make_doc
    from prospector.extract.dom import parse_html

    tree = parse_html(html)
    assert tree is not None
    doc = make_doc("http://x.test/", tree, html)
    assert doc.email_text() == email
    assert doc.visible_text(1000) == visible
    assert [href for _, href in doc.anchors] == [el.attrs.get("href") for el, _ in doc.anchors]


def _options_page(count: int, tag: str = "select", case: str = "option") -> bytes:
    options = "".join(f"<{case} value='{i}'>Forum {i}</{case}>" for i in range(count))
    return (f"<html><body><form action=/jump><{tag} name=f>{options}</{tag}></form>"
            "<p>Write to info@bee-forum.test</p><a href='http://hive.test/'>Hive</a>"
            "</body></html>").encode()


@pytest.mark.parametrize("case", ["option", "OPTION"])
def test_a_flood_of_options_parses_in_linear_time(case: str) -> None:
    """lexbor builds a <select> in time quadratic in its options; past
    MAX_SELECT_OPTIONS the page's selects are parsed as datalists. As a select, 10,000
    options took 0.76 s CPU, 32,000 took 23 s and 100,000 took 542 s; as a datalist,
    0.03, 0.09 and 0.30 s. The page is still read whole."""
    import time

    start = time.process_time()
    facts = extract_page(URL, _options_page(100_000, case=case))
    elapsed = time.process_time() - start
    print(f"100,000 options ({case}): extract_page {elapsed:.2f} s CPU")
    assert elapsed < 20  # generous: not a load-sensitive bound; as a select: minutes
    assert [c.value for c in facts.contacts if c.kind == "email"] == ["info@bee-forum.test"]
    assert [link.target_url for link in facts.links] == ["http://hive.test/"]
    assert facts.text.startswith("Forum 0 Forum 1 Forum 2")


def test_options_over_the_limit_keep_their_text_and_values() -> None:
    """A page over the limit reads as the same page under it: option text and
    addresses in option values (the attribute reader's) are found either way."""
    from prospector.extract.dom import MAX_SELECT_OPTIONS, parse_html

    def read(count: int) -> tuple[str, list[str]]:
        body = _options_page(count).decode().replace(
            "value='3'", "value='mods@bee-forum.test'")
        facts = extract_page(URL, body.encode())
        tree = parse_html(body)
        assert tree is not None
        values = [el.attrs.get("value") or "" for el in tree.css("option")][:5]
        return facts.text[:40], values + sorted(c.value for c in facts.contacts)

    under, over = read(MAX_SELECT_OPTIONS), read(MAX_SELECT_OPTIONS + 1)
    assert under == over
    assert "mods@bee-forum.test" in over[1]
