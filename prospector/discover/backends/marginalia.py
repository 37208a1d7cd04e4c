"""Marginalia Search: an independent index strong on blogs, forums and hobby sites.

Implemented shapes, as documented at about.marginalia-search.com/article/api (updated
2025-12-08) and its 2023 predecessor (www.marginalia.nu/marginalia-search/api/):

* current API: GET https://api2.marginalia-search.com/search?query=…&count=1..100&page=N
  (1-indexed) [&filter=NAME], key in the `API-Key` header; the key `public` works for
  anyone (shared, often rate-limited, no custom filters).
* legacy API, still served: GET https://api.marginalia.nu/{key}/search/{query}?count=N
  &index=I. Only it selects an index (0 popular, 1 blogs, 2 big_sites, 3 default,
  4 experimental — the GUI's drop-down, per the API page and SearXNG's engine), so
  `index="blogs"` uses it. It has no page parameter: page N asks for N×count results
  (at most 100) and keeps the last `count`.

Both answer {"query", "license", "results": [{"url", "title", "description", …}]}.
The shared key's rate limit answers HTTP 503 (documented) — treated like 429.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from prospector.discover.backends.base import SearchResult, clean_snippet, env, require_page, text
from prospector.discover.http import JsonClient, RetryPolicy, Sleep
from prospector.errors import BackendError

KEY_ENV = "PROSPECTOR_MARGINALIA_KEY"
PUBLIC_KEY = "public"
API_URL = "https://api2.marginalia-search.com"
LEGACY_URL = "https://api.marginalia.nu"
INDEXES: dict[str, int] = {"popular": 0, "blogs": 1, "big_sites": 2, "default": 3, "experimental": 4}
MAX_COUNT = 100


def _index_number(index: str | int) -> int:
    if isinstance(index, int) or index.isdigit():
        number = int(index)
        if number in INDEXES.values():
            return number
    elif index in INDEXES:
        return INDEXES[index]
    raise BackendError(f"search backend marginalia: unknown index {index!r}; "
                       f"use one of {', '.join(INDEXES)}")


class MarginaliaBackend:
    def __init__(self, key: str | None = None, *, index: str | int | None = None,
                 count: int = 20, filter: str | None = None,
                 base_url: str = API_URL, legacy_url: str = LEGACY_URL,
                 timeout: float = 15.0, min_interval: float = 1.0,
                 retry: RetryPolicy | None = None, sleep: Sleep | None = None) -> None:
        self.name = "marginalia"
        self.key = key or env(KEY_ENV) or PUBLIC_KEY
        if not 1 <= count <= MAX_COUNT:
            raise BackendError(f"search backend marginalia: count must be 1..{MAX_COUNT}, not {count}")
        self.count = count
        self.page_size = count
        self.index = None if index is None else _index_number(index)
        self.filter = filter
        self.base_url = base_url.rstrip("/")
        self.legacy_url = legacy_url.rstrip("/")
        where = f"index={self.index}" if self.index is not None else f"filter={filter or ''}"
        # The key is left out on purpose: results do not depend on it, and the cache
        # table is readable by anyone with the DB file.
        self.cache_id = f"marginalia {self.legacy_url if self.index is not None else self.base_url} {where}"
        options: dict[str, Any] = {"timeout": timeout, "min_interval": min_interval}
        if retry is not None:
            options["retry"] = retry
        if sleep is not None:
            options["sleep"] = sleep
        shared = self.key == PUBLIC_KEY
        hint = (f"the shared '{PUBLIC_KEY}' key is often rate-limited; set {KEY_ENV} to your own key"
                if shared else "")
        self.client = JsonClient(
            name="marginalia", keyed=True, quota_statuses=frozenset({429, 503}),
            secrets=() if shared else (self.key,), hint_quota=hint, **options)

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        require_page(self.name, page)
        if self.index is None:
            params: dict[str, Any] = {"query": query, "count": self.count, "page": page}
            if self.filter:
                params["filter"] = self.filter
            url = f"{self.base_url}/search?{urlencode(params)}"
            data = self.client.get_json(url, {"API-Key": self.key})
            return self._parse(url, data)
        wanted = page * self.count
        if wanted > MAX_COUNT:  # the legacy API cannot page past its 100-result window
            return []
        url = (f"{self.legacy_url}/{quote(self.key, safe='')}/search/{quote(query, safe='')}"
               f"?{urlencode({'count': wanted, 'index': self.index})}")
        return self._parse(url, self.client.get_json(url))[(page - 1) * self.count:]

    def _parse(self, url: str, data: Any) -> list[SearchResult]:
        try:
            return [
                SearchResult(text(r["url"]), text(r.get("title")), clean_snippet(r.get("description")),
                             "marginalia")
                for r in data["results"] if r.get("url")
            ]
        except (KeyError, TypeError, AttributeError):
            raise BackendError(f"{self.client.label(url)} did not answer Marginalia JSON") from None
