"""A real loopback HTTP server answering like SearXNG, Marginalia and Brave, error modes included.

One ThreadingHTTPServer in a thread serves every backend, dispatching on the path:

    /searxng/search?q&format=json&pageno        SearXNG JSON API
    /marginalia/search?query&count&page          Marginalia's current API (API-Key header)
    /marginalia-legacy/{key}/search/{query}      Marginalia's legacy API (?count&index)
    /brave/res/v1/web/search?q&count&offset      Brave web search (X-Subscription-Token)

The query text selects an error mode (a word in it): err401, err403, err429once (one
429 with Retry-After: 0, then answers), err429 (always 429), quota429 (Brave: monthly
quota spent, per its X-RateLimit headers), err503 (always 503), err500, err500once,
badjson, badshape, slow (answers after `slow_seconds`), empty. Every request is
recorded (path, parameters, headers) so tests check what was sent and how often.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BRAVE_KEY = "brave-secret-token-123"
MARGINALIA_KEY = "marginalia-secret-key-456"
MARGINALIA_KEYS = {MARGINALIA_KEY, "public"}


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
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.per_query.clear()

    def count(self, prefix: str = "/") -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path.startswith(prefix))


def _results(backend: str, query: str, start: int, n: int) -> list[dict[str, Any]]:
    """`n` deterministic results from rank `start` (0-based), in the backend's fields."""
    out: list[dict[str, Any]] = []
    for rank in range(start, start + n):
        url = f"http://site{rank}.test/{backend}"
        title = f"{query} result {rank}"
        if backend == "searxng":
            out.append({"url": url, "title": title, "content": f"about {query}",
                        "engine": "duckduckgo", "engines": ["duckduckgo"], "score": 1.0,
                        "category": "general", "parsed_url": ["http", f"site{rank}.test", "/"]})
        elif backend == "marginalia":
            out.append({"url": url, "title": title, "description": f"about {query} &amp; hives",
                        "quality": 1.5, "format": "HTML5", "details": ""})
        else:
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
    def _send(self, status: int, body: bytes | dict[str, Any], headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
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
            self._marginalia_legacy(parts.path, params)
        elif parts.path == "/brave/res/v1/web/search":
            self._brave(params)
        elif parts.path == "/redirect-away":
            # Same port, another host name: a client must not carry its key there.
            port = self.server.server_address[1]
            self._send(302, b"", {"Location": f"http://localhost:{port}/brave/res/v1/web/search?q=x"})
        else:
            self._send(404, b"not found\n", content_type="text/plain")

    def _mode(self, query: str, backend: str) -> tuple[str, int]:
        """The error mode a query asks for, and how many times it was asked before."""
        state = self.server.state
        with state.lock:
            seen = state.per_query[f"{backend}|{query}"]
            state.per_query[f"{backend}|{query}"] += 1
        for mode in ("err401", "err403", "err429once", "quota429", "err429", "err503",
                     "err500once", "err500", "badjson", "badshape", "slow", "empty"):
            if mode in query.split():
                return mode, seen
        return "", seen

    def _common_errors(self, mode: str, seen: int, error_body: dict[str, Any]) -> bool:
        """Answer the error modes every backend shares; True when answered."""
        if mode == "err429" or (mode == "err429once" and seen == 0):
            self._send(429, error_body, {"Retry-After": "0"})
        elif mode == "err503":
            self._send(503, b"<html>rate limited</html>", content_type="text/html")
        elif mode == "err500" or (mode == "err500once" and seen == 0):
            self._send(500, b"<html>Internal Server Error\nTraceback...</html>", content_type="text/html")
        elif mode == "badjson":
            self._send(200, b"<html>this is not JSON {</html>", content_type="text/html")
        elif mode == "slow":
            time.sleep(self.server.state.slow_seconds)
            self._send(200, {"results": []})
        else:
            return False
        return True

    # -- SearXNG -------------------------------------------------------------------------
    def _searxng(self, params: dict[str, str]) -> None:
        query = params.get("q", "")
        if params.get("format") != "json":
            self._send(403, b"403 Forbidden", content_type="text/html")
            return
        mode, seen = self._mode(query, "searxng")
        if mode in ("err401", "err403"):
            self._send(int(mode[3:]), b"Forbidden", content_type="text/html")
            return
        if self._common_errors(mode, seen, {"error": "Too Many Requests"}):
            return
        if mode == "badshape":
            self._send(200, {"query": query, "answers": []})
            return
        page = int(params.get("pageno", "1"))
        # 25 results in all: pages 1 and 2 full (10), page 3 has 5, page 4 none.
        n = 0 if mode == "empty" else max(0, min(10, 25 - (page - 1) * 10))
        self._send(200, {"query": query, "number_of_results": 25,
                         "results": _results("searxng", query, (page - 1) * 10, n),
                         "answers": [], "corrections": [], "infoboxes": [], "suggestions": [],
                         "unresponsive_engines": []})

    # -- Marginalia ----------------------------------------------------------------------
    def _marginalia_answer(self, query: str, mode: str, seen: int, start: int, count: int,
                           key_ok: bool) -> None:
        if mode == "err401" or not key_ok:
            self._send(401, b"Unauthorized", content_type="text/plain")
            return
        if mode == "err403":
            self._send(403, b"Forbidden", content_type="text/plain")
            return
        if self._common_errors(mode, seen, {"error": "rate limit"}):
            return
        if mode == "badshape":
            self._send(200, {"query": query, "license": "CC-BY-NC-SA 4.0"})
            return
        total = 0 if mode == "empty" else 45
        n = max(0, min(count, total - start))
        self._send(200, {"license": "CC-BY-NC-SA 4.0", "query": query,
                         "results": _results("marginalia", query, start, n)})

    def _marginalia(self, params: dict[str, str]) -> None:
        query = params.get("query", "")
        mode, seen = self._mode(query, "marginalia")
        key_ok = self.headers.get("API-Key", "") in MARGINALIA_KEYS
        count = int(params.get("count", "10"))
        page = int(params.get("page", "1"))
        self._marginalia_answer(query, mode, seen, (page - 1) * count, count, key_ok)

    def _marginalia_legacy(self, path: str, params: dict[str, str]) -> None:
        # /marginalia-legacy/{key}/search/{query}
        bits = path.split("/")
        if len(bits) != 5 or bits[3] != "search":
            self._send(404, b"not found\n", content_type="text/plain")
            return
        key, query = unquote(bits[2]), unquote(bits[4])
        mode, seen = self._mode(query, "marginalia")
        self._marginalia_answer(query, mode, seen, 0, int(params.get("count", "10")),
                                key in MARGINALIA_KEYS)

    # -- Brave ---------------------------------------------------------------------------
    def _brave_error(self, status: int, code: str, detail: str, headers: dict[str, str]) -> None:
        self._send(status, {"type": "ErrorResponse",
                            "error": {"id": "0b7f", "status": status, "code": code,
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
        if mode == "quota429":
            self._brave_error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.",
                              {**limits, "X-RateLimit-Remaining": "1, 0",
                               "X-RateLimit-Reset": "1, 1419704"})
            return
        if mode in ("err429", "err429once") and (mode == "err429" or seen == 0):
            # Brave sends no Retry-After: the per-second window's reset says when.
            self._brave_error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.",
                              {**limits, "X-RateLimit-Remaining": "0, 1500",
                               "X-RateLimit-Reset": "1, 1419704"})
            return
        if self._common_errors(mode, seen, {}):
            return
        if mode == "badshape":
            self._send(200, {"type": "search", "web": {"results": "nope"}})
            return
        count = int(params.get("count", "20"))
        offset = int(params.get("offset", "0"))
        start = offset * count
        total = 0 if mode == "empty" else 50
        n = max(0, min(count, total - start))
        body: dict[str, Any] = {"type": "search",
                                "query": {"original": query, "more_results_available": start + n < total}}
        if n:
            body["web"] = {"type": "search", "results": _results("brave", query, start, n),
                           "family_friendly": True}
        self._send(200, body, {**limits, "X-RateLimit-Remaining": "0, 1999",
                               "X-RateLimit-Reset": "1, 1419704"})


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
