"""Search backends against a real loopback server answering as SearXNG, Marginalia and
Brave answer (tests/backend_servers.py cites where each behaviour comes from). No internet."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from prospector.discover.backends import (
    BraveBackend,
    MarginaliaBackend,
    SearchBackend,
    SearxngBackend,
    make_backend,
)
from prospector.discover.backends.brave import brave_retry_after
from prospector.discover.http import JsonClient, RateLimiter, RetryPolicy, SearchFailure, retry_after_header
from prospector.errors import BackendError, ExitCode
from prospector.sampleweb.proc import SampleWebProcess
from tests.backend_servers import BRAVE_KEY, MARGINALIA_KEY, MARGINALIA_PAID_KEY, Running, fixtures

server, srv = fixtures()


class Sleeps:
    """An injectable sleep that records instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()  # nothing listens there now
    return port


def searxng(srv: Running, sleeps: Sleeps, **kw: Any) -> SearxngBackend:
    return SearxngBackend(f"{srv.url}/searxng", sleep=sleeps, min_interval=0, **kw)


def marginalia(srv: Running, sleeps: Sleeps, **kw: Any) -> MarginaliaBackend:
    return MarginaliaBackend(base_url=f"{srv.url}/marginalia", sleep=sleeps, min_interval=0, **kw)


def brave(srv: Running, sleeps: Sleeps, **kw: Any) -> BraveBackend:
    kw.setdefault("key", BRAVE_KEY)
    return BraveBackend(base_url=f"{srv.url}/brave/res/v1/web/search", sleep=sleeps,
                        min_interval=0, **kw)


ALL: dict[str, Callable[..., SearchBackend]] = {"searxng": searxng, "marginalia": marginalia, "brave": brave}


def failure(call: Callable[[], object], kind: str, *wording: str) -> str:
    """The one-line SearchFailure `call` raises, checked for its kind and words."""
    with pytest.raises(SearchFailure) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert info.value.code == ExitCode.BACKEND
    assert info.value.kind == kind, message
    for words in wording:
        assert words in message, message
    return message


# -- SearXNG --------------------------------------------------------------------------------
def test_searxng_pages_vary_and_headers_pass_a_limiter(srv: Running, sleeps: Sleeps) -> None:
    backend = searxng(srv, sleeps)
    pages = [backend.search_page("beekeeping forum", page) for page in (1, 2, 3, 4)]
    assert [len(p.results) for p in pages] == [23, 17, 8, 0]
    first = pages[0].results[0]
    assert (first.url, first.title, first.content, first.engine) == (
        "http://site0.test/searxng", "beekeeping forum result 0", "about beekeeping forum", "duckduckgo")
    assert all(p.more is None and p.complete for p in pages)  # SearXNG does not say
    sent = srv.state.requests
    assert [r.params for r in sent] == [
        {"q": "beekeeping forum", "format": "json", "pageno": str(p)} for p in (1, 2, 3, 4)]
    for request in sent:  # what searx/botdetection checks
        assert "text/html" in request.headers["accept"]
        assert "gzip" in request.headers["accept-encoding"]
        assert request.headers["accept-language"]
        assert request.headers["connection"] == "keep-alive"


def test_failure_1_limiter_protected_searxng(srv: Running, sleeps: Sleeps) -> None:
    """Failure 1: a limiter-protected instance answers our requests, and its API cap ends
    with one line naming the limiter, not "quota exhausted", and no retries."""
    srv.state.searxng_limiter = True
    backend = searxng(srv, sleeps)
    assert [len(backend.search_page("bees", p).results) for p in (1, 2, 3, 4)] == [23, 17, 8, 0]
    message = failure(lambda: backend.search_page("bees blog"), "limiter",
                      "refused by the instance's limiter (HTTP 429 'Too Many Requests')",
                      "deploy/searxng")
    assert "quota" not in message
    assert srv.state.count() == 5 and sleeps.calls == []  # the refusal is not retried
    assert SearchFailure(message, "limiter").stops_backend  # no more queries to it this run


