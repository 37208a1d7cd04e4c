"""Site facts, feeds, the site merge, the sample web's truth, the gold-labelled corpus
pages and the `extract` command."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest
from _corpus import corpus_dir, corpus_pages
from lxml import html as lxml_html

from prospector.extract import extract_page, merge_site, parse_feed
from prospector.models import Contact, PageFacts

REPO = Path(__file__).resolve().parents[1]

FORUM_INDEX = """<html><head><title>Bee Board</title></head><body>
<a href="/ucp.php?mode=register">Register</a>
<div class="stat-block statistics"><h3>Statistics</h3>
<p>Total posts <strong>123,456</strong> &bull; Total topics <strong>7,890</strong> &bull;
Total members <strong>24,551</strong></p><p>In total there are 42 users online</p></div>
<time datetime="2024-03-02T10:00:00">x</time><time datetime="2024-05-01">y</time>
<p>Powered by <a href="https://www.phpbb.com/">phpBB</a></p></body></html>"""


def test_forum_community() -> None:
    facts = extract_page("http://board.test/index.php", FORUM_INDEX.encode())
    assert (facts.platform, facts.kind) == ("phpbb", "forum")
    c = facts.community
    assert c is not None
    assert (c.members, c.topics, c.posts, c.online) == (24551, 7890, 123456, 42)
    assert c.registration_open is True
    assert c.last_post == "2024-05-01" == facts.latest_date


def _thread(footer: str) -> bytes:
    posters = "".join(
        f'<div class="postprofile"><dl><dt>{name}</dt><dd>Posts: {posts}</dd>'
        f"<dd>Joined: 2019</dd></dl></div><div class=\"content\">Hive talk.</div>"
        for name, posts in (("ann", "1,277"), ("bob", 9), ("ann", "1,277")))
    return (f"<html><body>{posters}{footer}<p>Powered by phpBB</p></body></html>").encode()


@pytest.mark.parametrize(("footer", "posts"), [
    ("", None),  # every 'Posts: N' is a poster's own count
    ("<p>Total posts 123,456</p>", 123456),  # the board's own line says so
    ("<p>Posts: 123,456</p>", None),  # one more unlabelled count reads like the rest
])
def test_a_posters_post_count_is_not_the_boards(footer: str, posts: int | None) -> None:
    facts = extract_page("http://board.test/viewtopic.php?t=1", _thread(footer))
    assert facts.kind == "forum" and facts.community is not None
    assert facts.community.posts == posts


def test_a_single_posts_line_is_the_boards() -> None:
    page = b"<html><body><p>Posts: 4,321 - Members: 210</p><p>Powered by phpBB</p></body></html>"
    community = extract_page("http://board.test/", page).community
    assert community is not None and (community.posts, community.members) == (4321, 210)


BLOG = """<html><head><meta name="generator" content="WordPress 6.4">
<meta name="author" content="Jane Hive">
<meta property="article:published_time" content="2023-06-07T08:00:00+00:00">
<script type="application/ld+json">{"@type": "BlogPosting", "commentCount": 12,
 "author": {"@type": "Person", "name": "Jane Hive"}}</script></head><body>
<article class="hentry"><p>Bees.</p></article>
<form action="https://x.us5.list-manage.com/subscribe/post"><input type="email" name="EMAIL"></form>
<a href="/advertise/">Advertise</a> <a href="/write-for-us/">Write for us</a>
<a href="/shop/">Shop</a> <a href="https://other.test/sponsor">elsewhere</a></body></html>"""


@pytest.mark.parametrize(("links", "signals"), [
    ('<a href="/login/facebook">Facebook</a>', ()),
    ('<a href="/free-ebook/">Get it</a>', ("ebook",)),
    ('<a href="/x"><i class="icon"></i> Cart</a>', ("shop",)),
])
def test_deal_links(links: str, signals: tuple[str, ...]) -> None:
    """Deal words in same-site link paths and labels ('facebook' holds no e-book; a
    label after an icon is read)."""
    facts = extract_page("http://bees.test/", f"<html><body>{links}</body></html>".encode())
    assert facts.signals == signals


def test_blog_facts() -> None:
    facts = extract_page("http://beeblog.test/2023/bees/", BLOG.encode())
    assert facts.kind == "blog"
    assert facts.names == ("Jane Hive",)
    assert facts.comments == 12
    assert facts.newsletter == "mailchimp"
    assert facts.signals == ("advertise", "write_for_us", "shop")
    assert facts.latest_date == "2023-06-07"
    assert facts.community is None


@pytest.mark.parametrize(
    ("markup", "provider"),
    [
        ('<script src="https://f.convertkit.com/ckjs/ck.5.js"></script>', "kit"),
        ('<iframe src="https://bees.substack.com/embed"></iframe>', "substack"),
        ('<form action="https://embeds.beehiiv.com/x"></form>', "beehiiv"),
        ('<form action="https://buttondown.email/api/emails/embed-subscribe/x"></form>',
         "buttondown"),
        ('<form class="newsletter"><input type="email" name="email"></form>', "form"),
        ('<form class="search"><input type="text" name="q"></form>', ""),
    ],
)
def test_newsletter(markup: str, provider: str) -> None:
    facts = extract_page("http://x.test/", f"<html><body>{markup}</body></html>".encode())
    assert facts.newsletter == provider


def test_headers_name_platform() -> None:
    facts = extract_page("http://x.test/", b"<html><body>hi</body></html>",
                         headers={"X-Shopify-Stage": "production"})
    assert facts.platform == "shopify"


RSS = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Bees &x;</title>
<item><title>a</title><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item>
<item><title>b</title><pubDate>Thu, 01 Feb 2024 10:00:00 GMT</pubDate></item>
<item><title>c</title><pubDate>Sat, 02 Mar 2024 10:00:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><updated>2021-05-01T00:00:00Z</updated></entry>
<entry><published>2021-04-01T00:00:00Z</published></entry></feed>"""


