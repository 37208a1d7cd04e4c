"""Social profile links of the site's own, normalised to one canonical URL per profile."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

import ahocorasick_rs

from prospector.extract.channels import MarksCache, is_own_channel
from prospector.extract.doc import Doc
from prospector.extract.dom import Node, safe_urljoin
from prospector.extract.hubs import holding_lowered
from prospector.extract.vocab.channels import CREDIT_ANCHOR_RE
from prospector.extract.vocab.social import (
    SOCIAL_CANONICAL_HOST,
    SOCIAL_DOMAINS,
    SOCIAL_RESERVED_SEGMENTS,
    SOCIAL_SHARE_RE,
)
from prospector.models import Contact
from prospector.urls import is_http_url, registered_domain

# The networks' registered domains, as substrings of a link to one.
_NETWORK_WORDS = ahocorasick_rs.AhoCorasick(tuple(SOCIAL_DOMAINS))
# Networks whose handles are case-insensitive: lower-cased so one profile has one URL.
_CASE_INSENSITIVE = frozenset({"x", "instagram", "github", "reddit", "tiktok", "threads",
                               "pinterest", "facebook", "linkedin", "bluesky"})


# Networks whose profile URLs name a kind of page first, then the profile:
# youtube.com/channel/ID, linkedin.com/in/NAME, reddit.com/r/NAME, bsky.app/profile/NAME.
_KINDED: dict[str, frozenset[str]] = {
    "youtube": frozenset({"channel", "c", "user"}),
    "linkedin": frozenset({"in", "company", "school", "showcase"}),
    "reddit": frozenset({"r", "user", "u"}),
    "bluesky": frozenset({"profile"}),
}
# Networks whose profiles are '/@handle' only.
_AT_HANDLES = frozenset({"tiktok", "threads"})
_PAGE_SUFFIXES = (".php", ".html", ".htm", ".asp", ".aspx", ".cgi")  # share.php, login.php


def _profile_path(network: str, segments: list[str], query: str) -> str | None:
    """The profile's path on its network's canonical host, None for other pages."""
    first = segments[0]
    if network in _KINDED and first in _KINDED[network] and len(segments) > 1:
        return f"{'user' if first == 'u' else first}/{segments[1]}"
    if network == "youtube" and first.startswith("@"):
        return first.lower()
    if network in _KINDED or (network in _AT_HANDLES and not first.startswith("@")):
        return None
    if network == "facebook" and first == "profile.php":
        ids = parse_qs(query).get("id")
        return f"profile.php?id={ids[0]}" if ids else None
    if network == "facebook" and first == "pages" and len(segments) > 1:
        return "/".join(segments[:3])
    return None if first.lower().endswith(_PAGE_SUFFIXES) else first


def social_profile(url: str, rel_me: bool = False) -> tuple[str, str]:
    """(network, canonical profile URL) for a profile link, ('', '') otherwise.

    Canonical form: https, host without www, no query/fragment/trailing slash.
    """
    if not is_http_url(url) or SOCIAL_SHARE_RE.search(url):
        return "", ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", ""
    host = (parts.hostname or "").lower()
    network = SOCIAL_DOMAINS.get(registered_domain(host), "")
    segments = [s for s in parts.path.split("/") if s]
    if not network:
        # Mastodon and other fediverse servers: any host, '/@user', only with rel=me.
        if rel_me and len(segments) == 1 and segments[0].startswith("@") \
                and len(segments[0]) > 1:
            return "mastodon", f"https://{host.removeprefix('www.')}/{segments[0]}"
        return "", ""
    if not segments:
        return "", ""
    first = segments[0]
    if first.lower() in SOCIAL_RESERVED_SEGMENTS:
        return "", ""
    path = _profile_path(network, segments, parts.query)
    if path is None:
        return "", ""
    if network in _CASE_INSENSITIVE and not path.startswith("profile.php?"):
        path = path.lower()
    return network, f"https://{SOCIAL_CANONICAL_HOST[network]}/{path}"


# E-mail local parts that name a role, not an owner: a handle holding one proves nothing.
_ROLE_LOCALS = frozenset({"info", "contact", "hello", "admin", "support", "webmaster",
                          "editor", "editors", "office", "mail", "team", "press", "ads",
                          "partners", "sales", "newsletter", "noreply", "no-reply", "help",
                          "enquiries", "inquiries", "general", "post", "kontakt"})


def owner_names(url: str, doc: Doc, emails: Iterable[str] = ()) -> tuple[str, ...]:
    """What a profile handle of the site's owner would match: the domain's name, the
    e-mail local parts found on the page (not role addresses), the page's author."""
    domain = registered_domain(url)
    names = [domain.split(".")[0]] if domain else []
    names += [e.split("@")[0] for e in emails
              if "@" in e and e.split("@")[0].lower() not in _ROLE_LOCALS]
    author = doc.meta("author")
    if author:
        names.append(author)
    return tuple(names)


