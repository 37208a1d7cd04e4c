"""The sample web's feeds (issue 21): each site's main feed with a posting rhythm of its
own, in the format its engine serves (RSS 2.0, Atom, JSON Feed), and the truth of it.

A site posts on a rhythm over a history longer than its feed shows: daily, weekly,
fortnightly, dormant for a year or more, or dormant with one recent one-off post.
Forums' feeds carry threads and their replies ("Re: …"); an e-zine's carries its
issues. The feed shows the newest entries only (as real engines do: WordPress 10,
Blogger 25…); the truth holds both what the feed shows (what a perfect crawler stores)
and the rhythm's figures over the whole history (posts per 30 days over the last 90
days, threads and replies per week), which the crawl's estimate is measured against.

Drawn from random streams of their own (seed, domain, 'feed'): the rest of the sample
web is the same bytes it was.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import Any

from . import content
from .model import ATOM, RSS, Post

JSON_FEED = "application/feed+json; charset=utf-8"
# Days between posts of each rhythm (a forum's: between threads).
RHYTHM_GAP: dict[str, int] = {"daily": 1, "weekly": 7, "fortnightly": 14,
                              "dormant": 9, "oneoff": 9}
ACTIVE_RHYTHMS = ("daily", "weekly", "fortnightly")
HISTORY_DAYS = 200  # how far back an active site's history goes
DORMANT_DAYS = 400  # a dormant site's last post is older than a year
ONEOFF_AGE = 3  # days since a dormant site's one-off post
# Entries each engine's feed shows (its default), others 20.
FEED_ITEMS: dict[str, int] = {"wordpress": 10, "woocommerce": 10, "blogger": 25,
                              "ghost": 15, "substack": 20, "phpbb": 25, "discourse": 30,
                              "xenforo": 20}
REPLIES_PER_THREAD = 3  # a forum thread's replies in the feed, a day apart
SUMMARY_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class FeedPost:
    key: str  # the guid a perfect reader stores (the entry's id, else its link)
    url: str
    title: str
    when: datetime
    author: str
    summary: str
    kind: str  # post | thread | reply | issue
    comments: int | None = None


def rhythm_of(site: Any, rng: random.Random) -> str:
    """Active sites post daily, weekly or fortnightly; stale ones are dormant, and stale
    WordPress blogs came back once for a one-off post."""
    if site.fresh:
        return rng.choice(ACTIVE_RHYTHMS)
    if site.kind == "blog" and site.platform == "wordpress":
        return "oneoff"
    return "dormant"


def history(site: Any, today: date, rng: random.Random, rhythm: str) -> list[date]:
    """The days the site posted (or opened a thread), newest first."""
    gap = RHYTHM_GAP[rhythm]
    if rhythm in ACTIVE_RHYTHMS:
        start = today - timedelta(days=rng.randint(0, min(gap - 1, 3)))
        count = HISTORY_DAYS // gap
    else:
        start = today - timedelta(days=DORMANT_DAYS + rng.randint(0, 200))
        count = 40
    days = [start - timedelta(days=i * gap) for i in range(count)]
    if rhythm == "oneoff":
        days.insert(0, today - timedelta(days=ONEOFF_AGE))
    return days


def _entries(b: Any, days: list[date], rng: random.Random) -> list[FeedPost]:
    """What the site published on those days, newest first; the first posts are the
    ones its pages show (same titles, links and dates where they exist)."""
    s, e = b.site, b.engine
    forum = s.kind == "forum"
    pool = content.THREAD_TITLES if forum else content.POST_TITLES
    out: list[FeedPost] = []
    offset = rng.randrange(len(pool))  # sites do not all open with the same title
    for n, day in enumerate(days):
        title = pool[(n + offset) % len(pool)]
        if n >= len(pool):
            title = f"{title} ({day.strftime('%B %Y')})"
        if s.kind == "newsletter":
            title = f"Issue {len(days) - n}: {title}"
        first, last = content.person(rng)
        post = Post(pid=90_000 + n, title=title, slug=f"{content.slugify(title)}-{n}",
                    day=day, author=f"{first} {last}", paras=[])
        url = s.url(e.post_path(post))
        when = datetime.combine(day, time(9, 30), UTC)
        summary = " ".join(rng.sample(_sentences(s), SUMMARY_SENTENCES))
        kind = "thread" if forum else "issue" if s.kind == "newsletter" else "post"
        comments = rng.randint(0, 30) if s.kind == "blog" else None
        out.append(FeedPost(url, url, title, when, post.author, summary, kind, comments))
        if forum:
            for r in range(1, REPLIES_PER_THREAD + 1):
                reply = f"{url}#p{r}"
                who = " ".join(content.person(rng))
                out.append(FeedPost(reply, reply, f"Re: {title}", when + timedelta(days=r),
                                    who, summary, "reply"))
    out.sort(key=lambda p: (p.when, p.key), reverse=True)
    return out


def _sentences(site: Any) -> tuple[str, ...]:
    return (content.BEE_SENTENCES if site.in_niche
            else content.OFFTOPIC[site.topic]["sentences"])


def feed_format(b: Any) -> str:
    """rss, atom or json: what the engine serves."""
    return str(b.engine.feed_kind)


def render_feed(b: Any) -> None:
    """The site's main feed at its engine's path, and its truth on the site."""
    s, e = b.site, b.engine
    rng = random.Random(f"sampleweb:feed:{s.domain}")
    rhythm = rhythm_of(s, rng)
    days = history(s, b.today, rng, rhythm)
    posts = _entries(b, days, rng)
    cutoff = datetime.combine(b.today, time(23, 59), UTC)
    posts = [p for p in posts if p.when <= cutoff]  # a reply dated after today is not yet
    shown = posts[:FEED_ITEMS.get(e.platform, 20)]
    s.feeds.append(s.url(e.feed_path))
    s.rhythm = rhythm
    s.feed_posts = shown
    s.post_days = [p.when.date() for p in posts]
    s.post_kinds = [p.kind for p in posts]
    fmt = feed_format(b)
    if fmt == "json":
        s.add_raw(e.feed_path, json_feed(s.name, s.home, s.url(e.feed_path), shown), JSON_FEED)
    elif fmt == "atom":
        s.add_raw(e.feed_path, atom_feed(s.name, s.home, s.url(e.feed_path), shown), ATOM)
    else:
        s.add_raw(e.feed_path, rss_feed(s.name, s.home, shown), RSS)


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _rfc822(when: datetime) -> str:
    return when.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rss_item(p: FeedPost) -> str:
    comments = f"<slash:comments>{p.comments}</slash:comments>" if p.comments is not None else ""
    return (f"<item><title>{_esc(p.title)}</title><link>{_esc(p.url)}</link>"
            f'<guid isPermaLink="true">{_esc(p.key)}</guid><pubDate>{_rfc822(p.when)}</pubDate>'
            f"<dc:creator>{_esc(p.author)}</dc:creator><category>beekeeping</category>"
            f"<description>{_esc(p.summary)}</description>{comments}</item>")


def rss_feed(name: str, home: str, posts: list[FeedPost]) -> str:
    built = _rfc822(posts[0].when) if posts else ""
    head = (f"<title>{_esc(name)}</title><link>{_esc(home)}</link>"
            f"<description>{_esc(name)}</description><lastBuildDate>{built}</lastBuildDate>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
            + head + "".join(map(_rss_item, posts)) + "</channel></rss>")


def _atom_entry(p: FeedPost) -> str:
    total = f"<thr:total>{p.comments}</thr:total>" if p.comments is not None else ""
    when = _iso(p.when)
    return (f'<entry><title>{_esc(p.title)}</title><link href="{_esc(p.url)}"/>'
            f"<id>{_esc(p.key)}</id><published>{when}</published><updated>{when}</updated>"
            f"<author><name>{_esc(p.author)}</name></author><category term=\"beekeeping\"/>"
            f"<summary>{_esc(p.summary)}</summary>{total}</entry>")


def atom_feed(name: str, home: str, self_url: str, posts: list[FeedPost]) -> str:
    updated = _iso(posts[0].when) if posts else ""
    head = (f'<title>{_esc(name)}</title><link href="{_esc(home)}"/>'
            f'<link rel="self" href="{_esc(self_url)}"/><id>{_esc(home)}</id>'
            f"<updated>{updated}</updated>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'
            ' xmlns:thr="http://purl.org/syndication/thread/1.0">'
            + head + "".join(map(_atom_entry, posts)) + "</feed>")


def json_feed(name: str, home: str, self_url: str, posts: list[FeedPost]) -> str:
    """JSON Feed 1.1 (jsonfeed.org/version/1.1)."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": name,
        "home_page_url": home, "feed_url": self_url,
        "items": [{"id": p.key, "url": p.url, "title": p.title, "summary": p.summary,
                   "date_published": _iso(p.when), "authors": [{"name": p.author}],
                   "tags": ["beekeeping"]} for p in posts],
    }, indent=1)


