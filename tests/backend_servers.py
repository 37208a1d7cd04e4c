"""A real loopback HTTP server answering as SearXNG, Marginalia and Brave answer, errors included.

Every behaviour is taken from the service's own source or API documentation, cited where
it is implemented. One ThreadingHTTPServer in a thread serves every backend, by path:

    /searxng/search?q&format&pageno              SearXNG's /search (JSON or the HTML page)
    /marginalia/search?query&count&page&filter   Marginalia's current (V2) API, API-Key header
    /marginalia-legacy/{key}/search/{query}      Marginalia's deprecated V1 API (?count&index&page)
    /brave/res/v1/web/search?q&count&offset      Brave web search (X-Subscription-Token)

`State` holds how the instance is configured (SearXNG's limiter and formats, Marginalia's
per-minute and daily limits, engines that fail) so a test sets up the service it needs.
A word in the query selects a fault no configuration produces (err500, slow, badjson…).
Every request is recorded (path, parameters, headers) so tests check what was sent.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

BRAVE_KEY = "brave-secret-token-123"
MARGINALIA_KEY = "marginalia-secret-key-456"
MARGINALIA_PAID_KEY = "POL-paid-key-789"  # paid keys (Polar) are V2-only
MARGINALIA_KEYS = {MARGINALIA_KEY, MARGINALIA_PAID_KEY, "public"}

# searx/botdetection/http_user_agent.py: User-Agents the limiter treats as bots (re.match).
_BOT_AGENTS = re.compile(r"(unknown|[Cc][Uu][Rr][Ll]|[wW]get|Scrapy|python-requests|Go-http-client"
                         r"|Java|okhttp|HttpClient|Python|libwww-perl|Ruby|HeadlessChrome)")
# searx/botdetection/ip_limit.py: API_WINDOW 3600 s, API_MAX 4 (requests with format != html);
# BURST_WINDOW 20 s, BURST_MAX 15 (every /search request).
API_WINDOW, API_MAX, BURST_WINDOW, BURST_MAX = 3600.0, 4, 20.0, 15
# Werkzeug's default page for flask.abort(403) (searx/webapp.py has no 403 handler).
WERKZEUG_403 = (b'<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n'
                b"<p>You don&#39;t have the permission to access the requested resource. It is either "
                b"read-protected or not readable by the server.</p>\n")


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]  # names lower-cased


@dataclass
class State:
    requests: list[Seen] = field(default_factory=list)
    per_query: Counter[str] = field(default_factory=Counter)
    slow_seconds: float = 1.0
    # SearXNG settings.yml: `server.limiter` and `search.formats`.
    searxng_limiter: bool = False
    searxng_formats: tuple[str, ...] = ("html", "json")
    # Engines suspended or CAPTCHA'd upstream: [engine, reason] pairs it reports.
    searxng_failing: list[list[str]] = field(default_factory=list)
    api_hits: list[float] = field(default_factory=list)
    burst_hits: list[float] = field(default_factory=list)
    # Marginalia RateLimiterService: queries a minute and a day per key (None: unlimited).
    marginalia_qpm: int | None = None
    marginalia_qpd: int | None = None
    marginalia_minute: list[float] = field(default_factory=list)
    marginalia_today: int = 0
    # Hosts results point at (a crawl test gives the sample web's); empty: siteN.test.
    hosts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            fresh = State()
            for name in ("per_query", "searxng_failing", "api_hits", "burst_hits",
                         "marginalia_minute", "requests", "hosts"):
                getattr(self, name).clear()
            self.slow_seconds = fresh.slow_seconds
            self.searxng_limiter, self.searxng_formats = False, fresh.searxng_formats
            self.marginalia_qpm = self.marginalia_qpd = None
            self.marginalia_today = 0

    def count(self, prefix: str = "/") -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path.startswith(prefix))


# SearXNG merges several engines' pages, so its pages vary in length and a later page may
# repeat a URL an earlier one gave (searx/results.py merges per page only).
SEARXNG_PAGES = (23, 17, 8)


def _host(rank: int, hosts: list[str]) -> str:
    return hosts[rank % len(hosts)] if hosts else f"site{rank}.test"


def _searxng_page(query: str, page: int, hosts: list[str]) -> list[dict[str, Any]]:
    if page > len(SEARXNG_PAGES):
        return []
    start = sum(SEARXNG_PAGES[: page - 1])
    ranks = list(range(start, start + SEARXNG_PAGES[page - 1]))
    if page > 1:
        ranks[-2:] = [start - 1, start - 2]  # two results the previous page already gave
    out = []
    for rank in ranks:
        host = _host(rank, hosts)
        out.append({  # searx/result_types/_base.py MainResult.as_dict(), as the JSON API sends it
            "url": f"http://{host}/searxng", "title": f"{query} result {rank}",
            "content": f"about {query}", "engine": "duckduckgo", "engines": ["duckduckgo", "brave"],
            "parsed_url": ["http", host, "/searxng", "", "", ""], "template": "default.html",
            "positions": [rank + 1], "score": round(2.0 / (rank + 1), 4), "category": "general",
            "publishedDate": "2025-03-01T00:00:00" if rank % 3 == 0 else None, "thumbnail": "",
            "priority": "", "img_src": ""})
    return out


def _results(backend: str, query: str, start: int, n: int, hosts: list[str]) -> list[dict[str, Any]]:
    """`n` deterministic results from rank `start` (0-based), in the backend's fields."""
    out: list[dict[str, Any]] = []
    for rank in range(start, start + n):
        url = f"http://{_host(rank, hosts)}/{backend}"
        if backend == "marginalia":  # nu/marginalia/api/model/ApiSearchResult.java
            out.append({"url": url, "title": f"{query} result {rank}",
                        "description": f"about {query} &amp; hives", "quality": -3.5 + rank / 10,
                        "format": "HTML5", "details": [[{"keyword": query.split()[0], "count": 2,
                                                         "flagsUnstableAPI": ["Title"]}]]})
        else:  # Brave's WebResult: api-dashboard.search.brave.com/api-reference/web/search/get
            out.append({"title": f"<strong>{query}</strong> result {rank}", "url": url,
                        "is_source_local": False, "is_source_both": False,
                        "description": f"all about <strong>{query}</strong>",
                        "profile": {"name": f"site{rank}", "url": url}, "language": "en",
                        "family_friendly": True, "type": "search_result", "subtype": "generic"})
    return out


