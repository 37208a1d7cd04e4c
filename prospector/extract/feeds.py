"""RSS/Atom documents: item count, newest and oldest item dates, posting frequency.

Pure: bytes in, `FeedFacts` out. Parsed with lxml.etree in recover mode, with network
access, DTD loading and entity resolution all off (a feed is untrusted input).
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from lxml import etree

from prospector.extract.facts import iso_date
from prospector.models import FeedFacts

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
