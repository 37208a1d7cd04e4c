"""Discovery as a whole (prospector.discover.run) against the loopback services: partial
failure, limits, several backends, per-dialect queries, the zero set-up default."""

from __future__ import annotations

from typing import Any

import pytest

from prospector.discover.run import (
    DEFAULT_NOTICE,
    BackendSpec,
    DiscoverOptions,
    Discovery,
    FailedQuery,
    require_candidates,
    resolve_backends,
    run_discovery,
)
from prospector.errors import BackendError, ExitCode, InputError
from prospector.store.db import Store
from tests.backend_servers import BRAVE_KEY, Running, fixtures

server, srv = fixtures()

QUIET = {"min_interval": 0, "sleep": lambda seconds: None}


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROSPECTOR_MARGINALIA_KEY", raising=False)
    monkeypatch.setenv("PROSPECTOR_BRAVE_KEY", BRAVE_KEY)


def options(srv: Running, *names: str, **kw: Any) -> DiscoverOptions:
    urls = {"searxng": f"{srv.url}/searxng", "marginalia": f"{srv.url}/marginalia",
            "brave": f"{srv.url}/brave/res/v1/web/search"}
    kw.setdefault("max_pages", 2)
    return DiscoverOptions(keywords=("beekeeping",), backends=tuple(BackendSpec(n, urls[n]) for n in names),
                           backend_options={n: QUIET for n in names}, **kw)


def test_failure_3_a_daily_limit_half_way_keeps_what_was_found(srv: Running) -> None:
    """Failure 3: Marginalia's daily limit on query 7 of 20: the six answers are kept, the
    limit is named, Marginalia is not asked again, the rest are listed as not asked."""
    srv.state.marginalia_qpd = 12  # two pages for each of the first six queries
    said: list[str] = []
    result = run_discovery(options(srv, "marginalia"), say=said.append)
    assert len(result.candidates) == 40  # site0..site39: six queries × two pages, merged by domain
    assert result.queries == 20  # the Marginalia dialect drops one duplicate (inurl:forum)
    first = result.failed[0]
    assert (first.query, first.kind) == ('beekeeping "powered by MyBB"', "daily")
    assert "Daily Limit Exceeded" in first.reason
    assert [f.kind for f in result.failed[1:]] == ["skipped"] * 13
    assert "marginalia" in result.stopped and srv.state.count() == 13  # never asked again
    assert any("not asking marginalia again this run" in line for line in said)
    assert result.mostly_failed  # 14 of 20 failed: the run is partial (exit 6), not failed
    warning = result.warning()
    assert warning.startswith("warning: 14 of 20 search queries failed: "
                              "marginalia 'beekeeping \"powered by MyBB\"'")
    assert "\n" not in warning and "Daily Limit Exceeded" in warning
    require_candidates(result, searched=True)  # something was found: no exit 5


def test_per_minute_limits_wait_and_the_run_goes_on(srv: Running) -> None:
    srv.state.marginalia_qpm = 3
    waits: list[float] = []
    opts = options(srv, "marginalia", max_pages=1, max_candidates=1000)
    opts = DiscoverOptions(**{**opts.__dict__, "backend_options": {
        "marginalia": {"min_interval": 0, "sleep": waits.append}}})
    result = run_discovery(opts)
    assert len(result.candidates) == 20 and result.queries == 20
    # Three answered, three failed after waiting, then three in a row means it is down
    # for us: the other fourteen are not asked.
    assert [f.kind for f in result.failed] == ["rate"] * 3 + ["skipped"] * 14
    assert len(result.candidates) == 20 and "marginalia" in result.stopped
    assert waits[:3] == [10.0, 10.0, 10.0]


def test_several_backends_merged_by_domain_with_provenance(srv: Running) -> None:
    store = Store.open(":memory:")
    result = run_discovery(options(srv, "searxng", "marginalia", "brave", max_pages=1), store)
    by_domain = {c.domain: c for c in result.candidates}
    assert len(by_domain) == len(result.candidates)
    why = by_domain["site0.test"].why
    assert "search (searxng): beekeeping" in why and "search (marginalia): beekeeping" in why
    hits = store.query("SELECT DISTINCT backend FROM search_hits WHERE domain = 'site0.test' ORDER BY 1")[1]
    assert hits == [("brave",), ("marginalia",), ("searxng",)]
    assert by_domain["site0.test"].url == "http://site0.test/"
    assert not result.failed


def test_failure_6_ranks_follow_the_order_received_across_pages(srv: Running) -> None:
    result = run_discovery(options(srv, "searxng", max_pages=3, max_candidates=10_000))
    assert all(c.why.startswith("search (searxng): beekeeping;") for c in result.candidates)
    ranks = {c.domain: c.rank for c in result.candidates}  # all found by the first query
    assert ranks["site22.test"] == 22 and ranks["site23.test"] == 23  # page 2 goes on from 23
    assert max(ranks.values()) == 23 + 15 + 8 - 1  # page 2's two repeats are not counted
    pages = [r.params["pageno"] for r in srv.state.requests if r.params["q"] == "beekeeping"]
    assert pages == ["1", "2", "3"]  # a short page (17 after 23) did not end paging


