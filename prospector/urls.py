"""URL helpers shared by every stage: registered domain, canonical form, same-site tests.

One offline TLDExtract instance serves the whole process: the default constructor
fetches the Public Suffix List over the network and logs tracebacks when it cannot.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import tldextract

from prospector.hosts import normal_host

# `.test` is reserved for testing (RFC 6761) and is where the bundled sample web lives;
# it is not in the Public Suffix List, so it is added as an extra suffix.
# Hosted-blog platforms give each blog its own subdomain: every one is a separate site
# with its own owner. The PSL's private section covers blogspot.com and github.io; these
# are not in it (or not in every snapshot), so they are added here.
EXTRA_SUFFIXES: tuple[str, ...] = (
    "test", "wordpress.com", "substack.com", "tumblr.com", "wixsite.com", "ghost.io",
    "beehiiv.com", "buttondown.email", "over-blog.com", "typepad.com", "livejournal.com",
)

_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, extra_suffixes=EXTRA_SUFFIXES,
    include_psl_private_domains=True,
)

_DEFAULT_PORTS = {"http": 80, "https": 443}


# The plain shape of a canonical URL's host (what `canonicalize` makes, and most links
# are): read without urlsplit, which costs a measurable share of extraction per link.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?::\d+)?(?=[/?#]|$)")


def hostname(url: str) -> str:
    """Lower-case host of `url` (no port, no trailing dot); '' when there is none.

    The one host helper: the crawl's address guard, extraction and the store use it."""
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        return plain.group(1).rstrip(".")
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return normal_host(host.rstrip("."))  # punycode; '' for a control or bidi character


@lru_cache(maxsize=65536)
def registered_domain(host_or_url: str) -> str:
    """The registrable domain ('bee-forum.test' for 'http://www.bee-forum.test/x').

    Returns '' for IP addresses, bare suffixes and unparsable input.
    """
    host = hostname(host_or_url) if "/" in host_or_url else normal_host(host_or_url.rstrip("."))
    if not host:
        return ""
    result = _EXTRACT(host)
    return result.top_domain_under_public_suffix or ""


def has_public_suffix(domain: str) -> bool:
    """True when `domain` ends in a known public suffix and has a label before it."""
    result = _EXTRACT(domain.lower())
    return bool(result.suffix and result.domain)


def same_site(url_a: str, url_b: str) -> bool:
    a = registered_domain(url_a)
    return bool(a) and a == registered_domain(url_b)


def canonicalize(url: str) -> str:
    """A stable form for deduplication: lower-case scheme and host, default port and
    fragment dropped, empty path made '/'. Query strings are kept: forum URLs carry
    their identity there (viewtopic.php?t=1)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return url
    host = normal_host(host)  # IDNA (prospector.hosts): a refused host is no URL at all
    if not host:
        return ""
    try:
        port = parts.port
    except ValueError:  # a port that is not a number or out of range: leave the URL be
        return url
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def site_root(url: str) -> str:
    """The home page URL of the site that serves `url`."""
    parts = urlsplit(canonicalize(url))
    return urlunsplit((parts.scheme or "http", parts.netloc, "/", "", ""))


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
