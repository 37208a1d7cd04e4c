"""Brave Search API, web results.

Implemented shape, as documented by Brave (api-dashboard.search.brave.com/api-reference/
web/search/get; api.search.brave.com/app/documentation/web-search/request-headers and
…/response-headers):

* GET https://api.search.brave.com/res/v1/web/search?q=…&count=1..20&offset=0..9, the key
  in the `X-Subscription-Token` header, `Accept: application/json`. `offset` counts
  pages of `count` results, so page N is offset N-1 and there are at most 10 pages.
* 200 → {"type": "search", "query": {"original", "more_results_available"},
  "web": {"type": "search", "results": [{"title", "url", "description", …}]}}; "web" is
  absent when there are no web results. Descriptions carry <strong> highlighting.
* errors → {"type": "ErrorResponse", "error": {"status", "code", "detail"}}: 401/403 for
  a missing, invalid or unsubscribed token (SUBSCRIPTION_TOKEN_INVALID), 429 when a
  rate limit or the plan's quota is hit (RATE_LIMITED).
* X-RateLimit-Remaining / X-RateLimit-Reset: comma-separated, one value per window (per
  second, per month): "1, 1000" / "1, 1419704". Only successful requests are billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from prospector.discover.backends.base import SearchResult, clean_snippet, env, require_page, text
from prospector.discover.http import JsonClient, RetryPolicy, Sleep, retry_after_header
from prospector.errors import BackendError

KEY_ENV = "PROSPECTOR_BRAVE_KEY"
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
    which the client reads as exhausted quota instead of retrying."""
    asked = retry_after_header(headers)
    if asked is not None:
        return asked
    remaining = _numbers(headers.get("X-Ratelimit-Remaining"))
    reset = _numbers(headers.get("X-Ratelimit-Reset"))
    spent = [r for left, r in zip(remaining, reset, strict=False) if left <= 0]
    return max(spent) if spent else None


class BraveBackend:
    def __init__(self, key: str | None = None, *, count: int = MAX_COUNT, base_url: str = API_URL,
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
        self.page_size = count
        self.base_url = base_url
        self.cache_id = f"brave {base_url} count={count}"
        options: dict[str, Any] = {"timeout": timeout, "min_interval": min_interval}
        if retry is not None:
            options["retry"] = retry
        if sleep is not None:
            options["sleep"] = sleep
        self.client = JsonClient(name="brave", keyed=True, retry_after=brave_retry_after,
                                 secrets=(self.key,), **options)

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        require_page(self.name, page)
        if page - 1 > MAX_OFFSET:  # Brave serves 10 pages at most; asking more costs quota
            return []
        url = f"{self.base_url}?{urlencode({'q': query, 'count': self.count, 'offset': page - 1})}"
        data = self.client.get_json(url, {"X-Subscription-Token": self.key})
        try:
            web = data.get("web") or {}
            return [
                SearchResult(text(r["url"]), clean_snippet(r.get("title")),
                             clean_snippet(r.get("description")), "brave")
                for r in web.get("results") or [] if r.get("url")
            ]
        except (KeyError, TypeError, AttributeError):
            raise BackendError(f"{self.client.label(url)} did not answer Brave JSON") from None
