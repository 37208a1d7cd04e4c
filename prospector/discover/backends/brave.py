"""Brave Search API, web results.

Implemented shape, as documented by Brave (api-dashboard.search.brave.com/api-reference/
web/search/get; api.search.brave.com/app/documentation/web-search/request-headers and
…/response-headers):

* GET https://api.search.brave.com/res/v1/web/search?q=…&count=1..20&offset=0..9, the key
  in the `X-Subscription-Token` header, `Accept: application/json`. `offset` counts
  pages of `count` results, so page N is offset N-1 and there are at most 10 pages.
* 200 → {"type": "search", "query": {"original", "more_results_available"},
  "web": {"type": "search", "results": [{"title", "url", "description", …}]}}; "web" is
  absent when there are no web results. A page is often shorter than `count`; only
  more_results_available says whether another exists. Descriptions carry <strong>.
* errors → {"type": "ErrorResponse", "error": {"status", "code", "detail", "meta"}}: 401/403
  for a missing, invalid or unsubscribed token (SUBSCRIPTION_TOKEN_INVALID), 422 for a
  parameter it refuses (VALIDATION), 429 when a rate limit or the plan's quota is hit
  (RATE_LIMITED).
* X-RateLimit-Remaining / X-RateLimit-Reset: comma-separated, one value per window (per
  second, per month): "1, 1000" / "1, 1419704". Only successful requests are billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from prospector.discover.backends.base import SearchPage, SearchResult, clean_snippet, env, require_page, text
from prospector.discover.http import JsonClient, RetryPolicy, Sleep, retry_after_header
from prospector.errors import BackendError

KEY_ENV = "PROSPECTOR_BRAVE_KEY"
URL_ENV = "PROSPECTOR_BRAVE_URL"
API_URL = "https://api.search.brave.com/res/v1/web/search"
MAX_COUNT = 20
MAX_OFFSET = 9


def _numbers(value: str | None) -> list[float]:
    out: list[float] = []
    for part in (value or "").split(","):
        try:
            out.append(float(part.strip()))
        except ValueError:
            return []
    return out


def brave_retry_after(headers: Mapping[str, str]) -> float | None:
    """How long a 429 asks us to wait: Retry-After if sent, else the reset time of the
    longest window whose remaining count is 0 — a spent monthly quota resets in days,
    which the client reads as spent quota instead of retrying."""
    asked = retry_after_header(headers)
    if asked is not None:
        return asked
    remaining = _numbers(headers.get("X-Ratelimit-Remaining"))
    reset = _numbers(headers.get("X-Ratelimit-Reset"))
    spent = [r for left, r in zip(remaining, reset, strict=False) if left <= 0]
    return max(spent) if spent else None


class BraveBackend:
    dialect = "brave"

    def __init__(self, key: str | None = None, *, count: int = MAX_COUNT, base_url: str | None = None,
                 timeout: float = 15.0, min_interval: float = 1.0,
                 retry: RetryPolicy | None = None, sleep: Sleep | None = None) -> None:
        self.name = "brave"
        found = key or env(KEY_ENV)
        if not found:
            raise BackendError(f"search backend brave: key missing; set {KEY_ENV} "
                               "(a Brave Search API subscription token)")
        self.key = found
        if not 1 <= count <= MAX_COUNT:
            raise BackendError(f"search backend brave: count must be 1..{MAX_COUNT}, not {count}")
        self.count = count
        self.base_url = base_url or env(URL_ENV) or API_URL
        self.cache_id = f"brave {self.base_url} count={count}"
        self.notices: list[str] = []
        options: dict[str, Any] = {"timeout": timeout, "min_interval": min_interval}
        if retry is not None:
            options["retry"] = retry
        if sleep is not None:
            options["sleep"] = sleep
        self.client = JsonClient(name="brave", keyed=True, retry_after=brave_retry_after,
                                 secrets=(self.key,), **options)

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        return list(self.search_page(query, page).results)

    def search_page(self, query: str, page: int = 1) -> SearchPage:
        require_page(self.name, page)
        if page - 1 > MAX_OFFSET:  # Brave serves 10 pages at most; asking more is a 422
            return SearchPage((), False)
        url = f"{self.base_url}?{urlencode({'q': query, 'count': self.count, 'offset': page - 1})}"
        data = self.client.get_json(url, {"X-Subscription-Token": self.key})
        try:
            web = data.get("web") or {}
            hits = tuple(SearchResult(text(r["url"]), clean_snippet(r.get("title")),
                                      clean_snippet(r.get("description")), "brave")
                         for r in web.get("results") or [] if r.get("url"))
            more = (data.get("query") or {}).get("more_results_available")
        except (KeyError, TypeError, AttributeError):
            self.client.fail(f"{self.client.label(url)} did not answer Brave JSON", "bad-answer")
        return SearchPage(hits, bool(more) and page - 1 < MAX_OFFSET)