class Handler(BaseHTTPRequestHandler):
    server: BackendServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the record
        pass

    # -- plumbing ------------------------------------------------------------------------
    def _send(self, status: int, body: bytes | dict[str, Any] | str,
              headers: dict[str, str] | None = None, content_type: str = "application/json") -> None:
        if isinstance(body, dict):
            data = json.dumps(body).encode()
        else:
            data = body.encode() if isinstance(body, str) else body
        extra = dict(headers or {})
        if "gzip" in self.headers.get("Accept-Encoding", "") and len(data) > 200:
            data = gzip.compress(data)  # what a real server behind nginx does
            extra["Content-Encoding"] = "gzip"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout test): nothing to answer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        state = self.server.state
        with state.lock:
            state.requests.append(Seen(parts.path, params, {k.lower(): v for k, v in self.headers.items()}))
        if parts.path == "/searxng/search":
            self._searxng(params)
        elif parts.path == "/marginalia/search":
            self._marginalia(params)
        elif parts.path.startswith("/marginalia-legacy/"):
            self._marginalia_v1(parts.path, params)
        elif parts.path == "/brave/res/v1/web/search":
            self._brave(params)
        elif parts.path == "/redirect-away":
            # Same port, another host name: a client must not carry its key there.
            port = self.server.server_address[1]
            self._send(302, b"", {"Location": f"http://localhost:{port}/brave/res/v1/web/search?q=x"})
        else:
            self._send(404, b"not found\n", content_type="text/plain")

    def _mode(self, query: str, backend: str) -> tuple[str, int]:
        """The fault a query asks for, and how many times it was asked before."""
        state = self.server.state
        with state.lock:
            seen = state.per_query[f"{backend}|{query}"]
            state.per_query[f"{backend}|{query}"] += 1
        for mode in ("err401", "err403", "err400", "err429once", "quota429", "err429",
                     "err500once", "err500", "badjson", "badshape", "slow", "empty"):
            if mode in query.split():
                return mode, seen
        return "", seen

    def _faults(self, mode: str, seen: int) -> bool:
        """Faults no configuration produces (a broken proxy, a crash); True when answered."""
        if mode == "err500" or (mode == "err500once" and seen == 0):
            self._send(500, b"<html>Internal Server Error\nTraceback...</html>", content_type="text/html")
        elif mode == "badjson":
            self._send(200, b"<html>this is not JSON {</html>", content_type="application/json")
        elif mode == "slow":
            time.sleep(self.server.state.slow_seconds)
            self._send(200, {"results": []})
        else:
            return False
        return True

    # -- SearXNG -------------------------------------------------------------------------
    def _searxng_limited(self, fmt: str) -> bool:
        """searx/botdetection/limiter.py: on /search, http_accept, http_accept_encoding,
        http_accept_language, http_connection, http_user_agent, then ip_limit; each refusal
        is _helpers.too_many_requests(): 429, body 'Too Many Requests' (text/html)."""
        h = self.headers
        encodings = [e.strip() for e in h.get("Accept-Encoding", "").split(",")]
        refused = (
            "text/html" not in h.get("Accept", "")  # http_accept.py
            or not ("gzip" in encodings or "deflate" in encodings)  # http_accept_encoding.py
            or not h.get("Accept-Language", "").strip()  # http_accept_language.py
            or h.get("Connection", "").strip() == "close"  # http_connection.py
            or bool(_BOT_AGENTS.match(h.get("User-Agent", "unknown"))))  # http_user_agent.py
        state, now = self.server.state, time.monotonic()
        with state.lock:
            if not refused and fmt != "html":  # ip_limit.py: the API window
                state.api_hits[:] = [t for t in state.api_hits if now - t < API_WINDOW] + [now]
                refused = len(state.api_hits) > API_MAX
            if not refused:
                state.burst_hits[:] = [t for t in state.burst_hits if now - t < BURST_WINDOW] + [now]
                refused = len(state.burst_hits) > BURST_MAX
        if refused:
            self._send(429, "Too Many Requests", content_type="text/html; charset=utf-8")
        return refused

    def _searxng(self, params: dict[str, str]) -> None:
        # searx/webapp.py search(): an unknown format is html; a known one not in
        # settings['search']['formats'] is flask.abort(403). The limiter runs before.
        fmt = params.get("format", "html")
        fmt = fmt if fmt in ("html", "json", "csv", "rss") else "html"
        if self.server.state.searxng_limiter and self._searxng_limited(fmt):
            return
        if fmt not in self.server.state.searxng_formats:
            self._send(403, WERKZEUG_403, content_type="text/html; charset=utf-8")
            return
        query = params.get("q", "")
        mode, seen = self._mode(query, "searxng")
        if not query or mode == "err400" or not params.get("pageno", "1").isdigit():
            # webapp.py index_error(): {'error': message} with 400 (SearxParameterException)
            bad = params.get("pageno")
            message = "No query" if not query else f'Invalid value "{bad}" for parameter pageno'
            self._send(400, {"error": message})
            return
        if self._faults(mode, seen):
            return
        if mode == "badshape":
            self._send(200, {"query": query, "answers": []})
            return
        page = max(1, int(params.get("pageno", "1")))
        failing = self.server.state.searxng_failing
        # Failing engines empty the page, unless others still answered ("someengines").
        emptied = (failing and "someengines" not in query.split()) or mode == "empty"
        results = [] if emptied else _searxng_page(query, page, self.server.state.hosts)
        if fmt == "html":
            self._send(200, _searxng_html(query, page, results, failing),
                       content_type="text/html; charset=utf-8")
            return
        # searx/webutils.py get_json_response(): current versions send no number_of_results;
        # unresponsive_engines is get_translated_errors(): [engine, error text] pairs.
        self._send(200, {"query": query, "results": results, "answers": [], "corrections": [],
                         "infoboxes": [], "suggestions": [], "unresponsive_engines": failing})

    # -- Marginalia ----------------------------------------------------------------------
    def _marginalia_limit(self, key: str) -> str:
        """nu/marginalia/api/ApiV2.java search(): isAllowedQPM, then isAllowedQPD; '' if allowed."""
        state, now = self.server.state, time.monotonic()
        with state.lock:
            state.marginalia_minute[:] = [t for t in state.marginalia_minute if now - t < 60]
            if state.marginalia_qpm is not None and len(state.marginalia_minute) >= state.marginalia_qpm:
                return "QPM Limit Exceeded"
            if state.marginalia_qpd is not None and state.marginalia_today >= state.marginalia_qpd:
                return "Daily Limit Exceeded"
            state.marginalia_minute.append(now)
            state.marginalia_today += 1
        return ""

    def _marginalia_body(self, query: str, mode: str, count: int, page: int) -> dict[str, Any]:
        # Pages of `count` over 45 hits; `page`/`pages` as the query service's JSON API sends
        # them (nu/marginalia/query/QueryWebApi.java: ApiSearchResults(query, page, pages, results)).
        total = 0 if mode == "empty" else 45
        start = (page - 1) * count
        n = max(0, min(count, total - start))
        return {"license": "CC-BY-NC-SA 4.0", "query": query, "page": page,
                "pages": (total + count - 1) // count,
                "results": _results("marginalia", query, start, n, self.server.state.hosts)}

    def _marginalia(self, params: dict[str, str]) -> None:
        # ApiV2.java search(): no API-Key → 400 ''; unknown key → 401 ''; no query → 400 ''.
        key = self.headers.get("API-Key")
        if key is None or "query" not in params:
            self._send(400, "", content_type="text/plain")
            return
        if key not in MARGINALIA_KEYS:
            self._send(401, "", content_type="text/plain")
            return
        query = params["query"]
        mode, seen = self._mode(query, "marginalia")
        if self._faults(mode, seen):
            return
        limit = self._marginalia_limit(key)
        if limit:
            # QPM: 429 and the text only. Daily: 429, the text, API-Event-Type from
            # DailyLimitState.OverLimitBlock and API-Remaining-Daily-Capacity. No Retry-After.
            extra = {"API-Event-Type": "OverLimitBlock", "API-Remaining-Daily-Capacity": "0"}
            self._send(429, limit, extra if limit.startswith("Daily") else {}, content_type="text/plain")
            return
        if mode == "badshape":
            self._send(200, {"query": query, "license": "CC-BY-NC-SA 4.0"})
            return
        count = max(1, min(100, int(params.get("count", "20"))))
        body = self._marginalia_body(query, mode, count, max(1, int(params.get("page", "1"))))
        self._send(200, body, {"API-Event-Type": "Success" if body["results"] else "NoResults",
                               "API-Remaining-Daily-Capacity": "1999"})

    def _marginalia_v1(self, path: str, params: dict[str, str]) -> None:
        # nu/marginalia/api/ApiV1.java: /api/v1/{key}/search/*; a key without ALLOW_V1_API
        # (the paid Polar keys) → 400 with an explanation; the QPM limit → 503, empty body.
        bits = path.split("/")
        if len(bits) != 5 or bits[3] != "search":
            self._send(404, b"not found\n", content_type="text/plain")
            return
        key, query = unquote(bits[2]), unquote(bits[4])
        if key not in MARGINALIA_KEYS:
            self._send(401, "", content_type="text/plain")
            return
        if key.startswith("POL"):
            self._send(400, "API key only valid for V2 API (this is the deprecated V1 API)",
                       content_type="text/plain")
            return
        mode, seen = self._mode(query, "marginalia")
        if self._faults(mode, seen):
            return
        if self._marginalia_limit(key):
            self._send(503, "", content_type="text/plain")
            return
        count = max(1, min(100, int(params.get("count", "20"))))
        self._send(200, self._marginalia_body(query, mode, count, max(1, int(params.get("page", "1")))))

    # -- Brave ---------------------------------------------------------------------------
    def _brave_error(self, status: int, code: str, detail: str, headers: dict[str, str]) -> None:
        # ErrorResponse, as Brave answers it (e.g. the 422 body quoted in
        # github.com/egoist/chatwise-releases/issues/936).
        self._send(status, {"type": "ErrorResponse",
                            "error": {"id": "0b7f2c1e", "status": status, "code": code,
                                      "detail": detail, "meta": {}},
                            "time": 1700000000}, headers)

    def _brave(self, params: dict[str, str]) -> None:
        query = params.get("q", "")
        mode, seen = self._mode(query, "brave")
        limits = {"X-RateLimit-Limit": "1, 2000", "X-RateLimit-Policy": "1;w=1, 2000;w=2592000"}
        if self.headers.get("X-Subscription-Token") != BRAVE_KEY or mode == "err401":
            self._brave_error(401, "SUBSCRIPTION_TOKEN_INVALID",
                              "The provided subscription token is invalid.", {})
            return
        if mode == "err403":
            self._brave_error(403, "OPTION_NOT_IN_PLAN", "The option is not in your plan.", {})
            return
        count, offset = int(params.get("count", "20")), int(params.get("offset", "0"))
        if not 1 <= count <= 20 or not 0 <= offset <= 9 or not query:
            # The API reference: count ≤ 20, offset ≤ 9; anything else is a 422 VALIDATION,
            # with the body quoted in the issue cited above (meta empty).
            self._brave_error(422, "VALIDATION", "Unable to validate request parameter(s)", {})
            return
        if mode == "quota429" or (mode in ("err429", "err429once") and (mode == "err429" or seen == 0)):
            # No Retry-After: X-RateLimit-Remaining/Reset say which window is spent.
            remaining = "1, 0" if mode == "quota429" else "0, 1500"
            self._brave_error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.",
                              {**limits, "X-RateLimit-Remaining": remaining,
                               "X-RateLimit-Reset": "1, 1419704"})
            return
        if self._faults(mode, seen):
            return
        if mode == "badshape":
            self._send(200, {"type": "search", "web": {"results": "nope"}})
            return
        # Brave often returns fewer than `count` and says whether more exist.
        total = 0 if mode == "empty" else 50
        start = offset * count
        n = max(0, min(count - 3 if offset == 0 else count, total - start))
        body: dict[str, Any] = {"type": "search", "query": {
            "original": query, "more_results_available": start + count < total}}
        if n:
            body["web"] = {"type": "search", "results": _results("brave", query, start, n,
                                                                 self.server.state.hosts),
                           "family_friendly": True}
        self._send(200, body, {**limits, "X-RateLimit-Remaining": "0, 1999",
                               "X-RateLimit-Reset": "1, 1419704"})


