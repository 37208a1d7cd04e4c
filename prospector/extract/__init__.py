"""Pure extraction over (url, html): one parse, many small readers, one PageFacts.

The spider calls `extract_page`; nothing here touches the network, disk or Scrapy.
"""

from __future__ import annotations

from collections.abc import Mapping

from prospector.extract.bounds import bound_markup
from prospector.extract.doc import Doc, make_doc
from prospector.extract.dom import (
    MAX_BODY_BYTES,
    Tree,
    ascii_transparent,
    close_self_closed,
    decode_body_as,
    parse_markup,
)
from prospector.extract.emails import emails_of, find_emails
from prospector.extract.facts import (
    find_comments,
    find_community,
    find_names,
    find_newsletter,
    find_signals,
    jsonld_data,
    page_dates,
)
from prospector.extract.feeds import parse_feed
from prospector.extract.hubs import find_hubs
from prospector.extract.kind import decide, read_evidence
from prospector.extract.links import find_links, is_contact_like
from prospector.extract.needles import PAGE_NEEDLES
from prospector.extract.phones import find_phones
from prospector.extract.platform import (
    detect_extras,
    detect_platform,
    platform_from_headers,
    promote,
)
from prospector.extract.site import merge_site, site_kind
from prospector.extract.social import find_social, owner_names, social_profile
from prospector.extract.text import find_contact_forms, find_feeds, find_title
from prospector.extract.vocab.links import RESOURCES_HEADING_RE
from prospector.extract.vocab.text import MAX_TEXT_CHARS, SELECT_TAGS
from prospector.models import PageFacts
from prospector.urls import canonicalize, registered_domain

__all__ = [
    "detect_platform",
    "extract_page",
    "find_emails",
    "is_contact_like",
    "merge_site",
    "parse_feed",
    "site_kind",
    "social_profile",
]


def extract_page(url: str, body: bytes | str, content_type: str = "",
                 headers: Mapping[str, str] | None = None) -> PageFacts:
    """Everything extraction learns from one fetched page. Never raises: on input it
    cannot read it returns facts with only the URL and domain filled in. `headers`
    (response headers, optional) can name the platform when the markup does not."""
    try:
        page_url = canonicalize(str(url))
        domain = registered_domain(page_url)
    except Exception:
        page_url, domain = str(url), ""
    try:
        return _extract(page_url, domain, body, content_type, dict(headers or {}))
    except Exception:
        return PageFacts(url=page_url, domain=domain)


def _parse(url: str, body: bytes | str, content_type: str) -> tuple[Tree, Doc] | None:
    """The page's tree and Doc, or None when it cannot be read."""
    parsed = _parse_bounded(url, body, content_type)
    return None if parsed is None else (parsed[0], parsed[1])


def _parse_bounded(url: str, body: bytes | str,
                   content_type: str) -> tuple[Tree, Doc, tuple[str, ...]] | None:
    """`_parse`, and which caps of the parser's input the page passed (bounds.py): its
    tree is then built from the capped markup."""
    raw, codec = decode_body_as(body if isinstance(body, bytes | str) else b"", content_type)
    if not raw:
        return None
    raw_bytes = body[:MAX_BODY_BYTES] if isinstance(body, bytes) else None
    ascii_bytes = raw_bytes is None or ascii_transparent(codec)
    # The lower-cased markup every reader's literal tests use (`Doc.lower`) and the
    # page literals it holds (`Doc.found`), made before the parse: they tell whether
    # the options need counting (only a page with a select has any to rewrite).
    lowered = (raw_bytes if raw_bytes is not None else raw.encode("utf-8", "replace")).lower()
    found = PAGE_NEEDLES.present(lowered)
    options = (lowered.count(b"<option") if not found.isdisjoint(SELECT_TAGS) else 0) \
        if ascii_bytes else None
    utf8 = raw_bytes if codec == "utf-8" else None
    # (Only UTF-16 and the like are not ASCII-transparent: their tags are read as UTF-8.)
    capped_utf8, capped = bound_markup(lowered if ascii_bytes else raw.encode(
        "utf-8", "replace").lower(), utf8, raw)
    markup = raw
    if capped_utf8 is not None:
        utf8, markup = capped_utf8, capped_utf8.decode("utf-8", "replace")
    tree, joined = parse_markup(markup, utf8, options)
    if tree is None:
        return None
    # (Dropping a tag can join the text around it into a tag name.)
    joined = joined or bool(capped)
    # Which elements the page can hold, from the start tags it spells (see bucket_query).
    spelled = ascii_bytes and not joined
    doc = make_doc(url, tree, raw, raw_bytes, ascii_bytes, lowered, found, spelled)
    if doc.swallowers:
        # Pages saved through an XML serializer write empty raw-text elements
        # self-closed: parsed as a browser does, they swallow what follows them.
        closed = close_self_closed(markup, doc.swallowers)
        fixed, joined = parse_markup(closed, options=options) if closed != markup \
            else (None, True)
        if fixed is not None:
            tree, doc = fixed, make_doc(url, fixed, raw, raw_bytes, ascii_bytes, lowered,
                                        found, spelled and not joined)
    return tree, doc, capped


def _extract(url: str, domain: str, body: bytes | str, content_type: str,
             headers: dict[str, str]) -> PageFacts:
    parsed = _parse_bounded(url, body, content_type)
    if parsed is None:
        return PageFacts(url=url, domain=domain)
    tree, doc, capped = parsed
    base = doc.base
    title = find_title(tree, doc.titles)
    forms = find_contact_forms(url, tree, title, doc.forms)
    page_is_resources = bool(RESOURCES_HEADING_RE.search(title))
    # The readers that take anchor text read it before <noscript> text is dropped.
    links, follow = find_links(url, doc, page_is_resources=page_is_resources)
    platform, generator = detect_platform(tree, doc.raw, url, doc.lower(), doc.found(),
                                          doc.metas)
    platform = platform or platform_from_headers(headers)
    emails = emails_of(doc)  # (strips the hidden elements: see Doc.strip_hidden)
    text = doc.visible_text(MAX_TEXT_CHARS)
    root = tree.root
    lang = (root.attrs.get("lang") or "") if root is not None else ""
    owners = owner_names(url, doc, (c.value for c in emails if c.kind == "email"))
    contacts = emails + forms + find_social(url, doc, owners) + \
        find_phones(doc, text, title, lang)
    jsonld = jsonld_data(doc)
    text_lower = text.lower()
    evidence = read_evidence(doc, platform, title, text_lower, jsonld,
                             phone=any(c.kind == "phone" for c in contacts),
                             linked_sites=len({link.target_domain for link in links}))
    kind, extras = decide(evidence), detect_extras(doc.found())
    platform = promote(platform, extras, kind)
    dates = page_dates(doc, jsonld)
    return PageFacts(
        url=url,
        domain=domain,
        title=title,
        text=text,
        contacts=contacts,
        links=links,
        follow=follow,
        platform=platform,
        kind=kind,
        feeds=find_feeds(tree, base, doc.link_tags),
        generator=generator,
        names=find_names(doc, jsonld),
        community=find_community(doc, text, dates, text_lower) if kind == "forum" else None,
        comments=find_comments(text, jsonld) if kind == "blog" else None,
        newsletter=find_newsletter(doc, text_lower),
        signals=find_signals(doc, platform, text_lower),
        latest_date=max(dates, default=""),
        extras=extras,
        kind_signs=tuple(sorted(evidence.signs)),
        hubs=find_hubs(url, doc),
        capped=(*capped, "links") if doc.anchors_capped else capped,
    )