def subscribers_of(site: Any) -> int:
    """The readers an e-zine's home page says it has ("Join 4,300 readers")."""
    return 500 + random.Random(f"sampleweb:readers:{site.domain}").randrange(200) * 100


# -- the truth -------------------------------------------------------------------------------
def per_30_days(days: list[date], today: date) -> float:
    """Posts per 30 days over the 90 days before `today`."""
    return round(sum(1 for d in days if 0 <= (today - d).days < 90) / 3, 3)


def per_week(days: list[date], kinds: list[str], kind: str, today: date) -> float:
    """Entries of `kind` per week over the 28 days before `today`."""
    return round(sum(1 for d, k in zip(days, kinds, strict=True)
                     if k == kind and 0 <= (today - d).days < 28) / 4, 3)


def feed_truth(site: Any, today: date) -> dict[str, Any]:
    """A site's feed truth: rhythm, the entries its feed shows, its true figures."""
    days: list[date] = getattr(site, "post_days", [])
    kinds: list[str] = getattr(site, "post_kinds", [])
    posts: list[FeedPost] = getattr(site, "feed_posts", [])
    return {
        "rhythm": getattr(site, "rhythm", ""),
        "feed_posts": [{"key": p.key, "url": p.url, "title": p.title, "kind": p.kind,
                        "published": _iso(p.when)} for p in posts],
        "posts_per_30d": per_30_days(days, today),
        "threads_per_week": per_week(days, kinds, "thread", today),
        "replies_per_week": per_week(days, kinds, "reply", today),
        "latest_feed_post": _iso(posts[0].when) if posts else None,
        # An e-zine's sign-up page and stated readers (issue 21's newsletter list).
        "newsletter_signup": site.url("/subscribe") if site.kind == "newsletter" else None,
        "newsletter_subscribers": subscribers_of(site) if site.kind == "newsletter" else None,
    }