def test_failure_8_each_backend_gets_its_own_query_syntax(srv: Running) -> None:
    run_discovery(options(srv, "searxng", "marginalia", "brave", max_pages=1))
    sent = {r.path: [] for r in srv.state.requests}  # type: dict[str, list[str]]
    for r in srv.state.requests:
        sent[r.path].append(r.params.get("q") or r.params.get("query") or "")
    assert "beekeeping inurl:forum" in sent["/searxng/search"]
    assert not any("inurl:" in q for q in sent["/marginalia/search"] + sent["/brave/res/v1/web/search"])
    assert sent["/marginalia/search"].count("beekeeping forum") == 1


def test_failure_1_limiter_protected_searxng_finds_candidates(srv: Running) -> None:
    srv.state.searxng_limiter = True
    said: list[str] = []
    result = run_discovery(options(srv, "searxng", max_pages=1), say=said.append)
    # Four API requests an hour pass (the first four queries); the fifth ends SearXNG.
    assert len(result.candidates) == 23 and result.queries == 21 and srv.state.count() == 5
    assert "limiter" in result.stopped["searxng"]
    assert any("limiter" in line and "not asking searxng again" in line for line in said)


def test_failure_2_next_run_after_failing_engines_finds_candidates(srv: Running) -> None:
    store = Store.open(":memory:")
    srv.state.searxng_failing = [["google", "CAPTCHA"]]
    first = run_discovery(options(srv, "searxng", max_pages=1), store)
    assert not first.candidates and first.failed[0].kind == "engines"
    with pytest.raises(BackendError) as info:
        require_candidates(first, searched=True)
    assert info.value.code == ExitCode.BACKEND and "google (CAPTCHA)" in str(info.value)
    srv.state.searxng_failing = []
    second = run_discovery(options(srv, "searxng", max_pages=1), store)  # default max_age
    assert len(second.candidates) >= 23


def test_resolve_backends() -> None:
    assert resolve_backends(()) == ((BackendSpec("marginalia"),), [DEFAULT_NOTICE])
    assert resolve_backends((), has_seeds=True) == ((), [])
    assert resolve_backends((), search_url="http://s") == ((BackendSpec("searxng", "http://s"),), [])
    assert resolve_backends(("none",)) == ((), [])
    specs, notices = resolve_backends(("searxng", "Marginalia", "searxng"), search_url="http://s",
                                      urls={"marginalia": "http://m"}, marginalia_index="blogs")
    assert specs == (BackendSpec("searxng", "http://s"), BackendSpec("marginalia", "http://m", None, "blogs"))
    assert notices == []
    assert resolve_backends(("sampleweb",), search_url="http://w")[0] == (BackendSpec("sampleweb", "http://w"),)
    with pytest.raises(InputError, match="unknown search backend 'google'"):
        resolve_backends(("google",))


def test_require_candidates_without_a_search_is_usage() -> None:
    with pytest.raises(BackendError) as info:
        require_candidates(Discovery(), searched=False)
    assert info.value.code == ExitCode.USAGE


def test_warning_names_at_most_five() -> None:
    result = Discovery(queries=8, failed=[FailedQuery("brave", f"q{i}", 1, "rate", "slow down")
                                          for i in range(7)])
    assert result.warning().endswith("; and 2 more (first: slow down)")
    assert result.mostly_failed and not Discovery(queries=4, failed=result.failed[:2]).mostly_failed


def test_config_file_and_environment_reach_the_backends(tmp_path: Any) -> None:
    from prospector.config import Config
    from prospector.discover import options_from_config

    path = tmp_path / "p.toml"
    path.write_text('keyword = "bees"\n[discover]\nbackend = ["searxng", "marginalia"]\n'
                    'searxng_url = "http://s.test"\nmarginalia_filter = "forum"\n'
                    'search_max_age_days = 1\n')
    env = {"PROSPECTOR_MARGINALIA_URL": "http://m.test", "PROSPECTOR_BRAVE_URL": "http://b.test"}
    config = Config.from_sources({"db_path": tmp_path / "p.duckdb"}, path, env)
    assert (config.search_backend, config.marginalia_url, config.brave_url) == (
        "searxng,marginalia", "http://m.test", "http://b.test")
    opts, notices = options_from_config(config)
    assert opts.backends == (BackendSpec("searxng", "http://s.test"),
                             BackendSpec("marginalia", "http://m.test", "forum"))
    assert opts.max_age is not None and opts.max_age.days == 1 and notices == []
    bare, notices = options_from_config(Config.from_sources({"keyword": "bees", "db_path": tmp_path / "q"}))
    assert bare.backends == (BackendSpec("marginalia"),) and notices == [DEFAULT_NOTICE]
    with pytest.raises(InputError, match="nothing to crawl"):
        Config.from_sources({"keyword": "bees", "db_path": tmp_path / "q", "search_backend": "none"})