# A feed whose DTD pulls in a local file (XXE): the file's text must reach no field.
# The file is the test's own, with a marker no feed has; /etc/passwd too ("root:").
XXE_MARKER = "xxe-marker-5b1f0c"


def xxe_leaks(parse: Callable[[str, bytes], object], tmp_path: Path) -> list[str]:
    """The fields through which a local file's text leaked into parsed feed facts."""
    secret = tmp_path / "secret.txt"
    secret.write_text(XXE_MARKER + "\n")
    leaks = []
    for path, marker in ((secret, XXE_MARKER), (Path("/etc/passwd"), "root:")):
        facts = parse("http://x.test/feed", RSS.replace(b"file:///etc/passwd", path.as_uri().encode()))
        if marker in repr(facts):
            leaks.append(f"{path}: {repr(facts)[:200]}")
    return leaks


def test_parse_feed(tmp_path: Path) -> None:
    rss = parse_feed("http://x.test/feed", RSS)
    assert (rss.items, rss.latest_date, rss.oldest_date) == (3, "2024-03-02", "2024-01-02")
    assert rss.posts_per_month > 1 and rss.title.startswith("Bees")
    assert xxe_leaks(parse_feed, tmp_path) == []
    from prospector.extract.feeds import read_feed  # the posts reader (issue 21) too

    assert xxe_leaks(read_feed, tmp_path) == []
    atom = parse_feed("http://x.test/atom", ATOM)
    assert (atom.items, atom.latest_date) == (2, "2021-05-01")
    assert parse_feed("http://x.test/", b"not xml at all").items == 0


def test_parse_corpus_feeds() -> None:
    root = corpus_dir()
    parsed = [parse_feed("http://feed.test/", p.read_bytes())
              for p in sorted((root / "feeds").iterdir()) if p.suffix != ".json"]
    dated = [f for f in parsed if f.items and f.latest_date]
    print(f"\ncorpus feeds: {len(dated)}/{len(parsed)} with items and a latest date")
    assert len(dated) >= 0.75 * len(parsed)


def _email(value: str, url: str, method: str, confidence: float) -> Contact:
    return Contact("email", value, url, method, confidence, "role")


def test_merge_site() -> None:
    home = PageFacts(url="http://x.test/", domain="x.test", platform="wordpress", kind="blog",
                     contacts=(_email("info@x.test", "http://x.test/", "text", 0.9),),
                     signals=("shop",), latest_date="2024-01-01", names=("Ann",))
    contact = PageFacts(url="http://x.test/contact", domain="x.test", platform="", kind="other",
                        contacts=(_email("info@x.test", "http://x.test/contact", "mailto", 0.95),
                                  Contact("form", "http://x.test/contact",
                                          "http://x.test/contact", "form", 0.8)),
                        signals=("advertise",), latest_date="2024-02-01", names=("ann",),
                        newsletter="kit")
    site = merge_site([contact, home])
    assert (site.domain, site.platform, site.kind, site.pages) == ("x.test", "wordpress",
                                                                   "blog", 2)
    assert len(site.emails) == 1
    assert site.emails[0].method == "mailto" and site.emails[0].source_url == "http://x.test/contact"
    assert len(site.forms) == 1 and site.names == ("Ann",)
    assert site.signals == ("advertise", "shop") and site.latest_date == "2024-02-01"
    assert site.newsletter == "kit"


