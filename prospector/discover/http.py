"""A small blocking JSON-over-HTTP client for the search backends (standard library only).

Why not Scrapy or aiohttp: discovery runs before the crawl, one query at a time, and
must space its calls (a free Brave plan allows 1 request/s; Marginalia's shared key
throttles hard), so a synchronous client with an explicit rate limiter is simplest.

Every failure becomes one `BackendError` line naming the backend and its host, never a
traceback, never the URL's query string or path (a key may travel there) and never a
secret the backend registered: those are replaced by `***` as a last guard.
"""

from __future__ import annotations

import email.utils
import json
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPException
from typing import Any, NoReturn
from urllib.parse import urlsplit

from prospector.errors import BackendError

USER_AGENT = "Prospector/0.1 (+https://example.invalid/prospector; niche research crawler)"
# A search answer is a few tens of kB; refusing more keeps a misconfigured URL (a video,
# a dump) from filling memory.
MAX_BODY = 8 * 1024 * 1024

Sleep = Callable[[float], None]
Clock = Callable[[], float]


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
    `max_delay` seconds (a Retry-After asking for longer is treated as exhausted quota)."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 10.0
    jitter: float = 0.25  # fraction of the delay added at random, so clients desynchronise

    def backoff(self, attempt: int, rand: float) -> float:
        """Delay before retry number `attempt` (1-based): exponential, jittered, capped."""
        delay = self.base_delay * 2.0 ** (attempt - 1)
        return min(self.max_delay, delay * (1.0 + self.jitter * rand))


RetryAfter = Callable[[Mapping[str, str]], float | None]


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


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class JsonClient:
    """GET JSON from one backend with its rate limit, timeouts and retries.

    `name` labels every error; `keyed` says whether 401/403 means the key was refused;
    `quota_statuses` are the statuses meaning "slow down / out of quota" (429, and 503
    for Marginalia's shared key); `secrets` are scrubbed from every message."""

    name: str
    timeout: float = 15.0
    min_interval: float = 0.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    keyed: bool = False
    quota_statuses: Collection[int] = frozenset({429})
    retry_after: RetryAfter = retry_after_header
    secrets: tuple[str, ...] = ()
    hint_403: str = ""  # appended to an unkeyed 403 (SearXNG: format=json disabled)
    hint_quota: str = ""  # appended to "quota exhausted" (Marginalia: the shared key)
    sleep: Sleep = time.sleep
    clock: Clock = time.monotonic
    rand: Callable[[], float] = random.random
    opener: urllib.request.OpenerDirector | None = None
    limiter: RateLimiter = field(init=False)
    requests_sent: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.min_interval, clock=self.clock, sleep=self.sleep)
        if self.opener is None:
            self.opener = urllib.request.build_opener(_SameHostRedirects())

    # -- public ------------------------------------------------------------------------
    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """The decoded JSON body of a 2xx answer to GET `url`; BackendError otherwise."""
        label = self.label(url)
        attempts = self.retry.max_retries + 1
        failure = ""
        for attempt in range(1, attempts + 1):
            self.limiter.wait()
            answer, failure = self._fetch(url, headers or {})
            wait: float | None = None
            if answer is None:
                wait = self.retry.backoff(attempt, self.rand())
            elif 200 <= answer.status < 300:
                return self._decode(label, answer.body)
            elif answer.status in (401, 403) and self.keyed:
                self._fail(f"{label}: key refused (HTTP {answer.status})")
            elif answer.status in (401, 403):
                hint = f"; {self.hint_403}" if self.hint_403 and answer.status == 403 else ""
                self._fail(f"{label} refused the request (HTTP {answer.status}){hint}")
            elif answer.status in self.quota_statuses:
                asked = self.retry_after(answer.headers)
                hint = f"; {self.hint_quota}" if self.hint_quota else ""
                if asked is not None and asked > self.retry.max_delay:
                    self._fail(f"{label}: quota exhausted (HTTP {answer.status}); "
                               f"it asks to wait {_duration(asked)}{hint}")
                failure = f"{label}: quota exhausted (HTTP {answer.status}){hint}"
                wait = asked if asked is not None else self.retry.backoff(attempt, self.rand())
            elif answer.status >= 500:
                failure = f"{label} answered HTTP {answer.status}"
                wait = self.retry.backoff(attempt, self.rand())
            elif 300 <= answer.status < 400:
                # Only cross-host redirects get here (see _SameHostRedirects).
                self._fail(f"{label} redirected to another host (HTTP {answer.status}); "
                           "give its final URL")
            else:
                self._fail(f"{label} answered HTTP {answer.status}")
            if attempt < attempts and wait is not None:
                self.sleep(wait)
        self._fail(f"{failure} (after {attempts} attempts)" if attempts > 1 else failure)

    # -- internals ---------------------------------------------------------------------
    def label(self, url: str) -> str:
        # Host and port only: paths and query strings may carry keys or user queries.
        parts = urlsplit(url)
        host = parts.hostname or "?"
        origin = f"{host}:{parts.port}" if parts.port else host
        return f"search backend {self.name} ({origin})"

    def _fetch(self, url: str, headers: Mapping[str, str]) -> tuple[_Answer | None, str]:
        """One request: an answer with any status, or None and why it failed."""
        label = self.label(url)
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT, **headers})
        self.requests_sent += 1
        assert self.opener is not None
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_BODY + 1)
                status = int(response.status)
                got = {k.title(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read(MAX_BODY + 1)
            except (OSError, HTTPException):
                body = b""
            got = {k.title(): v for k, v in (exc.headers or {}).items()}
            exc.close()
            return _Answer(exc.code, got, body), ""
        except TimeoutError:
            return None, f"{label} unreachable: no answer within {self.timeout:g} s"
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return None, f"{label} unreachable: no answer within {self.timeout:g} s"
            return None, f"{label} unreachable: {_reason(reason)}"
        except (OSError, HTTPException) as exc:
            return None, f"{label} unreachable: {_reason(exc)}"
        if len(body) > MAX_BODY:
            self._fail(f"{label} answered more than {MAX_BODY // (1024 * 1024)} MB; not a search API")
        return _Answer(status, got, body), ""

    def _decode(self, label: str, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            self._fail(f"{label} did not answer JSON")

    def _fail(self, message: str) -> NoReturn:
        for secret in self.secrets:
            if secret:
                message = message.replace(secret, "***")
        raise BackendError(" ".join(message.split())) from None


def _duration(seconds: float) -> str:
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


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only within the same host: urllib would otherwise forward the
    key headers (X-Subscription-Token, API-Key) to whatever host a redirect names."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).hostname != urlsplit(req.full_url).hostname:
            raise urllib.error.HTTPError(req.full_url, code, f"redirect to another host: {msg}",
                                         headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def get_json(url: str, headers: Mapping[str, str] | None = None, timeout: float = 15.0,
             *, name: str = "http") -> Any:
    """One-off GET of JSON with the default retry policy and no rate limit."""
    return JsonClient(name=name, timeout=timeout).get_json(url, headers)
