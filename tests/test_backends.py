"""Search backends against a real loopback server speaking each one's documented JSON,
error responses included; the DuckDB cache with a real database. No internet."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
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
from prospector.discover.http import JsonClient, RateLimiter, RetryPolicy, retry_after_header
from prospector.errors import BackendError, ExitCode
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from prospector.store.search_cache import CachedBackend, cached, claim_queries, record_query, remember
from tests.backend_servers import BRAVE_KEY, MARGINALIA_KEY, Running, serve


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    with serve() as running:
        yield running


@pytest.fixture
def srv(server: Running) -> Running:
    server.state.reset()
    server.state.slow_seconds = 1.0
    return server


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


Factory = Callable[..., SearchBackend]


def searxng(srv: Running, sleeps: Sleeps, **kw: Any) -> SearchBackend:
    return SearxngBackend(f"{srv.url}/searxng", sleep=sleeps, min_interval=0, **kw)


def marginalia(srv: Running, sleeps: Sleeps, **kw: Any) -> SearchBackend:
    return MarginaliaBackend(base_url=f"{srv.url}/marginalia", legacy_url=f"{srv.url}/marginalia-legacy",
                             sleep=sleeps, min_interval=0, **kw)


def brave(srv: Running, sleeps: Sleeps, **kw: Any) -> SearchBackend:
    kw.setdefault("key", BRAVE_KEY)
    return BraveBackend(base_url=f"{srv.url}/brave/res/v1/web/search", sleep=sleeps,
                        min_interval=0, **kw)


ALL: dict[str, Callable[..., SearchBackend]] = {"searxng": searxng, "marginalia": marginalia, "brave": brave}


def one_line_error(call: Callable[[], object], *wording: str) -> str:
    with pytest.raises(BackendError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert info.value.code == ExitCode.BACKEND
    for words in wording:
        assert words in message, message
    return message


# -- SearXNG and the sample web -----------------------------------------------------------
def test_searxng_results_and_paging(srv: Running, sleeps: Sleeps) -> None:
    backend = searxng(srv, sleeps)
    pages = [backend.search("beekeeping forum", page) for page in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    first = pages[0][0]
    assert (first.url, first.title, first.content, first.engine) == (
        "http://site0.test/searxng", "beekeeping forum result 0", "about beekeeping forum", "duckduckgo")
    assert pages[1][0].url == "http://site10.test/searxng"
    sent = srv.state.requests
    assert [r.params for r in sent] == [
        {"q": "beekeeping forum", "format": "json", "pageno": str(p)} for p in (1, 2, 3, 4)]
    assert all(r.headers["accept"] == "application/json" for r in sent)
    assert backend.page_size == 10


def test_searxng_base_from_environment(srv: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPECTOR_SEARXNG_URL", f"{srv.url}/searxng/")
    backend = make_backend("searxng", min_interval=0)
    assert len(backend.search("bees")) == 10
    assert backend.cache_id == f"searxng {srv.url}/searxng"


def test_searxng_without_base_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_SEARXNG_URL", raising=False)
    one_line_error(lambda: make_backend("searxng"), "no base URL", "PROSPECTOR_SEARXNG_URL")
    one_line_error(lambda: make_backend("searxng", base_url="ftp://x"), "http://")


def test_searxng_403_hints_at_json_format(srv: Running, sleeps: Sleeps) -> None:
    message = one_line_error(lambda: searxng(srv, sleeps).search("bees err403"),
                             "refused the request (HTTP 403)", "format=json")
    assert srv.url.removeprefix("http://") in message
    assert srv.state.count() == 1  # a refusal is not retried


def test_sampleweb_backend_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_SAMPLEWEB_URL", raising=False)
    backend = make_backend("sampleweb")
    assert isinstance(backend, SearxngBackend)
    assert backend.base_url == "http://127.0.0.1:8800"  # `prospector sampleweb serve`'s port
    assert backend.client.min_interval == 0.0  # our own loopback server: no politeness wait
    monkeypatch.setenv("PROSPECTOR_SAMPLEWEB_URL", "http://127.0.0.1:9999")
    assert make_backend("sampleweb").cache_id == "sampleweb http://127.0.0.1:9999"


def test_sampleweb_backend_against_the_sample_web(sampleweb: SampleWebProcess) -> None:
    backend = make_backend("sampleweb", base_url=sampleweb.url)
    results = backend.search('beekeeping "powered by phpBB"')
    assert results and all(r.url.startswith("http") for r in results)


# -- Marginalia ---------------------------------------------------------------------------
def test_marginalia_public_key_count_and_paging(srv: Running, sleeps: Sleeps,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_MARGINALIA_KEY", raising=False)
    backend = marginalia(srv, sleeps, count=20)
    pages = [backend.search("beekeeping", page) for page in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [20, 20, 5, 0]
    assert pages[0][0].content == "about beekeeping & hives"  # entities decoded
    assert pages[0][0].engine == "marginalia"
    assert pages[2][0].url == "http://site40.test/marginalia"
    sent = srv.state.requests
    assert [r.path for r in sent] == ["/marginalia/search"] * 4
    assert [r.params for r in sent] == [
        {"query": "beekeeping", "count": "20", "page": str(p)} for p in (1, 2, 3, 4)]
    assert all(r.headers["api-key"] == "public" for r in sent)


def test_marginalia_own_key_and_filter(srv: Running, sleeps: Sleeps,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPECTOR_MARGINALIA_KEY", MARGINALIA_KEY)
    backend = marginalia(srv, sleeps, filter="smallweb", count=10)
    assert len(backend.search("bees")) == 10
    seen = srv.state.requests[0]
    assert seen.headers["api-key"] == MARGINALIA_KEY
    assert seen.params["filter"] == "smallweb"
    assert MARGINALIA_KEY not in backend.cache_id


def test_marginalia_refused_key_is_not_printed(srv: Running, sleeps: Sleeps) -> None:
    backend = marginalia(srv, sleeps, key="wrong-key-789")
    message = one_line_error(lambda: backend.search("bees"), "key refused (HTTP 401)")
    assert "wrong-key-789" not in message
    assert srv.state.count() == 1


def test_marginalia_blogs_index_uses_the_legacy_api(srv: Running, sleeps: Sleeps) -> None:
    backend = marginalia(srv, sleeps, key=MARGINALIA_KEY, index="blogs", count=10)
    first = backend.search("honey bees", 1)
    second = backend.search("honey bees", 2)
    assert [r.url for r in first] == [f"http://site{i}.test/marginalia" for i in range(10)]
    assert [r.url for r in second] == [f"http://site{i}.test/marginalia" for i in range(10, 20)]
    sent = srv.state.requests
    # The query is percent-encoded in the path, as the docs' Python sample sends it.
    assert sent[0].path == f"/marginalia-legacy/{MARGINALIA_KEY}/search/honey%20bees"
    assert sent[0].params == {"count": "10", "index": "1"}
    assert sent[1].params == {"count": "20", "index": "1"}
    # Beyond the legacy API's 100-result window: no request, no results.
    assert backend.search("honey bees", 11) == []
    assert srv.state.count() == 2
    # A refused key travels in the path there: still never printed.
    bad = marginalia(srv, sleeps, key="legacy-bad-key", index=1)
    message = one_line_error(lambda: bad.search("bees"), "key refused (HTTP 401)")
    assert "legacy-bad-key" not in message


def test_marginalia_unknown_index(srv: Running, sleeps: Sleeps) -> None:
    one_line_error(lambda: marginalia(srv, sleeps, index="gardens"), "unknown index", "blogs")


def test_marginalia_shared_key_rate_limit_is_quota(srv: Running, sleeps: Sleeps,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The documented answer of the shared key's rate limit is HTTP 503.
    monkeypatch.delenv("PROSPECTOR_MARGINALIA_KEY", raising=False)
    backend = marginalia(srv, sleeps)
    one_line_error(lambda: backend.search("bees err503"), "quota exhausted (HTTP 503)",
                   "PROSPECTOR_MARGINALIA_KEY", "(after 4 attempts)")
    assert srv.state.count() == 4
    assert len(sleeps.calls) == 3


# -- Brave --------------------------------------------------------------------------------
def test_brave_key_missing_before_any_request(srv: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_BRAVE_KEY", raising=False)
    one_line_error(lambda: make_backend("brave", base_url=f"{srv.url}/brave/res/v1/web/search"),
                   "search backend brave: key missing", "PROSPECTOR_BRAVE_KEY")
    assert srv.state.count() == 0


def test_brave_results_paging_and_token(srv: Running, sleeps: Sleeps,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPECTOR_BRAVE_KEY", BRAVE_KEY)
    backend = make_backend("brave", base_url=f"{srv.url}/brave/res/v1/web/search", count=20,
                           min_interval=0, sleep=sleeps)
    pages = [backend.search("beekeeping", page) for page in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [20, 20, 10, 0]
    top = pages[0][0]
    assert (top.url, top.title, top.content, top.engine) == (
        "http://site0.test/brave", "beekeeping result 0", "all about beekeeping", "brave")
    sent = srv.state.requests
    assert [r.params for r in sent] == [
        {"q": "beekeeping", "count": "20", "offset": str(p - 1)} for p in (1, 2, 3, 4)]
    assert all(r.headers["x-subscription-token"] == BRAVE_KEY for r in sent)
    assert BRAVE_KEY not in backend.cache_id
    # Brave serves offsets 0..9 only: page 11 is not asked for.
    assert backend.search("beekeeping", 11) == []
    assert srv.state.count() == 4


def test_brave_refused_key(srv: Running, sleeps: Sleeps) -> None:
    message = one_line_error(lambda: brave(srv, sleeps, key="not-the-token").search("bees"),
                             "search backend brave", "key refused (HTTP 401)")
    assert "not-the-token" not in message
    one_line_error(lambda: brave(srv, sleeps).search("bees err403"), "key refused (HTTP 403)")
    assert srv.state.count() == 2  # never retried


def test_brave_per_second_limit_waits_for_the_window(srv: Running, sleeps: Sleeps) -> None:
    results = brave(srv, sleeps).search("bees err429once")
    assert len(results) == 20
    assert srv.state.count() == 2
    assert sleeps.calls == [1.0]  # X-RateLimit-Reset of the spent per-second window


def test_brave_spent_monthly_quota_fails_at_once(srv: Running, sleeps: Sleeps) -> None:
    message = one_line_error(lambda: brave(srv, sleeps).search("bees quota429"),
                             "quota exhausted (HTTP 429)", "wait 16 days")
    assert BRAVE_KEY not in message
    assert srv.state.count() == 1 and sleeps.calls == []


def test_brave_rate_limit_headers() -> None:
    assert brave_retry_after({"X-Ratelimit-Remaining": "0, 10", "X-Ratelimit-Reset": "1, 99"}) == 1.0
    assert brave_retry_after({"X-Ratelimit-Remaining": "0, 0", "X-Ratelimit-Reset": "1, 99"}) == 99.0
    assert brave_retry_after({"Retry-After": "3"}) == 3.0
    assert brave_retry_after({"X-Ratelimit-Remaining": "garbage"}) is None
    assert brave_retry_after({}) is None


# -- error modes shared by every backend --------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_retries_5xx_a_bounded_number_of_times(name: str, srv: Running, sleeps: Sleeps) -> None:
    backend = ALL[name](srv, sleeps)
    one_line_error(lambda: backend.search("bees err500"), "answered HTTP 500", "(after 4 attempts)")
    assert srv.state.count() == 4
    # Exponential backoff with jitter, each wait capped.
    assert len(sleeps.calls) == 3
    assert sleeps.calls[0] < sleeps.calls[1] < sleeps.calls[2] <= RetryPolicy().max_delay
    assert 0.5 <= sleeps.calls[0] <= 0.5 * 1.25


@pytest.mark.parametrize("name", ALL)
def test_one_5xx_then_success(name: str, srv: Running, sleeps: Sleeps) -> None:
    assert ALL[name](srv, sleeps).search("bees err500once")
    assert srv.state.count() == 2


@pytest.mark.parametrize("name", ["searxng", "marginalia"])
def test_429_with_retry_after_then_success(name: str, srv: Running, sleeps: Sleeps) -> None:
    assert ALL[name](srv, sleeps).search("bees err429once")
    assert srv.state.count() == 2
    assert sleeps.calls == [0.0]  # Retry-After: 0 honoured


@pytest.mark.parametrize("name", ALL)
def test_persistent_429_is_quota_exhausted(name: str, srv: Running, sleeps: Sleeps) -> None:
    message = one_line_error(lambda: ALL[name](srv, sleeps).search("bees err429"),
                             "quota exhausted (HTTP 429)", "(after 4 attempts)")
    assert BRAVE_KEY not in message
    assert srv.state.count() == 4


@pytest.mark.parametrize("name", ALL)
def test_malformed_json(name: str, srv: Running, sleeps: Sleeps) -> None:
    one_line_error(lambda: ALL[name](srv, sleeps).search("bees badjson"), "did not answer JSON")
    assert srv.state.count() == 1


@pytest.mark.parametrize("name", ALL)
def test_json_of_the_wrong_shape(name: str, srv: Running, sleeps: Sleeps) -> None:
    one_line_error(lambda: ALL[name](srv, sleeps).search("bees badshape"), "did not answer")


@pytest.mark.parametrize("name", ALL)
def test_empty_answer(name: str, srv: Running, sleeps: Sleeps) -> None:
    assert ALL[name](srv, sleeps).search("bees empty") == []


@pytest.mark.parametrize("name", ALL)
def test_slow_answer_times_out(name: str, srv: Running, sleeps: Sleeps) -> None:
    srv.state.slow_seconds = 1.5
    backend = ALL[name](srv, sleeps, timeout=0.2, retry=RetryPolicy(max_retries=1))
    one_line_error(lambda: backend.search("bees slow"), "unreachable", "no answer within 0.2 s",
                   "(after 2 attempts)")
    assert srv.state.count() == 2


@pytest.mark.parametrize("name", ALL)
def test_connection_refused(name: str, sleeps: Sleeps) -> None:
    port = closed_port()
    base = f"http://127.0.0.1:{port}"
    backend: SearchBackend
    if name == "searxng":
        backend = SearxngBackend(base, sleep=sleeps, min_interval=0)
    elif name == "marginalia":
        backend = MarginaliaBackend(base_url=base, sleep=sleeps, min_interval=0)
    else:
        backend = BraveBackend(BRAVE_KEY, base_url=base, sleep=sleeps, min_interval=0)
    message = one_line_error(lambda: backend.search("bees"), f"search backend {name} (127.0.0.1:{port})",
                             "unreachable: connection refused", "(after 4 attempts)")
    assert BRAVE_KEY not in message
    assert len(sleeps.calls) == 3


def test_unresolvable_host_is_one_line(sleeps: Sleeps) -> None:
    backend = SearxngBackend("http://no-such-host.invalid", sleep=sleeps, min_interval=0,
                             retry=RetryPolicy(max_retries=0))
    one_line_error(lambda: backend.search("bees"), "unreachable")


# -- the HTTP client's rate limit and retry policy -----------------------------------------
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


def test_backend_calls_are_spaced_by_its_rate_limit(srv: Running) -> None:
    clock = FakeClock()
    client = JsonClient(name="searxng", min_interval=1.0, clock=clock, sleep=clock.sleep)
    backend = SearxngBackend(f"{srv.url}/searxng")
    backend.client = client
    for page in (1, 2, 3):
        backend.search("bees", page)
    assert clock.sleeps == [1.0, 1.0]
    assert srv.state.count() == 3


def test_retry_after_longer_than_the_cap_is_quota(srv: Running, sleeps: Sleeps) -> None:
    client = JsonClient(name="t", sleep=sleeps, retry=RetryPolicy(max_delay=2.0),
                        retry_after=lambda headers: 3600.0)
    one_line_error(lambda: client.get_json(f"{srv.url}/searxng/search?q=bees+err429&format=json"),
                   "quota exhausted (HTTP 429)", "wait 60 min")
    assert srv.state.count() == 1 and sleeps.calls == []


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
    client = JsonClient(name="t", sleep=sleeps)
    one_line_error(lambda: client.get_json(f"{srv.url}/nowhere"), "answered HTTP 404")
    assert srv.state.count() == 1


def test_key_is_not_carried_across_a_redirect_to_another_host(srv: Running, sleeps: Sleeps) -> None:
    client = JsonClient(name="brave", keyed=True, sleep=sleeps, secrets=(BRAVE_KEY,))
    one_line_error(lambda: client.get_json(f"{srv.url}/redirect-away",
                                           {"X-Subscription-Token": BRAVE_KEY}),
                   "redirected to another host (HTTP 302)")
    assert [r.path for r in srv.state.requests] == ["/redirect-away"]


def test_registry() -> None:
    one_line_error(lambda: make_backend("google"), "unknown search backend", "searxng, marginalia, brave")
    one_line_error(lambda: make_backend("sampleweb", colour="red"), "bad option")
    assert isinstance(make_backend("marginalia"), SearchBackend)
    assert isinstance(make_backend("Brave", key="k"), BraveBackend)


# -- the DuckDB cache -----------------------------------------------------------------------
def test_second_identical_search_sends_no_request(srv: Running, sleeps: Sleeps, tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        backend = CachedBackend(searxng(srv, sleeps), store, run)
        first = backend.search("beekeeping forum", 1)
        again = backend.search("beekeeping forum", 1)
        assert again == first and len(first) == 10
        assert srv.state.count() == 1
        backend.search("beekeeping forum", 2)
        assert srv.state.count() == 2
        rows = store.rows("SELECT run_id, query, page, results, cached FROM search_queries"
                          " ORDER BY asked_at, cached")
        assert [(r["run_id"], r["page"], r["results"], r["cached"]) for r in rows] == [
            (run, 1, 10, False), (run, 1, 10, True), (run, 2, 10, False)]
    # A re-run (new process, new run) spends nothing either.
    with Store.open(path) as store:
        run2 = store.start_run("beekeeping", "{}")
        backend = CachedBackend(searxng(srv, sleeps), store, run2)
        assert backend.search("beekeeping forum", 1) == first
        assert backend.search("beekeeping forum", 2)
        assert srv.state.count() == 2
        assert (backend.hits, backend.misses) == (2, 0)
        logged = store.query("SELECT count(*) FROM search_queries WHERE run_id = ? AND cached", [run2])
        assert logged[1] == [(2,)]
        # Discovery before the run exists logs without one; the run claims them after.
        CachedBackend(searxng(srv, sleeps), store).search("beekeeping forum", 1)
        assert claim_queries(store, run2) == 1
        assert claim_queries(store, run2) == 0
        assert store.query("SELECT count(*) FROM search_queries WHERE run_id = ?", [run2])[1] == [(3,)]


def test_cache_is_per_backend_instance_and_index(srv: Running, sleeps: Sleeps) -> None:
    store = Store.open(":memory:")
    plain = CachedBackend(marginalia(srv, sleeps), store)
    blogs = CachedBackend(marginalia(srv, sleeps, index="blogs"), store)
    plain.search("bees")
    blogs.search("bees")
    assert srv.state.count() == 2  # the blogs index is a different answer
    plain.search("bees")
    blogs.search("bees")
    assert srv.state.count() == 2


def test_errors_and_stale_answers_are_not_served(srv: Running, sleeps: Sleeps) -> None:
    store = Store.open(":memory:")
    backend = CachedBackend(brave(srv, sleeps), store, max_age=timedelta(0))
    with pytest.raises(BackendError):
        backend.search("bees err403")
    assert store.query("SELECT count(*) FROM search_cache")[1] == [(0,)]
    backend.search("bees")
    backend.search("bees")  # older than max_age 0: asked again
    assert srv.state.count() == 3
    fresh = CachedBackend(brave(srv, sleeps), store, max_age=timedelta(hours=1))
    fresh.search("bees")
    assert srv.state.count() == 3
    # An empty page is an answer too: cached, so not asked again.
    fresh.search("bees empty")
    fresh.search("bees empty")
    assert srv.state.count() == 4


def test_cache_functions_take_data_as_parameters() -> None:
    from prospector.discover.backends.base import SearchResult

    store = Store.open(":memory:")
    hostile = "x'); DROP TABLE search_cache; --"
    results = [SearchResult("http://a.test/", "O'Hara's \"bees\"", "ünïcode", "e")]
    assert cached(store, "b", hostile, 1) is None
    remember(store, "b", hostile, 1, results)
    assert cached(store, "b", hostile, 1) == results
    assert cached(store, "b", hostile, 2) is None
    remember(store, "b", hostile, 1, [])  # replaced, not duplicated
    assert cached(store, "b", hostile, 1) == []
    record_query(store, None, "b", hostile, 1, 0, True)
    assert store.query("SELECT query FROM search_queries")[1] == [(hostile,)]
    # A damaged row is a miss, not a crash.
    store.con.execute("UPDATE search_cache SET results = '[{\"nourl\": 1}]'")
    assert cached(store, "b", hostile, 1) is None


def test_migration_adds_the_cache_tables(tmp_path: Path) -> None:
    with Store.open(tmp_path / "m.duckdb") as store:
        assert 2 in store.applied_versions()
        cols = {r[0] for r in store.query("DESCRIBE search_cache")[1]}
        assert cols == {"backend", "query", "page", "fetched_at", "results"}
        cols = {r[0] for r in store.query("DESCRIBE search_queries")[1]}
        assert cols == {"run_id", "backend", "query", "page", "results", "cached", "asked_at"}
