"""SearXNG (self-hosted or public), and the sample web, which answers in its shape.

Implemented as SearXNG's source answers (searx/webapp.py search(), searx/webutils.py
get_json_response(), searx/botdetection/):

* GET {base}/search?q=…&format=json&pageno=N (1-based) → {"query", "results": [{"url",
  "title", "content", "engine", "engines", "parsed_url", "score", "category",
  "publishedDate", …}], "answers", "suggestions", "unresponsive_engines": [[engine,
  reason], …]}; current versions send no number_of_results. Pages merge several
  engines, so their lengths vary and a page may repeat a URL: paging goes on until a
  page adds no new URL.
* format=json not in settings.yml `search.formats` (the default) → 403 with Werkzeug's
  HTML page: we read the HTML results page (format=html) instead, with beautifulsoup4.
* an engine CAPTCHA'd or suspended upstream → 200, results [] and unresponsive_engines
  filled: a failure, never "no results", never cached.
* `server.limiter: true` → 429 'Too Many Requests' (HTML) for a request without
  text/html in Accept, gzip/deflate in Accept-Encoding, an Accept-Language, or with
  Connection: close, and past 4 API (non-HTML) requests an hour per IP. We send
  browser-like headers; a 429 stops this backend for the run (retrying spends the
  hourly allowance) with a line that names the limiter.
* a bad parameter → 400 {"error": message}.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from prospector.discover.backends.base import SearchPage, SearchResult, env, require_page, text
from prospector.discover.http import Answer, JsonClient, RetryPolicy, SearchFailure, Sleep, Verdict
from prospector.errors import BackendError

SEARXNG_ENV = "PROSPECTOR_SEARXNG_URL"
SAMPLEWEB_ENV = "PROSPECTOR_SAMPLEWEB_URL"
# `prospector sampleweb serve` listens here by default.
SAMPLEWEB_DEFAULT = "http://127.0.0.1:8800"
# What a browser asks for; the limiter wants text/html in it (http_accept.py).
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"
LIMITER_HINT = ("its limiter allows a few API requests an hour per address; use your own instance "
                "(deploy/searxng in Prospector's repository) or another --backend")


def _classify(answer: Answer, label: str, attempt: int) -> Verdict | None:
    if answer.status == 429:
        said = answer.says or "Too Many Requests"
        return Verdict("limiter", f"{label}: refused by the instance's limiter (HTTP 429 "
                       f"'{said}'); {LIMITER_HINT}")
    return None


def engines_failed(pairs: Any) -> str:
    """'google (CAPTCHA), bing (timeout)' from unresponsive_engines; '' when none."""
    out = []
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list | tuple) and pair:
            reason = f" ({pair[1]})" if len(pair) > 1 and pair[1] else ""
            out.append(f"{pair[0]}{reason}")
    return ", ".join(out)


class SearxngBackend:
    """A SearXNG instance (or anything speaking its JSON API)."""

    dialect = "searxng"

    def __init__(self, base_url: str | None = None, *, name: str = "searxng",
                 timeout: float = 15.0, min_interval: float = 1.5,
                 retry: RetryPolicy | None = None, sleep: Sleep | None = None,
                 html: bool = False) -> None:
        base = base_url or env(SEARXNG_ENV)
        if not base:
            raise BackendError(f"search backend {name}: no base URL; give --search URL or set "
                               f"{SEARXNG_ENV}")
        if not base.startswith(("http://", "https://")):
            raise BackendError(f"search backend {name}: base URL must start with http:// or https://")
        self.name = name
        self.base_url = base.rstrip("/")
        self.cache_id = f"{name} {self.base_url}"
        self.html = html  # read the HTML results page: format=json is off there
        self.notices: list[str] = []
        # 1.5 s apart stays under the limiter's burst window (15 requests in 20 s).
        options: dict[str, Any] = {"timeout": timeout, "min_interval": min_interval,
                                   "classify": _classify}
        if retry is not None:
            options["retry"] = retry
        if sleep is not None:
            options["sleep"] = sleep
        self.client = JsonClient(name=name, **options)

    def url(self, query: str, page: int, fmt: str = "json") -> str:
        params: dict[str, Any] = {"q": query, "pageno": page}
        if fmt != "html":
            params["format"] = fmt
        return f"{self.base_url}/search?{urlencode(params)}"

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        return list(self.search_page(query, page).results)

    def search_page(self, query: str, page: int = 1) -> SearchPage:
        require_page(self.name, page)
        if not self.html:
            url = self.url(query, page)
            try:
                data = self.client.get_json(url, {"Accept": BROWSER_ACCEPT})
            except SearchFailure as failure:
                if failure.status != 403:
                    raise
                self.html = True
                self.notices.append(f"{self.client.label(url)}: format=json is not enabled there "
                                    "(HTTP 403); reading its HTML results page instead")
            else:
                return self._from_json(url, data)
        url = self.url(query, page, "html")
        answer = self.client.get(url, {"Accept": BROWSER_ACCEPT})
        return self._checked(url, *_from_html(answer.body, page))

    def _from_json(self, url: str, data: Any) -> SearchPage:
        try:
            hits = tuple(SearchResult(text(r["url"]), text(r.get("title")), text(r.get("content")),
                                      text(r.get("engine")) or self.name)
                         for r in data["results"] if r.get("url"))
        except (KeyError, TypeError, AttributeError):
            self.client.fail(f"{self.client.label(url)} did not answer SearXNG JSON", "bad-answer")
        return self._checked(url, hits, None, engines_failed(data.get("unresponsive_engines")))

    def _checked(self, url: str, hits: tuple[SearchResult, ...], more: bool | None,
                 failed: str) -> SearchPage:
        if failed and not hits:
            # Engines are suspended for 180-3600 s (settings.yml suspended_times): this is
            # no answer at all, and asking again now would only meet the same suspension.
            self.client.fail(f"{self.client.label(url)}: no results because its engines failed: "
                             f"{failed}; not cached, ask again later", "engines")
        note = f"engines failed: {failed}" if failed else ""
        return SearchPage(hits, more, complete=not failed, note=note)


def _from_html(body: bytes, page: int) -> tuple[tuple[SearchResult, ...], bool, str]:
    """Results, whether a next page exists, and failed engines, from the `simple` theme's
    results page (macros.html result_header(): article.result, its h3 > a and p.content;
    results.html: the next-page form's hidden pageno, #engines_msg's table)."""
    soup = BeautifulSoup(body, "html.parser")
    hits = []
    for article in soup.select("article.result"):
        link = article.select_one("h3 a[href]") or article.select_one("a[href]")
        if link is None:
            continue
        content = article.select_one("p.content")
        engines = [s.get_text(strip=True) for s in article.select("div.engines span")]
        hits.append(SearchResult(str(link["href"]), link.get_text(" ", strip=True),
                                 content.get_text(" ", strip=True) if content else "",
                                 engines[0] if engines else "searxng"))
    more = any(i.get("value") == str(page + 1)
               for i in soup.select('#pagination input[name="pageno"]'))
    failed = [(row.select_one(".engine-name"), row.select_one(".response-error"))
              for row in soup.select("#engines_msg tr")]
    note = ", ".join(f"{n.get_text(strip=True)} ({e.get_text(strip=True)})" if e else n.get_text(strip=True)
                     for n, e in failed if n is not None)
    return tuple(hits), more, note


def sampleweb_backend(base_url: str | None = None, **options: Any) -> SearxngBackend:
    """The bundled sample web's /search: SearXNG's shape, on loopback, no politeness wait."""
    options.setdefault("min_interval", 0.0)
    return SearxngBackend(base_url or env(SAMPLEWEB_ENV) or SAMPLEWEB_DEFAULT,
                          name="sampleweb", **options)
