"""Feeds: `read_feed` reads the entries of an RSS, Atom or JSON Feed document, bounded
(the crawl stores them as posts); `parse_feed` sums a feed up (item count, newest and
oldest item dates, posting frequency).

Pure: bytes in, frozen values out. Entries are parsed with fastfeedparser (lxml; 100x
feedparser's speed, bench/feeds.py), after a pass of our own that cuts the document to
MAX_ITEMS and drops entity declarations. Every lxml parse here has network access, DTD
loading and entity resolution off (a feed is untrusted input).
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import fastfeedparser
from lxml import etree

from prospector.extract.facts import iso_date
from prospector.models import FeedFacts
from prospector.urls import canonicalize

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                          load_dtd=False, huge_tree=False, remove_comments=True)
# Item elements of RSS 0.9x/1.0/2.0 and Atom, and the date children they carry.
_ITEM_TAGS = frozenset({"item", "entry"})
_DATE_TAGS = ("pubdate", "published", "updated", "date", "issued", "modified", "created")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _date(text: str) -> str:
    text = text.strip()
    found = iso_date(text)
    if found or not text:
        return found
    try:
        return iso_date(parsedate_to_datetime(text).date().isoformat())
    except (TypeError, ValueError, IndexError):
        return ""


def parse_feed(url: str, body: bytes | str) -> FeedFacts:
    """Facts of an RSS/Atom feed; empty facts (items 0) when it is not one."""
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    try:
        root = etree.fromstring(data.strip() or b"<x/>", _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return FeedFacts(url=url)
    if root is None:
        return FeedFacts(url=url)
    title = ""
    items = 0
    dates: list[str] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "title" and not title:
            title = " ".join("".join(el.itertext()).split())[:300]
        elif name in _ITEM_TAGS:
            items += 1
            item_dates = [
                _date("".join(child.itertext()))
                for child in el if _local(child.tag) in _DATE_TAGS
            ]
            item_dates = [d for d in item_dates if d]
            if item_dates:
                dates.append(max(item_dates))
    if not items:
        return FeedFacts(url=url, title=title)
    latest, oldest = (max(dates), min(dates)) if dates else ("", "")
    per_month = 0.0
    if len(dates) >= 2:
        from datetime import date

        span = (date.fromisoformat(latest) - date.fromisoformat(oldest)).days
        per_month = round(len(dates) * 30 / max(span, 1), 2)
    return FeedFacts(url=url, title=title, items=items, latest_date=latest,
                     oldest_date=oldest, posts_per_month=per_month)


# -- reading a feed's entries (issue 21) ----------------------------------------------------
# Bounds for one feed: a feed is untrusted input read in the crawl's thread. The byte cap
# is also the download cap the crawl asks for (crawl/feeds.py); the item cap is applied
# to the raw document before parsing, so 100,000 items cost what 500 do; the parse's
# time is bounded by these two (bench/feeds.py: the cap-sized feed's parse) and measured,
# a parse over MAX_PARSE_SECONDS is recorded as `slow`.
MAX_FEED_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 500
MAX_PARSE_SECONDS = 2.0
MAX_SUMMARY_CHARS = 400
MAX_TITLE_CHARS = 300
# A date this far past the fetch is a wrong clock or a scheduled post: not activity.
FUTURE_SLACK = timedelta(days=1)

# Why a feed was cut short, refused or doubted (feeds.problem, comma-separated).
PROBLEMS = ("too_large", "too_many_items", "entities", "malformed", "not_a_feed",
            "wrong_type", "future_dates", "duplicate_guids", "slow", "http_error")

_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.S | re.I)
_ROOT = re.compile(rb"<(?!\?|!)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_ROOTS = {b"rss": "rss20", b"feed": "atom10", b"RDF": "rss10", b"channel": "rss"}
_TAGS = re.compile(r"<[^>]*>")
_COMMENT_TAGS = ("comments", "total")  # slash:comments, thr:total
_SLASH_NS = "http://purl.org/rss/1.0/modules/slash/"
_THR_NS = "http://purl.org/syndication/thread/1.0"
# The strict pass finds out whether the document is well-formed; neither pass loads a
# DTD, resolves an entity or touches the network.
_STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True,
                          load_dtd=False, huge_tree=False)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed, as stored in `posts`."""

    key: str  # the guid, else the canonical URL: what deduplicates it across runs
    url: str
    guid: str = ""
    title: str = ""
    author: str = ""
    published: str = ""  # ISO-8601 UTC timestamp, '' when absent, unreadable or future
    updated: str = ""
    summary: str = ""  # plain text, at most MAX_SUMMARY_CHARS
    categories: tuple[str, ...] = ()
    comments: int | None = None  # slash:comments / thr:total


