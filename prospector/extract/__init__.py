"""Pure extraction over (url, html): one parse, many small readers, one PageFacts.

The spider calls `extract_page`; nothing here touches the network, disk or Scrapy.
"""

from __future__ import annotations

from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.dom import base_url, decode_body, parse_html
from prospector.extract.emails import find_emails
from prospector.extract.links import find_links, is_contact_like
from prospector.extract.platform import detect_kind, detect_platform
from prospector.extract.social import find_social, social_profile
from prospector.extract.text import find_contact_forms, find_feeds, find_text, find_title
from prospector.models import PageFacts
from prospector.urls import canonicalize, registered_domain

__all__ = [
    "detect_kind",
    "detect_platform",
    "extract_page",
    "find_emails",
    "is_contact_like",
    "social_profile",
]


def extract_page(url: str, body: bytes | str, content_type: str = "") -> PageFacts:
    """Everything extraction learns from one fetched page. Never raises: on input it
    cannot read it returns facts with only the URL and domain filled in."""
    try:
        page_url = canonicalize(str(url))
        domain = registered_domain(page_url)
    except Exception:
        page_url, domain = str(url), ""
    try:
        return _extract(page_url, domain, body, content_type)
    except Exception:
        return PageFacts(url=page_url, domain=domain)


def _extract(url: str, domain: str, body: bytes | str, content_type: str) -> PageFacts:
    raw = decode_body(body if isinstance(body, bytes | str) else b"", content_type)
    tree: etree._Element | None = parse_html(raw) if raw else None
    if tree is None:
        return PageFacts(url=url, domain=domain)
    base = base_url(tree, url)
    title = find_title(tree)
    text = find_text(tree)
    page_is_resources = bool(P.RESOURCES_HEADING_RE.search(title))
    links, follow = find_links(url, tree, base, page_is_resources=page_is_resources)
    platform, generator = detect_platform(tree, raw, url)
    contacts = (
        find_emails(url, tree, raw)
        + find_contact_forms(url, tree, title)
        + find_social(url, tree, base)
    )
    return PageFacts(
        url=url,
        domain=domain,
        title=title,
        text=text,
        contacts=contacts,
        links=links,
        follow=follow,
        platform=platform,
        kind=detect_kind(platform, tree, text, url),
        feeds=find_feeds(tree, base),
        generator=generator,
    )