def test_sampleweb_truth() -> None:
    from prospector.sampleweb.generator import build
    from prospector.sampleweb.truth import truth

    web = build()
    wrong: list[str] = []
    for spec in truth(web)["sites"]:
        site = web.site(spec["domain"])
        facts = [extract_page(site.url(path), page.body, page.content_type)
                 for path, page in site.pages.items() if page.is_html]
        profile = merge_site(facts)
        emails = {c.value for c in profile.emails}
        wrong += [f"{spec['domain']}: missed {e}" for e in spec["emails"] if e not in emails]
        wrong += [f"{spec['domain']}: took decoy {d}" for d in spec["decoys"] if d in emails]
        if spec["platform"] not in ("none", "") and profile.platform != spec["platform"] \
                and not (spec["platform"] == "woocommerce" and profile.platform == "wordpress"):
            wrong.append(f"{spec['domain']}: platform {profile.platform} != {spec['platform']}")
        if spec["kind"] == "forum" and spec["members"] and (
            profile.community is None or profile.community.members != spec["members"]
        ):
            wrong.append(f"{spec['domain']}: members {profile.community} != {spec['members']}")
        if spec["deal_pages"] and not profile.signals:
            wrong.append(f"{spec['domain']}: no deal signal")
    print("\n".join(wrong))
    assert wrong == []


# ------------------------------------------------- hand-labelled corpus pages