@dataclass(frozen=True, slots=True)
class FeedRead:
    """What one fetch of a feed gave: its entries (capped) and why it was cut or doubted."""

    url: str
    format: str = ""  # rss20, rss10, atom10, json
    title: str = ""
    entries: tuple[FeedEntry, ...] = ()
    problems: tuple[str, ...] = ()  # of PROBLEMS
    detail: str = ""
    size: int = 0


@dataclass(frozen=True, slots=True)
class FeedFetched:
    """A crawl item: one site's main feed as fetched (status 304: unchanged since the
    validators the request carried; `error`: no usable answer)."""

    site: str
    url: str
    status: int
    read: FeedRead
    site_kind: str = ""  # the home page's kind: a forum's entries are threads and replies
    etag: str = ""
    last_modified: str = ""
    fetched_at: str = ""
    error: str = ""


def _problem_detail(found: dict[str, str]) -> tuple[tuple[str, ...], str]:
    return tuple(found), "; ".join(f"{k}: {v}" for k, v in found.items() if v)[:500]


def _cap_items(data: bytes, found: dict[str, str]) -> bytes:
    """The document cut before its (MAX_ITEMS+1)-th item: the parser never sees the rest."""
    starts = _ITEM_START.finditer(data)
    for n, match in enumerate(starts, 1):
        if n > MAX_ITEMS:
            rest = 1 + sum(1 for _ in starts)
            found["too_many_items"] = f"{MAX_ITEMS + rest - 1}+ items, read {MAX_ITEMS}"
            return data[:match.start()]
    return data


def _drop_doctype(data: bytes, found: dict[str, str]) -> bytes:
    """A DOCTYPE declaring entities (an entity bomb, an external file) is removed unread;
    the parsers resolve no entity anyway, this keeps the expansion from ever starting."""
    head = data[:4096]
    match = _DOCTYPE.search(head)
    if match and b"<!ENTITY" in match.group(0).upper():
        found["entities"] = "DOCTYPE with entity declarations removed"
        return data[:match.start()] + data[match.end():]
    return data


_JSON_DATES = ("date_published", "date_modified")


def _json_items(data: bytes, found: dict[str, str]) -> tuple[bytes, list[ItemFacts]]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        found["malformed"] = f"JSON: {exc}"[:200]
        return b"", []
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        found["not_a_feed"] = "JSON without items"
        return b"", []
    if len(items) > MAX_ITEMS:
        found["too_many_items"] = f"{len(items)} items, read {MAX_ITEMS}"
        doc["items"] = items = items[:MAX_ITEMS]
        data = json.dumps(doc).encode("utf-8")
    facts: list[ItemFacts] = [
        (None, isinstance(i, dict) and any(i.get(k) for k in _JSON_DATES)) for i in items]
    return data, facts


# Per item in document order: (comment count, whether it carries a date element).
# fastfeedparser makes a date up for an undated item (from its id or link: guid "12"
# became the 12th of this month): a date only counts where the feed wrote one.
ItemFacts = tuple[int | None, bool]


def _xml_comments(data: bytes, found: dict[str, str]) -> tuple[str, list[ItemFacts]]:
    """(format, each item's facts in document order); marks a malformed document."""
    try:
        root = etree.fromstring(data, _STRICT)
    except etree.XMLSyntaxError as exc:
        found["malformed"] = str(exc)[:200]
        try:
            root = etree.fromstring(data, _PARSER)
        except (etree.XMLSyntaxError, ValueError):
            return "", []
    if root is None:
        return "", []
    counts: list[ItemFacts] = []
    for el in root.iter("{*}item", "{*}entry"):
        dated = any(_local(child.tag) in _DATE_TAGS for child in el)
        counts.append((_comment_count(el), dated))
    match = _ROOT.search(data)
    fmt = _FEED_ROOTS.get(match.group(1), "") if match else ""
    return fmt, counts


def _comment_count(item: Any) -> int | None:
    for child in item:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in (f"{{{_SLASH_NS}}}comments", f"{{{_THR_NS}}}total"):
            text = (child.text or "").strip()
            if text.isdigit():
                return min(int(text), 10_000_000)
    return None


