"""A small blocking HTTP client for the search backends (standard library only).

Why not Scrapy or aiohttp: discovery runs before the crawl, one query at a time, and
must space its calls (a free Brave plan allows 1 request/s; Marginalia's shared key
throttles hard), so a synchronous client with an explicit rate limiter is simplest.

Why http.client and not urllib: urllib always sends `Connection: close`, and SearXNG's
limiter refuses exactly that (searx/botdetection/http_connection.py), so no request
through urllib passes a limiter-protected instance.

Every failure becomes one `SearchFailure` line naming the backend and its host, the
server's own explanation when it gives one, and what kind of failure it is, so the
discovery loop knows whether to wait, skip the query, or stop asking that backend. Never
a traceback, never the URL's query string or path (a key may travel there) and never a
secret the backend registered: those are replaced by `***` as a last guard.
"""

from __future__ import annotations

import email.utils
import json
import random
import socket
import time
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

from prospector.discover.explain import server_says
from prospector.errors import BackendError

USER_AGENT = "Prospector/0.1 (+https://example.invalid/prospector; niche research crawler)"
# A search answer is a few tens of kB; refusing more keeps a misconfigured URL (a video,
# a dump) from filling memory.
MAX_BODY = 8 * 1024 * 1024
# Sent with every request: SearXNG's limiter refuses a request without an Accept-Language
# or without gzip/deflate in Accept-Encoding (searx/botdetection/http_accept_*.py), and
# a keep-alive connection header (http_connection.py refuses `close`).
BASE_HEADERS = {"Accept-Encoding": "gzip, deflate", "Accept-Language": "en-US,en;q=0.8",
                "Connection": "keep-alive", "User-Agent": USER_AGENT}
REDIRECTS = 5

Sleep = Callable[[float], None]
Clock = Callable[[], float]

# The failures after which a backend is not asked again this run (SearchFailure.kind);
# unreachable, server and rate failures are retried (bounded) and fail one query only.
STOPS_BACKEND = frozenset({"key", "daily", "limiter", "refused-all", "down"})  # no more queries