# -- hostile feeds (served with --hostile only: sampleweb.hostile) ----------------------------
# Each on a host of its own whose home page advertises it; the reason the crawl must
# record for it (feeds.problem, see extract.feeds.PROBLEMS).
HOSTILE_FEEDS: dict[str, str] = {
    "feed-malformed.test": "malformed",
    "feed-bomb.test": "entities",
    "feed-flood.test": "too_many_items",
    "feed-future.test": "future_dates",
    "feed-dupes.test": "duplicate_guids",
    "feed-html.test": "wrong_type",
}
HOSTILE_FEED_PATH = "/feed.xml"
FLOOD_ITEMS = 100_000
HTML_TYPE = "text/html; charset=utf-8"


def _items(host: str, n: int, day: str = "Mon, 30 Nov 2026 09:30:00 +0000") -> str:
    return "".join(f"<item><title>Hive note {i}</title><link>http://{host}/p/{i}</link>"
                   f"<guid>http://{host}/p/{i}</guid><pubDate>{day}</pubDate></item>"
                   for i in range(n))


def _rss(host: str, items: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<rss version="2.0"><channel>'
            f"<title>{host}</title><link>http://{host}/</link>{items}</channel></rss>")


_LAUGHS = ('<!DOCTYPE rss [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                     for i in range(1, 10))
           + "]>")


