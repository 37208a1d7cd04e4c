"""SearXNG's JSON API (self-hosted), and the sample web, which answers in its shape.

Implemented shape (SearXNG docs, "Search API", docs.searxng.org/dev/search_api.html):
GET {base}/search?q=…&format=json&pageno=N (1-based) → {"query", "number_of_results",
"results": [{"url", "title", "content", "engine", …}], "answers", "suggestions",
"unresponsive_engines"}. format=json must be enabled in the instance's settings.yml
(`search.formats`), else it answers 403; its limiter answers 429.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from prospector.discover.backends.base import SearchResult, env, require_page, text
from prospector.discover.http import JsonClient, RetryPolicy, Sleep
from prospector.errors import BackendError

SEARXNG_ENV = "PROSPECTOR_SEARXNG_URL"
SAMPLEWEB_ENV = "PROSPECTOR_SAMPLEWEB_URL"
# `prospector sampleweb serve` listens here by default.
SAMPLEWEB_DEFAULT = "http://127.0.0.1:8800"
# SearXNG does not let a client choose the page length; its default is 10.
SEARXNG_PAGE_SIZE = 10


class SearxngBackend:
    """A SearXNG instance (or anything speaking its JSON API)."""

    def __init__(self, base_url: str | None = None, *, name: str = "searxng",
                 timeout: float = 15.0, min_interval: float = 1.0,
                 retry: RetryPolicy | None = None, sleep: Sleep | None = None,
                 page_size: int = SEARXNG_PAGE_SIZE) -> None:
        base = base_url or env(SEARXNG_ENV)
        if not base:
            raise BackendError(f"search backend {name}: no base URL; give --search URL or set "
                               f"{SEARXNG_ENV}")
        if not base.startswith(("http://", "https://")):
            raise BackendError(f"search backend {name}: base URL must start with http:// or https://")
        self.name = name
        self.base_url = base.rstrip("/")
        self.cache_id = f"{name} {self.base_url}"
        self.page_size = page_size
        options: dict[str, Any] = {"timeout": timeout, "min_interval": min_interval,
                                   "hint_403": "is format=json enabled in its settings.yml?"}
        if retry is not None:
            options["retry"] = retry
        if sleep is not None:
            options["sleep"] = sleep
        self.client = JsonClient(name=name, **options)

    def url(self, query: str, page: int) -> str:
        return f"{self.base_url}/search?{urlencode({'q': query, 'format': 'json', 'pageno': page})}"

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        require_page(self.name, page)
        url = self.url(query, page)
        data = self.client.get_json(url)
        try:
            return [
                SearchResult(text(r["url"]), text(r.get("title")), text(r.get("content")),
                             text(r.get("engine")) or self.name)
                for r in data["results"] if r.get("url")
            ]
        except (KeyError, TypeError, AttributeError):
            raise BackendError(f"{self.client.label(url)} did not answer SearXNG JSON") from None


def sampleweb_backend(base_url: str | None = None, **options: Any) -> SearxngBackend:
    """The bundled sample web's /search: SearXNG's shape, on loopback, no politeness wait."""
    options.setdefault("min_interval", 0.0)
    return SearxngBackend(base_url or env(SAMPLEWEB_ENV) or SAMPLEWEB_DEFAULT,
                          name="sampleweb", **options)
