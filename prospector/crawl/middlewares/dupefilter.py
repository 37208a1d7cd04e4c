"""Scrapy's duplicate filter, letting redirects through (see the class)."""

from __future__ import annotations

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter


class RedirectDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, except that it lets redirects through.

    A redirect loop (/a → /b → /a) would otherwise be dropped silently at its first
    repeat, and the site would vanish from the run without a reason. Let through, the
    loop ends at REDIRECT_MAX_TIMES with an IgnoreRequest the spider records as the
    page's error. The spider never requests a URL twice itself (it keeps its own set).
    """

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_times"):
            return False
        return bool(super().request_seen(request))