def _searxng_html(query: str, page: int, results: list[dict[str, Any]], failing: list[list[str]]) -> str:
    """The results page of SearXNG's `simple` theme: each result from macros.html
    result_header()/result_sub_footer() (article.result > a.url_wrapper, h3 > a,
    p.content, div.engines); the next-page form with a hidden pageno input (results.html);
    unresponsive engines in #engines_msg."""
    items = []
    for r in results:
        url, title = escape(r["url"]), escape(r["title"])
        items.append(
            f'<article class="result result-default category-general duckduckgo">'
            f'<a href="{url}" class="url_wrapper" rel="noreferrer"><span class="url_o1">'
            f'<span class="url_i1">{url}</span></span></a>'
            f'<h3><a href="{url}" rel="noreferrer">{title}</a></h3>'
            f'<p class="content">{escape(r["content"])}</p>'
            f'<div class="engines"><span>duckduckgo</span><span>brave</span>'
            f'<a href="https://web.archive.org/web/{url}" class="cache_link" rel="noreferrer">cached</a>'
            f'</div><div class="break"></div></article>')
    # results.html: #engines_msg > table.engine-stats, a row per failed engine
    # (td.engine-name, td.response-error), and the "Sorry!" dialog when nothing was found.
    errors = "".join(f'<tr><td class="engine-name"><a href="/stats?engine={escape(e)}">{escape(e)}</a>'
                     f'</td><td class="response-error">{escape(m)}</td></tr>' for e, m in failing)
    engines_msg = (f'<div id="engines_msg"><table class="engine-stats" id="engines_msg-table">'
                   f'{errors}</table></div>' if failing else "")
    if not results:
        items.append('<div class="dialog-error-block" role="alert"><p><strong>Sorry!</strong></p>'
                     '<p>No results were found.</p></div>')
    nxt = (f'<form method="GET" action="/search" class="next_page"><input type="hidden" name="q" '
           f'value="{escape(query)}"><input type="hidden" name="pageno" value="{page + 1}">'
           f'<button type="submit" role="link">Next page</button></form>' if results else "")
    return (f'<!DOCTYPE html><html class="no-js theme-auto" lang="en"><head><title>{escape(query)} - '
            f'SearXNG</title></head><body class="results_endpoint"><main id="main_results">'
            f'<div id="sidebar">{engines_msg}</div><div id="urls" role="main">{"".join(items)}</div>'
            f'<nav id="pagination" role="navigation">{nxt}</nav></main></body></html>')


class BackendServer(ThreadingHTTPServer):
    daemon_threads = True
    state: State

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out closed its end; not a test failure


@dataclass
class Running:
    server: BackendServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def state(self) -> State:
        return self.server.state


@contextmanager
def serve() -> Iterator[Running]:
    """The server on a free loopback port, in a thread, for the duration of the block."""
    server = BackendServer(("127.0.0.1", 0), Handler)
    server.state = State()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield Running(server, thread)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fixtures() -> tuple[Any, Any]:
    """A test module's fixtures: `server, srv = fixtures()`. `server`: one server for the
    module; `srv`: that server as a fresh instance (no requests, no limits, defaults)."""

    @pytest.fixture(scope="module")
    def server() -> Iterator[Running]:
        with serve() as running:
            yield running

    @pytest.fixture
    def srv(server: Running) -> Running:
        server.state.reset()
        return server

    return server, srv