def plain_text(markup: str, limit: int) -> str:
    """Tags dropped, entities decoded, whitespace folded, cut at a word under `limit`."""
    text = " ".join(html.unescape(_TAGS.sub(" ", markup or "")).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def _timestamp(value: Any, ceiling: datetime) -> tuple[str, bool]:
    """(ISO UTC timestamp or '', whether it lay in the future)."""
    if not value:
        return "", False
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return "", False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if when > ceiling:
        return "", True
    return when.strftime("%Y-%m-%dT%H:%M:%S"), False


def _entry(raw: Any, base: str, facts: ItemFacts, ceiling: datetime
           ) -> tuple[FeedEntry | None, bool]:
    comments, dated = facts
    link = str(raw.get("link") or "")
    if link.startswith(("http://", "https://")):
        url = canonicalize(link)
    else:
        url = canonicalize(urljoin(base, link)) if link.startswith("/") else ""
    guid = " ".join(str(raw.get("id") or "").split())[:500]
    key = guid or url
    if not key:
        return None, False
    published, future = _timestamp(raw.get("published") if dated else "", ceiling)
    updated, future_u = _timestamp(raw.get("updated") if dated else "", ceiling)
    tags = tuple(dict.fromkeys(
        str(t.get("term") or "").strip()[:60] for t in raw.get("tags") or ()
        if isinstance(t, dict) and str(t.get("term") or "").strip()))[:20]
    return FeedEntry(
        key=key, url=url, guid=guid,
        title=plain_text(str(raw.get("title") or ""), MAX_TITLE_CHARS),
        author=plain_text(str(raw.get("author") or ""), 120),
        published=published or updated, updated=updated,
        summary=plain_text(str(raw.get("description") or ""), MAX_SUMMARY_CHARS),
        categories=tags, comments=comments), future or (future_u and not published)


def read_feed(url: str, body: bytes, content_type: str = "",
              fetched: datetime | None = None) -> FeedRead:
    """The entries of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document, bounded: at most
    MAX_FEED_BYTES and MAX_ITEMS read; entity declarations dropped; future dates and
    repeated guids left out; every cut recorded in `problems` with a detail."""
    started = time.perf_counter()
    found: dict[str, str] = {}
    data = bytes(body)
    size = len(data)
    if size > MAX_FEED_BYTES:
        found["too_large"] = f"{size} bytes, read {MAX_FEED_BYTES}"
        data = data[:MAX_FEED_BYTES]
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml") and data[:1] in (b"<", b"{"):
        found["wrong_type"] = f"served as {mime}"
    if data[:1] == b"{":
        data, counts = _json_items(data, found)
        fmt = "json"
    else:
        data = _cap_items(_drop_doctype(data, found), found)
        fmt, counts = _xml_comments(data, found) if data else ("", [])
    parsed = _parse(data, found)
    if parsed is None:
        found.pop("wrong_type", None)
        problems, detail = _problem_detail(found)
        return FeedRead(url=url, format=fmt, problems=problems, detail=detail, size=size)
    return _collect(url, parsed, fmt, counts, found, size, started, fetched)


def _parse(data: bytes, found: dict[str, str]) -> Any:
    if not data:
        found.setdefault("not_a_feed", "empty")
        return None
    try:
        # Bytes, never a str: fastfeedparser fetches a str that looks like a URL.
        return fastfeedparser.parse(data, include_content=False, include_media=False,
                                    include_enclosures=False)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        found["not_a_feed"] = str(exc)[:200]
        return None


def _collect(url: str, parsed: Any, fmt: str, counts: list[ItemFacts],
             found: dict[str, str], size: int, started: float,
             fetched: datetime | None) -> FeedRead:
    ceiling = (fetched or datetime.now(UTC)) + FUTURE_SLACK
    entries: dict[str, FeedEntry] = {}
    future = repeats = 0
    for i, raw in enumerate(parsed.entries[:MAX_ITEMS]):
        facts = counts[i] if i < len(counts) else (None, False)
        entry, was_future = _entry(raw, url, facts, ceiling)
        future += was_future
        if entry is None:
            continue
        if entry.key in entries:
            repeats += 1
            continue
        entries[entry.key] = entry
    if future:
        found["future_dates"] = f"{future} entries dated after the fetch, kept undated"
    if repeats:
        found["duplicate_guids"] = f"{repeats} repeated entries dropped"
    elapsed = time.perf_counter() - started
    if elapsed > MAX_PARSE_SECONDS:
        found["slow"] = f"{elapsed:.1f} s"
    problems, detail = _problem_detail(found)
    feed = parsed.feed if hasattr(parsed, "feed") else {}
    return FeedRead(url=url, format=fmt, title=plain_text(str(feed.get("title") or ""),
                                                          MAX_TITLE_CHARS),
                    entries=tuple(entries.values()), problems=problems, detail=detail,
                    size=size)
