"""Each site's main feed: which URL to ask (the page's `<link rel="alternate">`, else the
engine's known feed path, else the feed a sitemap names), and the request that asks it,
conditional when a previous run stored its validators, its size capped.

The feed is one of the site's pages for the page budget: the spider puts it first among
the pages it follows from the home page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from prospector.urls import canonicalize, registered_domain

# The feed each engine serves at a fixed path, for a home page that advertises none
# (a theme that drops the <link>). Paths as the engines ship them: WordPress, Discourse,
# phpBB 3.1+, XenForo 2, SMF 2, MyBB, Substack, Ghost, Blogger, vBulletin 4.
ENGINE_FEED_PATHS: Mapping[str, str] = {
    "wordpress": "/feed/",
    "discourse": "/latest.rss",
    "phpbb": "/app.php/feed",
    "xenforo": "/forums/-/index.rss",
    "smf": "/index.php?action=.xml;type=rss",
    "mybb": "/syndication.php",
    "substack": "/feed",
    "ghost": "/rss/",
    "blogger": "/feeds/posts/default",
    "vbulletin": "/external.php?type=RSS2",
}
# Advertised feeds that are not the site's posts: comments, a single post's thread,
# a category or a tag. The main feed is the first advertised one that is none of these.
_SIDE_FEED_WORDS = ("comment", "/tag/", "/category/", "/author/", "/t/", "/c/")
# Sitemap entries that look like a feed (a site whose pages advertise none).
_FEED_PATH_ENDS = ("/feed", "/feed/", "/rss", "/rss/", ".rss", "/atom.xml", "/feed.xml",
                   "/rss.xml", "/index.xml", "/feed.json")

# A publishing site whose home page names no feed and whose engine has no known path:
# its sitemap is asked for one (a page of its budget).
SITEMAP_KINDS = frozenset({"blog", "news", "newsletter", "forum"})
SITEMAP_PATH = "/sitemap.xml"
_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.I)
SITEMAP_READ_BYTES = 1024 * 1024

FEED_META = "prospector_feed"
# The most of a feed the crawl downloads (Scrapy cancels a larger answer, recorded as
# too_large); extract.feeds reads the first MAX_FEED_BYTES of what came.
FEED_DOWNLOAD_MAX = 8 * 1024 * 1024  # request meta: the site's kind, on a feed request


def _same_site(url: str, site: str) -> bool:
    return registered_domain(url) == site


def main_feed(home_url: str, site: str, advertised: Sequence[str], platform: str,
              sitemap: Sequence[str] = ()) -> str:
    """The one feed to fetch for `site`: the first advertised feed on the site that is
    not a side feed, else the engine's known path, else a feed-looking sitemap entry;
    '' when there is none."""
    for url in advertised:
        lowered = url.lower()
        if _same_site(url, site) and not any(w in lowered for w in _SIDE_FEED_WORDS):
            return canonicalize(url)
    path = ENGINE_FEED_PATHS.get(platform)
    if path:
        parts = urlsplit(home_url)
        return canonicalize(f"{parts.scheme}://{parts.netloc}{path}")
    for url in sitemap:
        if _same_site(url, site) and url.lower().endswith(_FEED_PATH_ENDS):
            return canonicalize(url)
    return ""


def feed_request_args(url: str, site_kind: str,
                      validators: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """Headers and meta of a feed request: conditional on the stored validators, its
    download capped (Scrapy cancels a larger one), a 304 let through to the callback."""
    etag, modified = validators.get(url, ("", ""))
    headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified))
               if v}
    headers["Accept"] = ("application/rss+xml, application/atom+xml, application/feed+json,"
                         " application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
    meta = {FEED_META: site_kind, "download_maxsize": FEED_DOWNLOAD_MAX,
            "handle_httpstatus_list": [304]}
    return {"headers": headers, "meta": meta}


def sitemap_url(home_url: str) -> str:
    parts = urlsplit(home_url)
    return canonicalize(f"{parts.scheme}://{parts.netloc}{SITEMAP_PATH}")


def feed_in_sitemap(home_url: str, site: str, body: bytes) -> str:
    """The first feed-looking URL of the site a sitemap lists ('' for none); only its
    first SITEMAP_READ_BYTES are read."""
    locs = [html.unescape(m.group(1).decode("utf-8", "replace"))
            for m in _LOC.finditer(body[:SITEMAP_READ_BYTES])]
    return main_feed(home_url, site, [], "", locs)