class SearchFailure(BackendError):
    """One search request failed for good. `kind`: unreachable (a timeout) | down
    (connection refused, unknown host: nothing listens there) | server | rate | daily |
    limiter | key | refused | refused-all | bad-answer | engines. `status` is the HTTP
    status (0 without an answer)."""

    def __init__(self, message: str, kind: str, status: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status

    @property
    def stops_backend(self) -> bool:
        return self.kind in STOPS_BACKEND


class RateLimiter:
    """At least `min_interval` seconds between the starts of two calls (monotonic clock).

    Clock and sleep are injectable so tests check the spacing without waiting."""

    def __init__(self, min_interval: float, *, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self.min_interval = max(0.0, min_interval)
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self._last is not None:
            delay = self._last + self.min_interval - now
            if delay > 0:
                self.sleep(delay)
                now = self.clock()
        self._last = now


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: at most `max_retries` more attempts, each wait capped at
    `max_delay` seconds (a Retry-After asking for longer is treated as spent quota)."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 10.0
    jitter: float = 0.25  # fraction of the delay added at random, so clients desynchronise

    def backoff(self, attempt: int, rand: float) -> float:
        """Delay before retry number `attempt` (1-based): exponential, jittered, capped."""
        delay = self.base_delay * 2.0 ** (attempt - 1)
        return min(self.max_delay, delay * (1.0 + self.jitter * rand))


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), None if absent."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names title-cased
    body: bytes

    @property
    def says(self) -> str:
        """The server's own explanation in the body, one short line ('' when none)."""
        return server_says(self.body, self.headers.get("Content-Type", ""))


@dataclass(frozen=True)
class Verdict:
    """What a non-2xx answer means: `kind` as SearchFailure's; `wait` seconds before
    trying again (None: do not retry)."""

    kind: str
    message: str
    wait: float | None = None


RetryAfter = Callable[[Mapping[str, str]], float | None]
# A backend's reading of an answer before the generic one; None: use the generic one.
Classify = Callable[[Answer, str, int], Verdict | None]


@dataclass
class JsonClient:
    """GET from one backend with its rate limit, timeouts, retries and error reading.

    `name` labels every error; `keyed` says whether 401/403 means the key was refused;
    `quota_statuses` are the statuses meaning "slow down / out of quota"; `classify` reads
    a backend's own refusals first (a daily limit, a limiter); `secrets` are scrubbed."""

    name: str
    timeout: float = 15.0
    min_interval: float = 0.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    keyed: bool = False
    quota_statuses: Collection[int] = frozenset({429})
    retry_after: RetryAfter = retry_after_header
    classify: Classify | None = None
    secrets: tuple[str, ...] = ()
    hint_quota: str = ""  # appended to a rate-limit line (Marginalia: the shared key)
    sleep: Sleep = time.sleep
    clock: Clock = time.monotonic
    rand: Callable[[], float] = random.random
    limiter: RateLimiter = field(init=False)
    requests_sent: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.min_interval, clock=self.clock, sleep=self.sleep)

    # -- public ------------------------------------------------------------------------
    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """The decoded JSON body of a 2xx answer to GET `url`; SearchFailure otherwise."""
        answer = self.get(url, {"Accept": "application/json", **(headers or {})})
        return self.decode(url, answer.body)

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Answer:
        """A 2xx answer to GET `url`, after bounded retries; SearchFailure otherwise."""
        label = self.label(url)
        attempts = self.retry.max_retries + 1
        verdict = Verdict("unreachable", f"{label} unreachable")
        status = 0
        for attempt in range(1, attempts + 1):
            self.limiter.wait()
            answer, failure = self._fetch(url, headers or {})
            status = answer.status if answer else 0
            if answer is None:
                kind = "unreachable" if "no answer within" in failure else "down"
                verdict = Verdict(kind, failure, self.retry.backoff(attempt, self.rand()))
            elif 200 <= answer.status < 300:
                return answer
            else:
                verdict = self.verdict(label, answer, attempt)
            if verdict.wait is None:
                self.fail(verdict.message, verdict.kind, status)
            if attempt < attempts:
                self.sleep(verdict.wait)
        suffix = f" (after {attempts} attempts)" if attempts > 1 else ""
        self.fail(f"{verdict.message}{suffix}", verdict.kind, status)

    def verdict(self, label: str, answer: Answer, attempt: int) -> Verdict:
        """How to read a non-2xx answer: the backend's rules first, then the generic ones."""
        own = self.classify(answer, label, attempt) if self.classify else None
        if own is not None:
            return own
        status, says = answer.status, answer.says
        told = f": {says}" if says else ""
        if status in (401, 403) and self.keyed:
            return Verdict("key", f"{label}: key refused (HTTP {status}){told}")
        if status in self.quota_statuses:
            asked = self.retry_after(answer.headers)
            hint = f"; {self.hint_quota}" if self.hint_quota else ""
            if asked is not None and asked > self.retry.max_delay:
                return Verdict("daily", f"{label}: quota spent (HTTP {status}); it asks to wait "
                               f"{duration(asked)}{told}{hint}")
            wait = asked if asked is not None else self.retry.backoff(attempt, self.rand())
            return Verdict("rate", f"{label}: rate limited (HTTP {status}){told}{hint}", wait)
        if status >= 500:  # its body is an error page or a traceback: nothing for the user
            return Verdict("server", f"{label} answered HTTP {status}",
                           self.retry.backoff(attempt, self.rand()))
        if 300 <= status < 400:  # only cross-host redirects get here
            return Verdict("refused-all", f"{label} redirected to another host (HTTP {status}); "
                           "give its final URL")
        if status in (401, 403):
            return Verdict("refused-all", f"{label} refused the request (HTTP {status}){told}")
        return Verdict("refused", f"{label} answered HTTP {status}{told}")

    def decode(self, url: str, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            self.fail(f"{self.label(url)} did not answer JSON", "bad-answer")

    def label(self, url: str) -> str:
        # Host and port only: paths and query strings may carry keys or user queries.
        parts = urlsplit(url)
        host = parts.hostname or "?"
        origin = f"{host}:{parts.port}" if parts.port else host
        return f"search backend {self.name} ({origin})"

    def fail(self, message: str, kind: str, status: int = 0) -> NoReturn:
        for secret in self.secrets:
            if secret:
                message = message.replace(secret, "***")
        raise SearchFailure(" ".join(message.split()), kind, status) from None

    # -- internals ---------------------------------------------------------------------
    def _fetch(self, url: str, headers: Mapping[str, str]) -> tuple[Answer | None, str]:
        """One request (same-host redirects followed): an answer with any status, or
        None and why it failed."""
        label = self.label(url)
        sent = {**BASE_HEADERS, **headers}
        self.requests_sent += 1
        for _ in range(REDIRECTS + 1):
            try:
                answer = _get_once(url, sent, self.timeout)
            except TimeoutError:
                return None, f"{label} unreachable: no answer within {self.timeout:g} s"
            except (OSError, HTTPException, ValueError) as exc:
                return None, f"{label} unreachable: {_reason(exc)}"
            location = answer.headers.get("Location", "")
            if answer.status not in (301, 302, 303, 307, 308) or not location:
                break
            target = urljoin(url, location)
            if urlsplit(target).hostname != urlsplit(url).hostname:
                # Never follow: the key headers would travel to whatever host it names.
                return answer, ""
            url = target
        if len(answer.body) > MAX_BODY:
            self.fail(f"{label} answered more than {MAX_BODY // (1024 * 1024)} MB; not a search API",
                      "bad-answer")
        return answer, ""


def _get_once(url: str, headers: Mapping[str, str], timeout: float) -> Answer:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {parts.scheme}://")
    kind = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", target, headers=dict(headers))
        response = conn.getresponse()
        raw = response.read(MAX_BODY + 1)
        got = {k.title(): v for k, v in response.getheaders()}
        return Answer(response.status, got, _decompress(raw, got.get("Content-Encoding", "")))
    finally:
        conn.close()


def _decompress(raw: bytes, encoding: str) -> bytes:
    """The body as sent before gzip/deflate (we ask for both, as the limiter wants)."""
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "deflate") or not raw:
        return raw
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
        return inflater.decompress(raw, MAX_BODY + 1)
    except zlib.error:
        try:  # some servers send raw deflate without the zlib header
            return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, MAX_BODY + 1)
        except zlib.error:
            raise ValueError(f"bad {encoding} body") from None


def duration(seconds: float) -> str:
    """'45 s', '12 min', '5 h', '16 days': a monthly quota's reset is unreadable in seconds."""
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _reason(exc: object) -> str:
    """A short, single-line cause: 'connection refused', 'Name or service not known'."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host ({exc.strerror or exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def get_json(url: str, headers: Mapping[str, str] | None = None, timeout: float = 15.0,
             *, name: str = "http") -> Any:
    """One-off GET of JSON with the default retry policy and no rate limit."""
    return JsonClient(name=name, timeout=timeout).get_json(url, headers)
