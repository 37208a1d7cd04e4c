"""The crawl's own counters in Scrapy's stats, kept by whichever item pipeline runs
(the store's in one process, the Redis one in a distributed worker) and shown by the
progress line."""

from __future__ import annotations

from typing import Any

from scrapy.statscollectors import StatsCollector

from prospector.models import FetchedPage, SiteDone

CONTACTS_STAT = "prospector/contacts"
SITES_DONE_STAT = "prospector/sites_done"


def count_item(stats: StatsCollector | None, item: Any) -> None:
    """Count an item the spider yielded: a page's contacts, a site finished."""
    assert stats is not None
    if isinstance(item, FetchedPage):
        stats.inc_value(CONTACTS_STAT, len(item.facts.contacts))
    elif isinstance(item, SiteDone):
        stats.inc_value(SITES_DONE_STAT)
