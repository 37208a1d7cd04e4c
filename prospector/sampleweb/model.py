"""Data types of the sample web: a site, its pre-rendered pages, the whole web."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.S | re.I)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


def visible_text(markup: str) -> str:
    """What a reader sees, whitespace-folded; the search index matches against this."""
    text = _TAG.sub(" ", _DROP.sub(" ", markup))
    return _WS.sub(" ", html.unescape(text)).strip()


def page_title(markup: str) -> str:
    m = _TITLE.search(markup)
    return _WS.sub(" ", html.unescape(m.group(1))).strip() if m else ""


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str
    title: str = ""
    text: str = ""  # visible text, only for HTML pages

    @property
    def is_html(self) -> bool:
        return self.content_type == HTML


@dataclass(slots=True)
class Post:
    """A blog post, forum thread or newsletter issue."""

    pid: int
    title: str
    slug: str
    day: date
    author: str
    paras: list[str]
    path: str = ""


@dataclass(eq=False, slots=True)
class Site:
    index: int
    domain: str  # registered domain
    host: str  # canonical host; home is http://host/
    aliases: tuple[str, ...]  # other hosts, answered with a redirect to `host`
    name: str
    # forum | blog | newsletter | shop | news | association | business | directory |
    # offtopic | linkfarm
    kind: str
    platform: str
    topic: str  # "beekeeping" or an off-topic subject
    in_niche: bool
    link_only: bool
    fresh: bool
    robots_disallow: tuple[str, ...] = ()
    members: int | None = None
    profile: str = "none"  # main way this site publishes a contact (see contacts.PROFILES)
    layout: str = ""  # engine of a site its platform does not name (see generator.KIND_LAYOUT)
    targets: list[Site] = field(default_factory=list)  # sites this one should link to
    # Filled in while rendering.
    pages: dict[str, Page] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)
    hidden_emails: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)  # contact forms used, for tests/stats
    decoys: set[str] = field(default_factory=set)
    forms: list[str] = field(default_factory=list)
    socials: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    links_to: set[str] = field(default_factory=set)
    deal_pages: list[str] = field(default_factory=list)
    last_post: date | None = None
    # Issue 24 (sampleweb.hubs): hubs linked (canonical URLs), profile links that are
    # not the site's channels (canonical), infrastructure domains linked.
    hub_links: set[str] = field(default_factory=set)
    social_decoys: set[str] = field(default_factory=set)
    infra_links: set[str] = field(default_factory=set)
    # Its main feed (sampleweb.feeds, issue 21): posting rhythm, the entries the feed
    # shows, and the whole history's days and kinds (post, thread, reply, issue).
    rhythm: str = ""
    feed_posts: list[Any] = field(default_factory=list)
    post_days: list[date] = field(default_factory=list)
    post_kinds: list[str] = field(default_factory=list)

    @property
    def home(self) -> str:
        return f"http://{self.host}/"

    @property
    def disallow_all(self) -> bool:
        return "/" in self.robots_disallow

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def add_html(self, path: str, markup: str) -> None:
        self.pages[path] = Page(
            markup.encode("utf-8"), HTML, page_title(markup), visible_text(markup)
        )

    def add_raw(self, path: str, body: str, content_type: str) -> None:
        self.pages[path] = Page(body.encode("utf-8"), content_type)


@dataclass(slots=True)
class SampleWeb:
    seed: int
    today: date
    sites: list[Site]  # sorted by domain
    hosts: dict[str, Site]  # every served host, canonical and alias

    def site(self, domain: str) -> Site:
        for s in self.sites:
            if s.domain == domain:
                return s
        raise KeyError(domain)