_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _gold_emails() -> dict[str, set[str]]:
    """Gold EMAIL entities of the WebStruct pages, addresses only, lower-cased;
    obfuscated ones ('x at y dot z') normalised."""
    data = json.loads((corpus_dir() / "annotations" / "webstruct_contact_entities.json")
                      .read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for file, record in data.items():
        found: set[str] = set()
        for entity in record["entities"]:
            if entity["type"] != "EMAIL":
                continue
            text = entity["text"].lower()
            text = re.sub(r"\s*[\[(]?\s*\bat\b\s*[\])]?\s*", "@", text)
            text = re.sub(r"\s*[\[(]?\s*\bdot\b\s*[\])]?\s*", ".", text)
            found.update(m.rstrip(".") for m in _EMAIL_IN_TEXT.findall(text))
        out[file] = found
    return out


def shown_addresses(body: bytes) -> str:
    """Where a page shows an address to a visitor or a contact form sends to, as one
    lower-cased string: the text outside scripts, styles and comments; mailto: links;
    a form's recipients (option and input values); JSON-LD and microdata values."""
    root = lxml_html.fromstring(body)
    parts = [unquote(href) for href in root.xpath("//@href") if href.lower().startswith("mailto:")]
    parts += root.xpath("//script[contains(@type, 'ld+json')]/text()")
    parts += root.xpath("//@content | //*[@itemprop]/@href | //option/@value | //input/@value")
    for dead in root.xpath("//script | //style | //noscript | //template | //comment()"):
        if dead.getparent() is not None:
            dead.drop_tree()
    parts.append(root.text_content())
    return html.unescape(" ".join(parts)).lower()


def gold_email_scores() -> tuple[float, float, str]:
    """Precision and recall of extraction against the gold labels, and what it got wrong."""
    gold = _gold_emails()
    pages = {p.file: p for p in corpus_pages()}
    tp = fp = fn = 0
    lines = []
    for file, expected in sorted(gold.items()):
        page = pages[file]
        contacts = [c for c in extract_page(page.url, page.path.read_bytes()).contacts
                    if c.kind == "email"]
        found = {c.value for c in contacts}
        # An address a page script writes (Joomla's cloaking, "user + '@' + site" in a
        # document.write) is shown to a visitor but is in no labelled static text: the
        # gold neither confirms nor refutes it, so it is not judged.
        scripted = {c.value for c in contacts if c.method == "script"}
        # Gold labels mark addresses in the visible text only; an address found in a
        # link or markup the labellers did not label (e.g. a percent-encoded mailto:
        # behind a text label) counts as right only where a visitor meets it: the
        # page's text, a mailto: link, or the site's structured data. An address that
        # is only somewhere in the source (a comment, a tracking script, an image
        # name) is wrong.
        shown = shown_addresses(page.path.read_bytes())
        extra = {a for a in found - expected - scripted if a not in shown}
        tp += len(found & expected)
        fp += len(extra)
        fn += len(expected - found)
        lines += [f"FN {file} {a}" for a in expected - found]
        lines += [f"FP {file} {a}" for a in extra]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    summary = (f"gold emails ({len(gold)} WebStruct pages): precision={precision:.3f} "
               f"recall={recall:.3f} (tp={tp} fp={fp} fn={fn})")
    return precision, recall, "\n".join([summary, *lines[:40]])


def test_gold_labelled_emails() -> None:
    precision, recall, lines = gold_email_scores()
    print("\n" + lines)
    assert precision >= 0.98
    assert recall >= 0.95


def test_extract_cli(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(BLOG)
    out = subprocess.run([sys.executable, "-m", "prospector", "extract", str(page),
                          "--url", "http://beeblog.test/2023/bees/"],
                         capture_output=True, text=True, cwd=REPO, check=True)
    data = json.loads(out.stdout)
    for key in ("url", "kind", "platform", "emails", "contact_forms", "socials", "names",
                "feeds", "newsletter", "signals", "community", "latest_date"):
        assert key in data
    assert data["platform"] == "wordpress" and data["names"] == ["Jane Hive"]
    stdin = subprocess.run([sys.executable, "-m", "prospector", "extract", "-", "--url",
                            "http://x.test/"], input='<a href="mailto:ann@x.test">m</a>',
                           capture_output=True, text=True, cwd=REPO, check=True)
    email = json.loads(stdin.stdout)["emails"][0]
    assert email == {"address": "ann@x.test", "method": "mailto", "confidence": 0.95,
                     "source_url": "http://x.test/", "role": "personal"}
    bad = subprocess.run([sys.executable, "-m", "prospector", "extract",
                          str(tmp_path / "missing.html"), "--url", "http://x.test/"],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2
    assert bad.stderr.startswith("prospector: error: cannot read")
    assert bad.stderr.count("\n") == 1


_JAPANESE = ("<p>はちみつと巣箱の話。ミツバチの育て方と季節ごとの管理について、"
             "初心者にもわかりやすく説明します。</p>") * 3


@pytest.mark.parametrize(("codec", "title", "body"), [
    ("cp1251", "Пчеловодство для всех", "<p>Мёд, ульи и пчёлы. Пасека у реки.</p>"),
    ("shift_jis", "養蜂の森", _JAPANESE),
    ("euc_jp", "養蜂の森", _JAPANESE),
    ("cp1252", "Apiculture à Genève", "<p>Miel, abeilles, été. Les ruches près du lac.</p>"),
    ("utf-8", "Bienenstöcke für alle", "<p>Honig • Waben</p>"),
])
def test_pages_that_declare_no_charset_are_read_in_theirs(codec: str, title: str,
                                                          body: str) -> None:
    page = f"<html><head><title>{title}</title></head><body>{body}" \
           f"<p>imker@hive.test</p></body></html>".encode(codec)
    facts = extract_page("http://hive.test/", page, "text/html")
    assert facts.title == title
    assert [c.value for c in facts.contacts] == ["imker@hive.test"]


def _page(url: str, platform: str, kind: str, extras: tuple[str, ...] = ()) -> PageFacts:
    return PageFacts(url=url, domain="x.test", platform=platform, kind=kind, extras=extras)


@pytest.mark.parametrize(("pages", "kind", "platform"), [
    # A newsroom that sells subscriptions through WooCommerce: its checkout page reads
    # as a shop's, the site is news on WordPress.
    ([_page("http://x.test/", "wordpress", "news", ("woocommerce",)),
      _page("http://x.test/politics/vote", "wordpress", "news", ("woocommerce",)),
      _page("http://x.test/world/summit", "wordpress", "news", ("woocommerce",)),
      _page("http://x.test/product/abo", "woocommerce", "shop", ("woocommerce",))],
     "news", "wordpress"),
    # A honey shop on WooCommerce.
    ([_page("http://x.test/", "wordpress", "shop", ("woocommerce",)),
      _page("http://x.test/about", "wordpress", "other", ("woocommerce",))],
     "shop", "woocommerce"),
    # A static blog: the home lists posts, the about page says nothing.
    ([_page("http://x.test/", "hugo", "blog"), _page("http://x.test/about/", "hugo", "other"),
      _page("http://x.test/posts/a/", "hugo", "blog")], "blog", "hugo"),
    # A forum corner on a WordPress blog: bbPress promoted only where the kind agrees.
    ([_page("http://x.test/", "wordpress", "blog", ("bbpress",)),
      _page("http://x.test/2023/05/a/", "wordpress", "blog", ("bbpress",)),
      _page("http://x.test/2023/06/b/", "wordpress", "blog", ("bbpress",)),
      _page("http://x.test/2023/07/c/", "wordpress", "blog", ("bbpress",)),
      _page("http://x.test/forums/topic/q", "bbpress", "forum", ("bbpress",))],
     "blog", "wordpress"),
])
def test_merge_site_kind_and_plugins(pages: list[PageFacts], kind: str, platform: str) -> None:
    site = merge_site(pages)
    assert (site.kind, site.platform) == (kind, platform)
    assert site.extras == pages[0].extras
