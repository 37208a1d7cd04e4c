"""The DuckDB search cache and logs against a real database and the loopback services."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from prospector.discover.backends import BraveBackend, SearchPage, SearchResult, SearxngBackend
from prospector.discover.http import SearchFailure
from prospector.store.db import Store
from prospector.store.search_cache import (
    DEFAULT_MAX_AGE,
    CachedBackend,
    cached,
    claim_queries,
    record_failure,
    record_hits,
    record_query,
    remember,
)
from tests.backend_servers import BRAVE_KEY, Running, fixtures

server, srv = fixtures()


def searxng(srv: Running) -> SearxngBackend:
    return SearxngBackend(f"{srv.url}/searxng", min_interval=0, sleep=lambda s: None)


def brave(srv: Running) -> BraveBackend:
    return BraveBackend(BRAVE_KEY, base_url=f"{srv.url}/brave/res/v1/web/search", min_interval=0,
                        sleep=lambda s: None)


def test_second_identical_search_sends_no_request(srv: Running, tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        backend = CachedBackend(searxng(srv), store, run)
        first = backend.search_page("beekeeping forum", 1)
        assert backend.search_page("beekeeping forum", 1) == first and len(first.results) == 23
        assert srv.state.count() == 1
        backend.search_page("beekeeping forum", 2)
        rows = store.rows("SELECT run_id, page, results, cached FROM search_queries"
                          " ORDER BY asked_at, cached")
        assert [(r["run_id"], r["page"], r["results"], r["cached"]) for r in rows] == [
            (run, 1, 23, False), (run, 1, 23, True), (run, 2, 17, False)]
    with Store.open(path) as store:  # a re-run within the age spends nothing either
        backend = CachedBackend(searxng(srv), store, None)
        assert backend.search_page("beekeeping forum", 1) == first
        assert (backend.hits, backend.misses, srv.state.count()) == (1, 0, 2)
        run2 = store.start_run("beekeeping", "{}")
        assert claim_queries(store, run2) == 1 and claim_queries(store, run2) == 0


def test_failure_2_engine_failures_are_never_cached(srv: Running) -> None:
    """Failure 2: an answer emptied or thinned by failing engines is not kept, so the next
    run, with the instance healthy again, asks again without --search-max-age 0."""
    store = Store.open(":memory:")
    srv.state.searxng_failing = [["google", "CAPTCHA"]]
    backend = CachedBackend(searxng(srv), store)
    with pytest.raises(SearchFailure):
        backend.search_page("bees")
    assert not backend.search_page("bees someengines").complete
    assert store.query("SELECT count(*) FROM search_cache")[1] == [(0,)]
    srv.state.searxng_failing = []
    again = CachedBackend(searxng(srv), store)
    assert len(again.search_page("bees").results) == 23 and again.misses == 1
    assert again.search_page("bees").complete and again.hits == 1  # complete now: kept


def test_errors_are_not_cached_and_answers_expire(srv: Running) -> None:
    store = Store.open(":memory:")
    backend = CachedBackend(brave(srv), store, max_age=timedelta(0))
    with pytest.raises(SearchFailure):
        backend.search_page("bees err403")
    assert store.query("SELECT count(*) FROM search_cache")[1] == [(0,)]
    backend.search_page("bees")
    backend.search_page("bees")  # older than max_age 0: asked again
    assert srv.state.count() == 3
    fresh = CachedBackend(brave(srv), store)  # the default age
    assert fresh.max_age == DEFAULT_MAX_AGE == timedelta(days=3)
    assert fresh.search_page("bees").more is True  # `more` survives the cache
    assert srv.state.count() == 3
    store.con.execute("UPDATE search_cache SET fetched_at = fetched_at - INTERVAL 4 DAY")
    fresh.search_page("bees")
    assert srv.state.count() == 4  # older than three days: asked again


def test_cache_functions_take_data_as_parameters() -> None:
    store = Store.open(":memory:")
    hostile = "x'); DROP TABLE search_cache; --"
    page = SearchPage((SearchResult("http://a.test/", "O'Hara's \"bees\"", "ünïcode", "e"),), False)
    assert cached(store, "b", hostile, 1) is None
    remember(store, "b", hostile, 1, page)
    assert cached(store, "b", hostile, 1) == page
    remember(store, "b", hostile, 1, SearchPage(()))  # replaced, not duplicated
    assert cached(store, "b", hostile, 1) == SearchPage(())
    record_query(store, None, "b", hostile, 1, 0, True)
    record_failure(store, None, "b", hostile, 1, "rate", "it said no")
    record_hits(store, None, [("brave", hostile, 0, "a.test", "http://a.test/")])
    failures = store.query("SELECT query, kind, reason FROM search_failures")[1]
    assert failures == [(hostile, "rate", "it said no")]
    assert store.query("SELECT query, domain FROM search_hits")[1] == [(hostile, "a.test")]
    run = store.start_run("bees", "{}")
    claim_queries(store, run)
    assert store.query("SELECT count(*) FROM search_failures WHERE run_id = ?", [run])[1] == [(1,)]
    # A row from before pages carried `more` is a bare list; a damaged row is a miss.
    store.con.execute("UPDATE search_cache SET results = '[{\"url\": \"http://a.test/\"}]'")
    assert cached(store, "b", hostile, 1) == SearchPage((SearchResult("http://a.test/", "", "", ""),))
    store.con.execute("UPDATE search_cache SET results = '[{\"nourl\": 1}]'")
    assert cached(store, "b", hostile, 1) is None


def test_migration_adds_the_failure_and_hit_tables(tmp_path: Path) -> None:
    with Store.open(tmp_path / "m.duckdb") as store:
        assert {2, 7} <= set(store.applied_versions())
        cols = {r[0] for r in store.query("DESCRIBE search_failures")[1]}
        assert cols == {"run_id", "backend", "query", "page", "kind", "reason", "failed_at"}
        cols = {r[0] for r in store.query("DESCRIBE search_hits")[1]}
        assert cols == {"run_id", "backend", "query", "rank", "domain", "url"}