def _is_hub(network: str, profile: str) -> bool:
    """A subreddit is a community on a platform (extract.hubs), not anyone's channel."""
    return network == "reddit" and "/r/" in profile


def _link_tags(doc: Doc, me: set[int]) -> list[tuple[Node, str, str, str]]:
    """(element, href, target, domain) of the <link> elements worth resolving: they are
    mostly style sheets, icons and preloads, so only those with rel=me or that name a
    network (any, when the page is on one)."""
    tags = [(el, el.attrs.get("href") or "") for el in doc.link_tags]
    everywhere = registered_domain(doc.base) in SOCIAL_DOMAINS
    named = set() if everywhere else holding_lowered(_NETWORK_WORDS, [h for _, h in tags])
    return [(el, href, *doc.target(href)) for i, (el, href) in enumerate(tags)
            if href and (everywhere or el.mem_id in me or i in named)]


def find_social(url: str, doc: Doc, owners: tuple[str, ...] | None = None
                ) -> tuple[Contact, ...]:
    """The site's own social profiles linked from the page (extract.channels decides:
    rel=me, the site's chrome or about page, a handle naming the owner; never a credit,
    a commenter or a person the page mentions), one Contact per canonical profile, read
    from the page's shared `Doc`. `owners`: see `owner_names` (the domain's name when
    not given)."""
    seen: set[str] = set()
    out: list[Contact] = []
    owners = owner_names(url, doc) if owners is None else owners
    cache: dict[int, str] = {}
    marks: MarksCache = {}
    profiles: dict[tuple[str, bool], tuple[str, str]] = {}  # social_profile's, per page
    me = doc.marked().rel_me
    for el, href, target, domain in [*doc.resolved_anchors(), *_link_tags(doc, me)]:
        if not href:
            continue
        rel_me = bool(me) and el.mem_id in me
        if not rel_me and domain not in SOCIAL_DOMAINS:
            continue
        key = (target or safe_urljoin(doc.base, href), rel_me)
        known = profiles.get(key)
        if known is None:
            known = profiles[key] = social_profile(*key)
        network, profile = known
        if not profile or profile in seen or _is_hub(network, profile):
            continue
        if el.tag == "a" and not is_own_channel(el, url, profile, rel_me, owners, cache, marks):
            continue
        seen.add(profile)
        out.append(Contact(kind="social", value=profile, source_url=url, method="link",
                           confidence=0.9 if rel_me else 0.8, role=network))
    return tuple(out)


def recurring_channel(url: str, anchor: str) -> tuple[str, str]:
    """(network, profile) of a profile link that recurs in the content of a site's pages
    (extract.channels.RECUR_MIN_PAGES, RECUR_SHARE), when it may be the site's own: not a
    credit ('Hugo theme by …' anchors), not a subreddit; ('', '') otherwise."""
    if CREDIT_ANCHOR_RE.search(anchor):
        return "", ""
    network, profile = social_profile(url)
    if not profile or _is_hub(network, profile):
        return "", ""
    return network, profile
