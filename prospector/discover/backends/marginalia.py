"""Marginalia Search: an independent index strong on blogs, forums and hobby sites.

Only the current (V2) API is used, as documented at about.marginalia-search.com/article/api
(updated 2025-12-08) and implemented in nu/marginalia/api/ApiV2.java:

* GET https://api2.marginalia-search.com/search?query=…&count=1..100&page=N (1-indexed)
  [&filter=NAME], key in the `API-Key` header; the key `public` works for anyone (shared
  by all its users, often rate-limited, no custom filters).
* 200 → {"license", "query", "results": [{"url", "title", "description", "quality",
  "format", "details"}]}; a self-hosted query service also sends "page" and "pages"
  (nu/marginalia/query/QueryWebApi.java), which then say when paging ends.
* no API-Key → 400 ''; unknown key → 401 ''.
* over the per-minute limit → 429 text `QPM Limit Exceeded`; over the daily limit → 429
  text `Daily Limit Exceeded` with `API-Event-Type: OverLimitBlock`; no Retry-After.
  The first waits and tries again; the second stops Marginalia for the run and says so.
  Older deployments answer a rate limit with 503 (the legacy API page): read as per-minute.

Filters: the legacy `index` numbers are served, in nu/marginalia/api/ApiSearchOperator.java
selectFilter(), as 0 → no filter, 1 → small web, 2 → popular, anything else → no filter.
The filter names are SearchFilterDefaults' (SMALLWEB, POPULAR, BLOGOSPHERE, FORUM…).
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from prospector.discover.backends.base import SearchPage, SearchResult, clean_snippet, env, require_page, text
from prospector.discover.http import Answer, JsonClient, RetryPolicy, Sleep, Verdict
from prospector.errors import BackendError

KEY_ENV = "PROSPECTOR_MARGINALIA_KEY"
URL_ENV = "PROSPECTOR_MARGINALIA_URL"
PUBLIC_KEY = "public"
API_URL = "https://api2.marginalia-search.com"
MAX_COUNT = 100
# Old --marginalia-index values (numbers, and the names Prospector used to give them)
# → the filter Marginalia serves for that number today; None is no filter.
INDEX_FILTERS: dict[str, str | None] = {
    "0": None, "1": "smallweb", "2": "popular",
    "popular": None, "blogs": "smallweb", "big_sites": "popular", "default": None,
    "experimental": None, "none": None,
}
# nu/marginalia/api/searchquery/model/SearchFilterDefaults.java
FILTERS = ("popular", "smallweb", "blogosphere", "no_filter", "vintage", "tilde", "academia",
           "plain_text", "food", "forum", "wiki", "docs")


def filter_for_index(index: str | int) -> str | None:
    """The current filter an old index value selects; BackendError for an unknown one."""
    key = str(index).strip().lower()
    if key in INDEX_FILTERS:
        return INDEX_FILTERS[key]
    if key.isdigit():
        return None  # selectFilter(): any other number is no filter
    raise BackendError(f"search backend marginalia: unknown index {index!r}; use --marginalia-filter "
                       f"with one of {', '.join(FILTERS)}")


def _classify(answer: Answer, label: str, attempt: int, hint: str = "") -> Verdict | None:
    said = answer.says
    hint = f"; {hint}" if hint else ""
    daily = "Daily Limit" in said or answer.headers.get("Api-Event-Type", "") == "OverLimitBlock"
    if answer.status == 429 and daily:
        return Verdict("daily", f"{label}: daily limit reached (HTTP 429 '{said or 'OverLimitBlock'}'); "
                       f"no more Marginalia queries this run{hint}")
    if answer.status in (429, 503):
        # A minute's window: wait as long as the policy allows, then try again.
        told = f" '{said}'" if said else ""
        return Verdict("rate", f"{label}: per-minute limit reached (HTTP {answer.status}{told}){hint}",
                       10.0)
    if answer.status == 400:
        return Verdict("refused-all", f"{label} refused the request (HTTP 400)"
                       + (f": {said}" if said else ": is the API-Key header sent?"))
    return None


class MarginaliaBackend:
    dialect = "marginalia"

    def __init__(self, key: str | None = None, *, filter: str | None = None,
                 index: str | int | None = None, count: int = 20, base_url: str | None = None,
                 timeout: float = 15.0, min_interval: float = 1.0,
                 retry: RetryPolicy | None = None, sleep: Sleep | None = None) -> None:
        self.name = "marginalia"
        self.key = key or env(KEY_ENV) or PUBLIC_KEY
        if not 1 <= count <= MAX_COUNT:
            raise BackendError(f"search backend marginalia: count must be 1..{MAX_COUNT}, not {count}")
        self.count = count
        self.notices: list[str] = []
        if index is not None and filter is None:
            filter = filter_for_index(index)
            self.notices.append(f"--marginalia-index {index} is served by Marginalia today as "
                                f"{'filter ' + filter if filter else 'no filter'}; use "
                                "--marginalia-filter NAME to choose one")
        self.filter = filter
        self.base_url = (base_url or env(URL_ENV) or API_URL).rstrip("/")
        # The key is left out on purpose: results do not depend on it, and the cache
        # table is readable by anyone with the DB file.
        self.cache_id = f"marginalia {self.base_url} filter={filter or ''}"
        options: dict[str, Any] = {"timeout": timeout, "min_interval": min_interval}
        if retry is not None:
            options["retry"] = retry
        if sleep is not None:
            options["sleep"] = sleep
        shared = self.key == PUBLIC_KEY
        hint = (f"the shared '{PUBLIC_KEY}' key is used by everyone; set {KEY_ENV} to your own key"
                if shared else "")
        self.client = JsonClient(name="marginalia", keyed=True, classify=partial(_classify, hint=hint),
                                 secrets=() if shared else (self.key,), hint_quota=hint, **options)

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        return list(self.search_page(query, page).results)

    def search_page(self, query: str, page: int = 1) -> SearchPage:
        require_page(self.name, page)
        params: dict[str, Any] = {"query": query, "count": self.count, "page": page}
        if self.filter:
            params["filter"] = self.filter
        url = f"{self.base_url}/search?{urlencode(params)}"
        data = self.client.get_json(url, {"API-Key": self.key})
        try:
            hits = tuple(SearchResult(text(r["url"]), text(r.get("title")),
                                      clean_snippet(r.get("description")), "marginalia")
                         for r in data["results"] if r.get("url"))
        except (KeyError, TypeError, AttributeError):
            self.client.fail(f"{self.client.label(url)} did not answer Marginalia JSON", "bad-answer")
        pages = data.get("pages")
        # Without page/pages (the public API) a short page proves nothing: results are
        # capped per domain (dc), so paging goes on until a page adds no new URL.
        more = page < pages if isinstance(pages, int) and not isinstance(pages, bool) else None
        return SearchPage(hits, more)
