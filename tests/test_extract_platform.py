"""Platform fingerprints and site kind."""

from __future__ import annotations

import pytest

from prospector.extract import extract_page
from prospector.extract.dom import parse_html
from prospector.extract.platform import detect_kind, detect_platform


def gen(value: str) -> str:
    return f'<meta name="generator" content="{value}">'


PLATFORMS = [
    (gen("WordPress 6.4.2"), "", "wordpress"),
    ("", '<link rel="stylesheet" href="/wp-content/themes/x/style.css">', "wordpress"),
    (gen("WordPress 6.0; WooCommerce 7.1"), "", "woocommerce"),
    ("", '<body class="home woocommerce-no-js">', "woocommerce"),
    (gen("Blogger"), "", "blogger"),
    ("", "<script>_WidgetManager._Init('//www.blogger.com/rearrange')</script>", "blogger"),
    (gen("Ghost 5.2"), "", "ghost"),
    ("", '<link href="https://substackcdn.com/x.css">', "substack"),
    ("", '<script src="https://cdn.shopify.com/s/x.js"></script>', "shopify"),
    ("", '<link href="./styles/prosilver/theme/stylesheet.css">', "phpbb"),
    ("", '<p>Powered by <a href="https://www.phpbb.com/">phpBB</a></p>', "phpbb"),
    (gen("vBulletin 4.2.5"), "", "vbulletin"),
    ("", '<html id="XF" data-xf-init="x">', "xenforo"),
    ("", '<div data-xf-init="tooltip"></div>', "xenforo"),
    (gen("Discourse 3.1.0"), "", "discourse"),
    ("", "<script>var smf_theme_url = '/Themes';</script>", "smf"),
    ("", "<p>Powered by <a href='https://mybb.com'>MyBB</a></p>", "mybb"),
    ("", "<script>gdn.meta = {};</script>", "vanilla"),
    ("", "<script>var ipsSettings = {};</script>", "invision"),
    (gen("Drupal 9"), "", "drupal"),
    (gen("Joomla! - Open Source Content Management"), "", "joomla"),
    (gen("TYPO3 CMS"), "", "typo3"),
    (gen("Gatsby 2.22.9"), '<link href="/wp-content/uploads/x.css">', "gatsby"),
    (gen("WordPress 6.1"), '<div id="bbpress-forums"></div>', "bbpress"),
    # A custom bbPress forum home without the wrapper id: the topic loop's classes.
    ('<link href="/wp-content/themes/x/style.css">',
     '<article><div class="bbp-topic-title">Stress</div><div class="bbp-topic-meta"></div>'
     "</article>", "bbpress"),
    ("", '<div class="bbp-reply-content"><p>Same here.</p></div>', "bbpress"),
    # A WordPress blog with bbPress installed: its CSS and a recent-topics widget only.
    (gen("WordPress 6.1"),
     "<style>#bbpress-forums li.bbp-topic-title{color:red}</style><aside>"
     '<a class="bbp-forum-title" href="/forums/topic/bees/">Bees</a></aside>', "wordpress"),
    ("", "<p>Powered by Hugs and coffee</p>", ""),
    ("", "<p>hello</p>", ""),
]


@pytest.mark.parametrize(("head", "body", "platform"), PLATFORMS)
def test_detect_platform(head: str, body: str, platform: str) -> None:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    found, generator = detect_platform(parse_html(html), html, "http://x.test/")
    assert found == platform
    if head.startswith("<meta"):
        assert generator


def test_generator_string() -> None:
    html = f"<html><head>{gen('WordPress 6.4')}{gen('Site Kit by Google')}</head></html>"
    assert detect_platform(parse_html(html), html) == ("wordpress",
                                                       "WordPress 6.4; Site Kit by Google")


