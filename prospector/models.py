"""The values passed between stages. Frozen: a stage never edits what it was handed.

Extraction returns these from pure functions over (url, html); the spider wraps them
in nothing else; the store writes them; score and report read rows back from the DB.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach a site's owner, as found on one page."""

    kind: str  # email | form | social | phone
    value: str  # normalised address, form URL, canonical profile URL or E.164 phone
    source_url: str
    # How it was written: mailto, text, obfuscated, entity, rot13, cfemail, jsonld...;
    # tel or text for phones.
    method: str = ""
    confidence: float = 1.0  # 0..1
    role: str = ""  # email: role | personal; social: network name


@dataclass(frozen=True, slots=True)
class Link:
    """An outbound hyperlink from a page to another registered domain."""

    source_url: str
    target_url: str
    target_domain: str
    anchor: str = ""
    section: str = ""  # where it sits: blogroll, signature, resources, content, footer, nav


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Everything extraction learns from one fetched page."""

    url: str
    domain: str  # registered domain of `url`
    title: str = ""
    text: str = ""  # visible text, whitespace-folded and capped, for relevance scoring
    contacts: tuple[Contact, ...] = ()
    links: tuple[Link, ...] = ()  # outbound, to other registered domains
    follow: tuple[str, ...] = ()  # same-site URLs worth fetching (contact, about, advertise...)
    platform: str = ""  # phpbb, vbulletin, xenforo, discourse, smf, mybb, wordpress, blogger...
    # forum | blog | newsletter | shop | news | directory | association | business | other
    kind: str = ""
    feeds: tuple[str, ...] = ()
    generator: str = ""
    names: tuple[str, ...] = ()  # owner/author names (meta author, JSON-LD, bylines)
    community: Community | None = None  # forum numbers; None on non-forum pages
    comments: int | None = None  # comments on a blog post, when stated
    newsletter: str = ""  # provider (mailchimp, kit, substack...), "form", or ""
    signals: tuple[str, ...] = ()  # advertise, sponsor, affiliate, partners, write_for_us, shop, ebook
    latest_date: str = ""  # ISO date of the latest dated activity on the page
    extras: tuple[str, ...] = ()  # plugins beside the platform: woocommerce, bbpress
    kind_signs: tuple[str, ...] = ()  # the evidence the kind was read from (extract.kind)
    hubs: tuple[HubLink, ...] = ()  # community hubs on platforms it links to (extract.hubs)
    # the parser-input caps the page passed, parsed capped: depth, attributes, formatting
    # (extract.bounds); the spider records them as the page's error
    capped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HubLink:
    """A link to a community on a platform: a subreddit, a Discord invite, a mailing list..."""

    platform: str  # reddit | discord | facebook | telegram | stack exchange | lemmy | ...
    hub_id: str  # r/emacs, #emacs@libera.chat, emacs-devel@gnu.org
    url: str  # the hub's canonical URL
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Community:
    """Forum numbers as a page states them; None where the page does not say."""

    members: int | None = None
    topics: int | None = None
    posts: int | None = None
    online: int | None = None
    registration_open: bool | None = None
    last_post: str = ""  # ISO date


@dataclass(frozen=True, slots=True)
class FeedFacts:
    """What an RSS/Atom document says about a site's activity."""

    url: str
    title: str = ""
    items: int = 0
    latest_date: str = ""  # ISO date of the newest item
    oldest_date: str = ""
    posts_per_month: float = 0.0  # items per 30 days over the dated span; 0 if unknown


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """One site's facts merged over all its crawled pages (see extract.merge_site)."""

    domain: str
    kind: str = ""
    platform: str = ""
    emails: tuple[Contact, ...] = ()
    forms: tuple[Contact, ...] = ()
    socials: tuple[Contact, ...] = ()
    phones: tuple[Contact, ...] = ()
    names: tuple[str, ...] = ()
    community: Community | None = None
    comments: int | None = None  # most comments seen on one post
    newsletter: str = ""
    signals: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    latest_date: str = ""
    pages: int = 0
    extras: tuple[str, ...] = ()  # plugins seen on the site's pages


@dataclass(frozen=True, slots=True)
class Candidate:
    """A site to crawl and why: the query or seed that brought it."""

    url: str
    domain: str
    why: str
    source: str = "search"  # search | seed | link
    rank: int = 0
    distance: int = 0  # link hops from a search result or seed
    via: str = ""  # the linking site, for source == "link"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched page as the crawl reports it to the store, with its extraction."""

    site: str  # registered domain of the candidate this page was crawled for
    url: str
    status: int
    content_type: str
    size: int
    facts: PageFacts
    fetched_at: str = ""  # ISO-8601 UTC
    error: str = ""
    etag: str = ""  # validators, for conditional requests on the next crawl
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class PageUnchanged:
    """A page answered 304 Not Modified: what was stored from it still holds."""

    site: str
    url: str


@dataclass(frozen=True, slots=True)
class SiteDone:
    """The crawl of one site reached its end (all its requests answered)."""

    site: str