def test_the_mock_limiter_refuses_what_the_old_client_sent(srv: Running) -> None:
    """The mock is only worth its tests if it refuses what the real limiter refuses:
    urllib's `Connection: close`, an Accept without text/html, no Accept-Language."""
    srv.state.searxng_limiter = True
    request = urllib.request.Request(f"{srv.url}/searxng/search?q=bees&format=json",
                                     headers={"Accept": "application/json", "User-Agent": "Prospector/0.1"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 429 and info.value.read() == b"Too Many Requests"


def test_failure_9_json_off_reads_the_html_results_page(srv: Running, sleeps: Sleeps) -> None:
    """Failure 9: SearXNG's default settings (format=json off) answer 403; the HTML page is read."""
    srv.state.searxng_formats = ("html",)
    backend = searxng(srv, sleeps)
    first = backend.search_page("beekeeping", 1)
    assert len(first.results) == 23 and first.more is True
    assert first.results[0].url == "http://site0.test/searxng"
    assert first.results[0].title == "beekeeping result 0"
    assert first.results[0].content == "about beekeeping"
    assert any("format=json is not enabled" in n for n in backend.notices)
    assert [len(backend.search_page("beekeeping", p).results) for p in (2, 3)] == [17, 8]
    last = backend.search_page("beekeeping", 4)
    assert last.results == () and last.more is False
    # One 403, then only the HTML page: no format parameter at all.
    assert [r.params.get("format") for r in srv.state.requests] == ["json", None, None, None, None]


def test_failure_2_failing_engines_are_a_failure_not_an_empty_answer(srv: Running, sleeps: Sleeps) -> None:
    """Failure 2: 200 with results [] and unresponsive_engines is engines failing."""
    srv.state.searxng_failing = [["google", "CAPTCHA"], ["duckduckgo", "Suspended: too many requests"]]
    failure(lambda: searxng(srv, sleeps).search_page("bees"), "engines",
            "its engines failed: google (CAPTCHA), duckduckgo (Suspended: too many requests)",
            "not cached")
    partial = searxng(srv, sleeps).search_page("bees someengines")
    assert len(partial.results) == 23 and not partial.complete and "google (CAPTCHA)" in partial.note
    srv.state.searxng_formats = ("html",)  # the HTML page reports them too
    failure(lambda: searxng(srv, sleeps).search_page("bees"), "engines", "google (CAPTCHA)")


def test_failure_7_searxng_400_says_why(srv: Running, sleeps: Sleeps) -> None:
    failure(lambda: searxng(srv, sleeps).search_page("bees err400"), "refused",
            "answered HTTP 400: Invalid value \"1\" for parameter pageno")


def test_searxng_base_from_environment(srv: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPECTOR_SEARXNG_URL", f"{srv.url}/searxng/")
    backend = make_backend("searxng", min_interval=0)
    assert len(backend.search_page("bees").results) == 23
    assert backend.cache_id == f"searxng {srv.url}/searxng"


def test_searxng_without_base_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_SEARXNG_URL", raising=False)
    with pytest.raises(BackendError, match=r"no base URL.*PROSPECTOR_SEARXNG_URL"):
        make_backend("searxng")
    with pytest.raises(BackendError, match="http://"):
        make_backend("searxng", base_url="ftp://x")


def test_sampleweb_backend_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_SAMPLEWEB_URL", raising=False)
    backend = make_backend("sampleweb")
    assert isinstance(backend, SearxngBackend)
    assert backend.base_url == "http://127.0.0.1:8800"  # `prospector sampleweb serve`'s port
    assert backend.client.min_interval == 0.0  # our own loopback server: no politeness wait


def test_sampleweb_backend_against_the_sample_web(sampleweb: SampleWebProcess) -> None:
    backend = make_backend("sampleweb", base_url=sampleweb.url)
    results = backend.search_page('beekeeping "powered by phpBB"').results
    assert results and all(r.url.startswith("http") for r in results)


# -- Marginalia -------------------------------------------------------------------------------
def test_failure_6_marginalia_pages_by_what_it_says(srv: Running, sleeps: Sleeps,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_MARGINALIA_KEY", raising=False)
    backend = marginalia(srv, sleeps, count=20)
    pages = [backend.search_page("beekeeping", page) for page in (1, 2, 3)]
    assert [len(p.results) for p in pages] == [20, 20, 5]
    assert [p.more for p in pages] == [True, True, False]  # page/pages
    assert pages[0].results[0].content == "about beekeeping & hives"  # entities decoded
    sent = srv.state.requests
    assert [r.path for r in sent] == ["/marginalia/search"] * 3
    assert [r.params for r in sent] == [
        {"query": "beekeeping", "count": "20", "page": str(p)} for p in (1, 2, 3)]
    assert all(r.headers["api-key"] == "public" for r in sent)


@pytest.mark.parametrize(("index", "sent"), [
    ("blogs", "smallweb"), ("1", "smallweb"), ("big_sites", "popular"), ("2", "popular"),
    ("popular", None), ("0", None), ("3", None)])
def test_failure_4_marginalia_index_maps_to_the_real_filters(srv: Running, sleeps: Sleeps, index: str,
                                                             sent: str | None) -> None:
    backend = marginalia(srv, sleeps, key=MARGINALIA_KEY, index=index)
    assert backend.search_page("bees").results
    seen = srv.state.requests[0]
    assert seen.path == "/marginalia/search"  # the V2 API, never the legacy one
    assert seen.params.get("filter") == sent
    assert backend.notices and "--marginalia-filter" in backend.notices[0]


def test_marginalia_own_key_and_filter(srv: Running, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPECTOR_MARGINALIA_KEY", MARGINALIA_KEY)
    monkeypatch.setenv("PROSPECTOR_MARGINALIA_URL", f"{srv.url}/marginalia")
    backend = MarginaliaBackend(filter="forum", count=10, min_interval=0, sleep=sleeps)
    assert len(backend.search_page("bees").results) == 10
    seen = srv.state.requests[0]
    assert seen.headers["api-key"] == MARGINALIA_KEY and seen.params["filter"] == "forum"
    assert MARGINALIA_KEY not in backend.cache_id


def test_marginalia_refused_key_is_not_printed(srv: Running, sleeps: Sleeps) -> None:
    message = failure(lambda: marginalia(srv, sleeps, key="wrong-key-789").search_page("bees"), "key",
                      "key refused (HTTP 401)")
    assert "wrong-key-789" not in message and srv.state.count() == 1


def test_failure_5_daily_limit_stops_at_once_and_says_so(srv: Running, sleeps: Sleeps) -> None:
    srv.state.marginalia_qpd = 1
    backend = marginalia(srv, sleeps)
    assert backend.search_page("bees").results
    message = failure(lambda: backend.search_page("bees forum"), "daily",
                      "daily limit reached (HTTP 429 'Daily Limit Exceeded')")
    assert "per-minute" not in message
    assert srv.state.count() == 2 and sleeps.calls == []  # no pointless retries


def test_failure_5_per_minute_limit_waits_then_fails_the_query(srv: Running, sleeps: Sleeps) -> None:
    srv.state.marginalia_qpm = 1
    backend = marginalia(srv, sleeps)
    assert backend.search_page("bees").results
    message = failure(lambda: backend.search_page("bees forum"), "rate",
                      "per-minute limit reached (HTTP 429 'QPM Limit Exceeded')", "(after 4 attempts)",
                      "PROSPECTOR_MARGINALIA_KEY")
    assert "daily" not in message
    assert sleeps.calls == [10.0, 10.0, 10.0]  # waited for the minute's window each time
    srv.state.marginalia_minute.clear()  # the minute has passed
    assert backend.search_page("bees forum").results


def test_failure_4_legacy_api_refusal_keeps_its_explanation(srv: Running, sleeps: Sleeps) -> None:
    """The V1 API refuses paid keys with a 400 that says why; the line keeps it."""
    client = JsonClient(name="marginalia", keyed=True, sleep=sleeps, secrets=(MARGINALIA_PAID_KEY,))
    legacy = f"{srv.url}/marginalia-legacy/{MARGINALIA_PAID_KEY}/search/bees"
    message = failure(lambda: client.get_json(legacy), "refused",
                      "HTTP 400: API key only valid for V2 API (this is the deprecated V1 API)")
    assert MARGINALIA_PAID_KEY not in message


def test_marginalia_missing_key_header_is_explained(srv: Running, sleeps: Sleeps) -> None:
    client = JsonClient(name="marginalia", sleep=sleeps)
    failure(lambda: client.get_json(f"{srv.url}/marginalia/search?query=bees"), "refused", "HTTP 400")


# -- Brave ------------------------------------------------------------------------------------
def test_brave_key_missing_before_any_request(srv: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_BRAVE_KEY", raising=False)
    with pytest.raises(BackendError, match=r"key missing.*PROSPECTOR_BRAVE_KEY"):
        make_backend("brave", base_url=f"{srv.url}/brave/res/v1/web/search")
    assert srv.state.count() == 0


def test_failure_6_brave_pages_by_more_results_available(srv: Running, sleeps: Sleeps,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPECTOR_BRAVE_KEY", BRAVE_KEY)
    monkeypatch.setenv("PROSPECTOR_BRAVE_URL", f"{srv.url}/brave/res/v1/web/search")
    backend = make_backend("brave", min_interval=0, sleep=sleeps)
    pages = [backend.search_page("beekeeping", page) for page in (1, 2, 3)]
    # A short first page (17 of 20) and more available all the same.
    assert [(len(p.results), p.more) for p in pages] == [(17, True), (20, True), (10, False)]
    top = pages[0].results[0]
    assert (top.url, top.title, top.content) == ("http://site0.test/brave", "beekeeping result 0",
                                                 "all about beekeeping")
    assert [r.params["offset"] for r in srv.state.requests] == ["0", "1", "2"]
    assert all(r.headers["x-subscription-token"] == BRAVE_KEY for r in srv.state.requests)
    assert backend.search_page("beekeeping", 11).more is False and srv.state.count() == 3


def test_failure_7_brave_422_says_what_it_refused(srv: Running, sleeps: Sleeps) -> None:
    message = failure(lambda: brave(srv, sleeps).search_page(""), "refused",
                      "HTTP 422: VALIDATION: Unable to validate request parameter(s)")
    assert BRAVE_KEY not in message


def test_brave_refused_key(srv: Running, sleeps: Sleeps) -> None:
    message = failure(lambda: brave(srv, sleeps, key="not-the-token").search_page("bees"), "key",
                      "key refused (HTTP 401): SUBSCRIPTION_TOKEN_INVALID")
    assert "not-the-token" not in message
    failure(lambda: brave(srv, sleeps).search_page("bees err403"), "key", "OPTION_NOT_IN_PLAN")
    assert srv.state.count() == 2  # never retried


def test_brave_per_second_limit_waits_for_the_window(srv: Running, sleeps: Sleeps) -> None:
    assert len(brave(srv, sleeps).search_page("bees err429once").results) == 17
    assert srv.state.count() == 2 and sleeps.calls == [1.0]  # the per-second window's reset


def test_brave_spent_monthly_quota_stops_at_once(srv: Running, sleeps: Sleeps) -> None:
    failure(lambda: brave(srv, sleeps).search_page("bees quota429"), "daily",
            "quota spent (HTTP 429); it asks to wait 16 days", "RATE_LIMITED")
    assert srv.state.count() == 1 and sleeps.calls == []


def test_brave_rate_limit_headers() -> None:
    assert brave_retry_after({"X-Ratelimit-Remaining": "0, 10", "X-Ratelimit-Reset": "1, 99"}) == 1.0
    assert brave_retry_after({"X-Ratelimit-Remaining": "0, 0", "X-Ratelimit-Reset": "1, 99"}) == 99.0
    assert brave_retry_after({"Retry-After": "3"}) == 3.0
    assert brave_retry_after({"X-Ratelimit-Remaining": "garbage"}) is None
    assert brave_retry_after({}) is None


# -- faults every backend may meet ---------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_retries_5xx_a_bounded_number_of_times(name: str, srv: Running, sleeps: Sleeps) -> None:
    failure(lambda: ALL[name](srv, sleeps).search_page("bees err500"), "server", "answered HTTP 500",
            "(after 4 attempts)")
    assert srv.state.count() == 4 and len(sleeps.calls) == 3
    assert sleeps.calls[0] < sleeps.calls[1] < sleeps.calls[2] <= RetryPolicy().max_delay


@pytest.mark.parametrize("name", ALL)
def test_one_5xx_then_success(name: str, srv: Running, sleeps: Sleeps) -> None:
    assert ALL[name](srv, sleeps).search_page("bees err500once").results
    assert srv.state.count() == 2


@pytest.mark.parametrize("name", ALL)
def test_malformed_json(name: str, srv: Running, sleeps: Sleeps) -> None:
    failure(lambda: ALL[name](srv, sleeps).search_page("bees badjson"), "bad-answer", "did not answer JSON")
    assert srv.state.count() == 1


@pytest.mark.parametrize("name", ALL)
def test_json_of_the_wrong_shape(name: str, srv: Running, sleeps: Sleeps) -> None:
    failure(lambda: ALL[name](srv, sleeps).search_page("bees badshape"), "bad-answer", "did not answer")


@pytest.mark.parametrize("name", ALL)
def test_empty_answer(name: str, srv: Running, sleeps: Sleeps) -> None:
    assert ALL[name](srv, sleeps).search_page("bees empty").results == ()


@pytest.mark.parametrize("name", ALL)
def test_slow_answer_times_out(name: str, srv: Running, sleeps: Sleeps) -> None:
    srv.state.slow_seconds = 1.5
    backend = ALL[name](srv, sleeps, timeout=0.2, retry=RetryPolicy(max_retries=1))
    failure(lambda: backend.search_page("bees slow"), "unreachable", "no answer within 0.2 s",
            "(after 2 attempts)")
    assert srv.state.count() == 2


@pytest.mark.parametrize("name", ALL)
def test_connection_refused(name: str, sleeps: Sleeps) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    backend: SearchBackend
    if name == "searxng":
        backend = SearxngBackend(base, sleep=sleeps, min_interval=0)
    elif name == "marginalia":
        backend = MarginaliaBackend(base_url=base, sleep=sleeps, min_interval=0)
    else:
        backend = BraveBackend(BRAVE_KEY, base_url=base, sleep=sleeps, min_interval=0)
    message = failure(lambda: backend.search_page("bees"), "down",
                      f"search backend {name} (127.0.0.1:", "unreachable: connection refused",
                      "(after 4 attempts)")
    assert BRAVE_KEY not in message and len(sleeps.calls) == 3


def test_unresolvable_host_is_one_line(sleeps: Sleeps) -> None:
    backend = SearxngBackend("http://no-such-host.invalid", sleep=sleeps, min_interval=0,
                             retry=RetryPolicy(max_retries=0))
    failure(lambda: backend.search_page("bees"), "down", "unreachable: cannot resolve host")


# -- the HTTP client ----------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_calls() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    limiter.wait()  # the first call never waits
    limiter.wait()
    clock.now += 0.25
    limiter.wait()
    clock.now += 5
    limiter.wait()  # long after the last: no wait
    assert clock.sleeps == [1.0, 0.75]


# Each backend's own spacing, as built with no options (the operators' published
# limits: SearXNG's limiter burst window, Marginalia's and Brave's one per second).
DEFAULT_SPACING = {"searxng": 1.5, "marginalia": 1.0, "brave": 1.0}


def default_backend(srv: Running, name: str) -> SearchBackend:
    if name == "searxng":
        return SearxngBackend(f"{srv.url}/searxng")
    if name == "marginalia":
        return MarginaliaBackend(base_url=f"{srv.url}/marginalia")
    return BraveBackend(base_url=f"{srv.url}/brave/res/v1/web/search", key=BRAVE_KEY)


@pytest.mark.parametrize("name", sorted(DEFAULT_SPACING))
def test_backend_calls_are_spaced_by_its_rate_limit(srv: Running, name: str) -> None:
    """Built with its defaults (no min_interval given), a backend waits between calls."""
    backend = default_backend(srv, name)
    clock = FakeClock()
    limiter = backend.client.limiter  # type: ignore[attr-defined]
    limiter.clock, limiter.sleep = clock, clock.sleep
    for page in (1, 2, 3):
        backend.search_page("bees", page)
    assert clock.sleeps == [DEFAULT_SPACING[name]] * 2 and srv.state.count() == 3


def test_gzip_answers_are_read(srv: Running, sleeps: Sleeps) -> None:
    assert len(searxng(srv, sleeps).search_page("bees").results) == 23
    assert "gzip" in srv.state.requests[0].headers["accept-encoding"]  # and the mock sent gzip


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=0.5)
    assert [policy.backoff(n, 1.0) for n in (1, 2, 3, 4)] == [1.5, 3.0, 5.0, 5.0]
    assert policy.backoff(1, 0.0) == 1.0


def test_retry_after_header_forms() -> None:
    assert retry_after_header({"Retry-After": "7"}) == 7.0
    assert retry_after_header({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # past
    assert retry_after_header({"Retry-After": "soon"}) is None
    assert retry_after_header({}) is None


def test_not_found_is_not_retried(srv: Running, sleeps: Sleeps) -> None:
    failure(lambda: JsonClient(name="t", sleep=sleeps).get_json(f"{srv.url}/nowhere"), "refused",
            "answered HTTP 404: not found")
    assert srv.state.count() == 1


def test_key_is_not_carried_across_a_redirect_to_another_host(srv: Running, sleeps: Sleeps) -> None:
    client = JsonClient(name="brave", keyed=True, sleep=sleeps, secrets=(BRAVE_KEY,))
    failure(lambda: client.get_json(f"{srv.url}/redirect-away", {"X-Subscription-Token": BRAVE_KEY}),
            "refused-all", "redirected to another host (HTTP 302)")
    assert [r.path for r in srv.state.requests] == ["/redirect-away"]


def test_registry() -> None:
    with pytest.raises(BackendError, match=r"unknown search backend.*searxng, marginalia, brave"):
        make_backend("google")
    with pytest.raises(BackendError, match="bad option"):
        make_backend("sampleweb", colour="red")
    assert isinstance(make_backend("marginalia"), SearchBackend)
    assert isinstance(make_backend("Brave", key="k"), BraveBackend)