def hostile_feed(host: str) -> tuple[bytes, str]:
    """(body, content type) of the hostile feed of `host` (one of HOSTILE_FEEDS)."""
    fault = HOSTILE_FEEDS[host]
    if fault == "malformed":
        body = _rss(host, _items(host, 5)).replace("</item>", "", 2) + "<item><title>a & b"
    elif fault == "entities":
        body = _rss(host, "<item><title>&lol9;</title><link>http://feed-bomb.test/p/1</link>"
                    "<guid>http://feed-bomb.test/p/1</guid></item>", _LAUGHS)
    elif fault == "too_many_items":
        # Short items: 100,000 of them in ≈3 MB, within the crawl's download cap.
        body = _rss(host, "".join(f"<item><guid>{i}</guid></item>" for i in range(FLOOD_ITEMS)))
    elif fault == "future_dates":
        body = _rss(host, _items(host, 3) + _items(host, 0)
                    + "<item><title>From the future</title><link>http://feed-future.test/p/99"
                    "</link><guid>http://feed-future.test/p/99</guid>"
                    "<pubDate>Fri, 01 Jan 2100 09:30:00 +0000</pubDate></item>")
    elif fault == "duplicate_guids":
        body = _rss(host, _items(host, 4) + _items(host, 4))
    else:
        body = _rss(host, _items(host, 4))
    return body.encode("utf-8"), HTML_TYPE if fault == "wrong_type" else RSS


# A blog whose pages advertise no feed and whose engine has no known feed path: its
# sitemap lists the feed (crawl.feeds.feed_in_sitemap).
SITEMAP_FEED_HOST = "sitemap-blog.test"
SITEMAP_FEED_PATH = "/index.xml"
FEED_HOSTS = frozenset({*HOSTILE_FEEDS, SITEMAP_FEED_HOST})


def _sitemap_blog(path: str) -> tuple[bytes, str]:
    host = SITEMAP_FEED_HOST
    if path == "/sitemap.xml":
        locs = "".join(f"<url><loc>http://{host}{p}</loc></url>"
                       for p in ("/", "/posts/first-inspection/", SITEMAP_FEED_PATH))
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
        return body.encode(), "application/xml; charset=utf-8"
    if path == SITEMAP_FEED_PATH:
        return _rss(host, _items(host, 3)).encode(), RSS
    posts = "".join(f'<article class="post"><h2><a href="/posts/p{i}/">Hive note {i}</a></h2>'
                    f'<time datetime="2026-11-{20 + i}">November {20 + i}, 2026</time></article>'
                    for i in range(3))
    return (f"<!DOCTYPE html><html><head><title>Sitemap Blog - notes on beekeeping</title>"
            f"</head><body><h1>Sitemap Blog</h1><p>Our beekeeping blog.</p>{posts}"
            f"</body></html>").encode(), HTML_TYPE


def feed_host_answer(host: str, path: str) -> tuple[bytes, str]:
    """(body, content type) of `path` on a feed host (FEED_HOSTS) of the hostile web."""
    if host == SITEMAP_FEED_HOST:
        return _sitemap_blog(path)
    if path == HOSTILE_FEED_PATH:
        return hostile_feed(host)
    return hostile_feed_home(host).encode(), HTML_TYPE


def hostile_feed_home(host: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{host} beekeeping notes</title>"
            f'<link rel="alternate" type="application/rss+xml" href="{HOSTILE_FEED_PATH}">'
            f"</head><body><h1>Beekeeping notes</h1><p>Our hives, our honey, our bees."
            f"</p></body></html>")
