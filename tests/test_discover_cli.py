"""`prospector discover` and `prospector crawl` against the loopback search services, in
a subprocess as a user runs them: the zero set-up default, partial failure, exit codes.
The search services are the mocks of tests/backend_servers.py; never the internet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prospector.errors import ExitCode
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.backend_servers import Running, fixtures
from tests.conftest import run_cli

server, srv = fixtures()


@pytest.fixture(autouse=True)
def environment(server: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """No key, no SearXNG set; Marginalia is the mock (never the internet)."""
    for var in ("PROSPECTOR_MARGINALIA_KEY", "PROSPECTOR_SEARXNG_URL", "PROSPECTOR_BRAVE_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PROSPECTOR_MARGINALIA_URL", f"{server.url}/marginalia")


def niche_hosts(truth: dict[str, Any]) -> list[str]:
    return [s["domain"] for s in truth["sites"] if s.get("in_niche")]


def test_discover_help() -> None:
    result = run_cli("discover", "--help")
    assert result.returncode == 0, result.stderr
    for words in ("usage: prospector discover", "--format {table,csv,json}", "--backend NAME[,NAME]",
                  "--marginalia-filter", "--search-max-age", "exit codes:", "5    search backend"):
        assert words in result.stdout, words
    assert "discover" in run_cli("--help").stdout


def test_discover_prints_and_stores_candidates(srv: Running, tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    result = run_cli("discover", "beekeeping", "--db", str(db), "--backend", "searxng",
                     "--search", f"{srv.url}/searxng", "--format", "json", "--max-sites", "10")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert len(found) == 23 and {"domain", "url", "source", "why"} <= set(found[0])
    assert found[0] == {"domain": "site0.test", "url": "http://site0.test/", "source": "search",
                        "why": "search (searxng): beekeeping", "rank": 0}
    assert "discovered: 23 candidates" in result.stderr
    with Store.open(db, read_only=True) as store:
        (run, status), = store.query("SELECT run_id, status FROM runs")[1]
        assert status == "discovered"
        assert store.query("SELECT count(*) FROM discoveries WHERE run_id = ?", [run])[1] == [(23,)]
        assert store.query("SELECT count(*) FROM search_queries WHERE run_id IS NULL")[1] == [(0,)]
    as_csv = run_cli("discover", "beekeeping", "--db", str(db), "--search", f"{srv.url}/searxng",
                     "--format", "csv", "--max-sites", "10")
    assert as_csv.stdout.splitlines()[:2] == ["domain,source,why,url",
                                               "site0.test,search,search (searxng): beekeeping,http://site0.test/"]


def test_failure_1_limiter_protected_searxng_run_finds_candidates(srv: Running, tmp_path: Path) -> None:
    srv.state.searxng_limiter = True
    result = run_cli("discover", "beekeeping", "--db", str(tmp_path / "d.duckdb"),
                     "--search", f"{srv.url}/searxng", "--format", "json")
    # Four API requests an hour: the first query's four pages (23, 17, 8 and none).
    assert len(json.loads(result.stdout)) == 46
    assert "refused by the instance's limiter" in result.stderr
    # One of 21 queries answered: more than half failed, so partial (6), never 5.
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    assert "warning: 20 of 21 search queries failed" in result.stderr


def test_failure_2_next_run_after_failing_engines(srv: Running, tmp_path: Path) -> None:
    db = str(tmp_path / "d.duckdb")
    srv.state.searxng_failing = [["google", "CAPTCHA"], ["bing", "timeout"]]
    first = run_cli("discover", "beekeeping", "--db", db, "--search", f"{srv.url}/searxng")
    assert first.returncode == ExitCode.BACKEND
    assert "no sites to crawl: every search failed" in first.stderr and "google (CAPTCHA)" in first.stderr
    srv.state.searxng_failing = []
    second = run_cli("discover", "beekeeping", "--db", db, "--search", f"{srv.url}/searxng",
                     "--format", "json", "--max-sites", "10")  # no --search-max-age 0
    assert second.returncode == 0, second.stderr
    assert len(json.loads(second.stdout)) == 23


def test_backend_none_keeps_the_old_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "bees", "--db", str(tmp_path / "p.duckdb"), "--backend", "none")
    assert result.returncode == ExitCode.USAGE and "nothing to crawl" in result.stderr


def test_failure_9_crawl_with_nothing_else_uses_marginalias_public_key(
        srv: Running, sampleweb: SampleWebProcess, truth: dict[str, Any], tmp_path: Path) -> None:
    """Failure 9: `prospector crawl KEYWORD --db PATH` and nothing else searches Marginalia
    with the public key (here its mock, through PROSPECTOR_MARGINALIA_URL), says so, crawls."""
    srv.state.hosts = niche_hosts(truth)
    db = tmp_path / "p.duckdb"
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--max-sites", "3", "--max-pages", "1",
                     "--proxy", sampleweb.url, "--fast", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "using Marginalia with its shared 'public' key" in result.stderr
    sent = srv.state.requests
    assert sent and all(r.path == "/marginalia/search" and r.headers["api-key"] == "public" for r in sent)
    with Store.open(db, read_only=True) as store:
        whys = [w for (w,) in store.query("SELECT why FROM discoveries")[1]]
        assert whys and all(w.startswith("search (marginalia): beekeeping") for w in whys)
        assert store.query("SELECT count(*) FROM pages")[1][0][0] >= 1


def test_failure_3_rate_limited_half_way_crawls_what_it_found(
        srv: Running, sampleweb: SampleWebProcess, truth: dict[str, Any], tmp_path: Path) -> None:
    """Failure 3: Marginalia's daily limit on the third query: the run crawls the sites the
    first two found and ends partial (6), never 5, naming the failed queries."""
    srv.state.hosts = niche_hosts(truth)
    srv.state.marginalia_qpd = 6  # three pages for each of the first two queries
    db = tmp_path / "p.duckdb"
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--max-sites", "40", "--max-pages", "1",
                     "--proxy", sampleweb.url, "--fast", "--no-progress")
    assert result.returncode == ExitCode.PARTIAL, result.stderr[-3000:]
    assert "partial" in result.stdout
    assert "warning: 18 of 20 search queries failed" in result.stderr
    assert "Daily Limit Exceeded" in result.stderr
    with Store.open(db, read_only=True) as store:
        assert store.query("SELECT status FROM runs")[1] == [("partial",)]
        assert store.query("SELECT count(DISTINCT domain) FROM pages WHERE status = 200")[1][0][0] >= 10
        kinds = dict(store.query("SELECT kind, count(*) FROM search_failures GROUP BY 1")[1])
        assert kinds == {"daily": 1}  # skipped queries are reported, never sent nor stored
    # The report says which query failed and why.
    report = run_cli("report", "--db", str(db), "--out", str(tmp_path / "r.html"))
    assert report.returncode == 0, report.stderr
    html = (tmp_path / "r.html").read_text("utf-8")
    assert 'id="failed-queries"' in html and "Daily Limit Exceeded" in html