@pytest.mark.parametrize(
    ("platform", "text", "url", "kind"),
    [
        ("phpbb", "", "http://x.test/", "forum"),
        ("xenforo", "", "http://x.test/", "forum"),
        ("woocommerce", "", "http://x.test/", "shop"),
        ("shopify", "", "http://x.test/", "shop"),
        ("wordpress", "Add to cart", "http://x.test/", "shop"),
        ("substack", "", "http://x.test/", "newsletter"),
        ("", "Subscribe to our newsletter and join 12,000 subscribers", "http://x.test/",
         "newsletter"),
        ("wordpress", "A post about bees", "http://x.test/", "blog"),
        ("blogger", "", "http://x.test/", "blog"),
        ("ghost", "", "http://x.test/", "blog"),
        ("", "", "http://x.test/forum/viewtopic.php?t=3", "forum"),
        ("", "Welcome to our company", "http://x.test/", "other"),
        ("drupal", "Welcome to our company", "http://x.test/", "other"),
    ],
)
def test_detect_kind(platform: str, text: str, url: str, kind: str) -> None:
    assert detect_kind(platform, parse_html("<p>x</p>"), text, url) == kind


_WP = '<meta name="generator" content="WordPress 6.4">'
_NEWS = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}'
         "</script>")


@pytest.mark.parametrize(("url", "head", "body", "kind"), [
    # A company site on WordPress shows no post: not a blog.
    ("http://plumber.test/", _WP, "<p>Plumbing since 1982. Call us.</p>", "other"),
    # ...its dated post, its post markup or its publication time make one.
    ("http://plumber.test/2023/05/new-van/", _WP, "<p>Our new van.</p>", "blog"),
    ("http://plumber.test/new-van/", _WP, '<article class="post hentry">Van</article>', "blog"),
    ("http://plumber.test/new-van/",
     _WP + '<meta property="article:published_time" content="2023-05-01">', "<p>Van</p>",
     "blog"),
    ("http://plumber.test/new-van/", _WP, '<div id="comments">2 replies</div>', "blog"),
    # A newsroom's article declares itself news: not a blog, though on WordPress.
    ("http://daily.test/2023/05/vote/", _WP + _NEWS, '<article class="hentry">x</article>',
     "other"),
    # Medium marks every story NewsArticle: still a blog platform's post.
    ("https://medium.com/@ann/bees-1a2b", _NEWS,
     '<img src="https://miro.medium.com/v2/bee.png"><p>Bees</p>', "blog"),
    # Forums with engines of their own, told by their thread URLs.
    ("https://www.hifi.test/viewthread-84-87.html", "", "<p>Amp question</p>", "forum"),
    ("https://www.parents.test/Talk/pregnancy/3749275-names", "", "<p>Names</p>", "forum"),
    ("https://www.ms.test/multiple-sklerose-forum/?tnr=1", "", "<p>Frage</p>", "forum"),
])
def test_kind_of_whole_pages(url: str, head: str, body: str, kind: str) -> None:
    page = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    assert extract_page(url, page).kind == kind


def test_kind_blog_from_markup() -> None:
    html = '<html><body><article class="post hentry"><p>x</p></article></body></html>'
    assert detect_kind("", parse_html(html), "x", "http://x.test/") == "blog"


def test_extract_page_platform() -> None:
    html = (f"<html><head>{gen('WordPress 6.2')}</head><body>"
            '<article class="hentry">Bees</article></body></html>')
    facts = extract_page("http://beeblog.test/2020/bees", html.encode())
    assert (facts.platform, facts.kind, facts.generator) == ("wordpress", "blog",
                                                             "WordPress 6.2")


def test_generator_inside_stripped_elements_is_ignored() -> None:
    """The bucketed <meta> elements give what walking the stripped tree gives."""
    html = ('<html><head><noscript><meta name="generator" content="Joomla"></noscript>'
            '<meta name="generator" content="Hugo 0.1"></head><body>x</body></html>')
    facts = extract_page("http://x.test/", html, "text/html")
    assert facts.generator == "Hugo 0.1"
    assert facts.platform == "hugo"
