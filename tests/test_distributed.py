"""Distributed crawls on a real redis-server (Debian package), started by the harness on
a free loopback port: two workers store what one process stores, fetch no URL twice,
and survive the death of one of them."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import redis
import scrapy
from scrapy.core.engine import ExecutionEngine
from scrapy.utils.misc import load_object

from bench.redis_server import free_port, redis_server
from prospector.config import Config
from prospector.config.scrapy import CrawlSettings, build_settings
from prospector.crawl.sink import StoreSink
from prospector.crawl.state import CrawlState, LocalState
from prospector.discover.frontier import Frontier
from prospector.distributed.client import CURRENT_JOB_KEY, text
from prospector.distributed.codec import decode, encode
from prospector.distributed.coordinator import FETCH_LOG_ENV
from prospector.distributed.fetchlog import FetchLog, fetch_counts
from prospector.distributed.idle import IDLE_CHECK_SECONDS, FastIdleChecks
from prospector.distributed.items import load_items
from prospector.distributed.job import cleanup, job_settings, publish_job, read_job
from prospector.distributed.politeness import SharedPoliteness
from prospector.distributed.state import RedisState
from prospector.models import Candidate, Contact, FetchedPage, PageFacts, SiteDone
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from prospector.urls import registered_domain
from tests import timed_sampleweb
from tests.conftest import REPO, run_cli
from tests.test_operations import sigkill_then_resume

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (make test installs the Debian package)")
        pytest.skip("redis-server not installed: distributed tests skipped (run make test as root)")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def _args(db: Path, web: SampleWebProcess, redis_url: str | None, *extra: str) -> list[str]:
    args = ["crawl", "beekeeping", "--db", str(db), "--search", web.url, "--backend", "sampleweb",
            "--proxy", web.url, "--no-progress", *extra]
    return [*args, "--redis", redis_url] if redis_url else args


def _popen(*args: str, fetch_log: bool = False) -> subprocess.Popen[str]:
    """`prospector ARGS` in a subprocess; `fetch_log`: the job keeps every fetched URL,
    so its "distinct" figure is exact rather than estimated."""
    env = {**os.environ, FETCH_LOG_ENV: "1"} if fetch_log else None
    return subprocess.Popen([sys.executable, "-m", "prospector", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _result(db: Path) -> tuple[set[str], set[tuple[str, str, str]]]:
    with Store.open(db, read_only=True) as store:
        sites = {r[0] for r in store.query("SELECT domain FROM sites")[1]}
        contacts = set(store.query("SELECT domain, kind, value FROM contacts")[1])
    return sites, contacts


# A request a worker's DEBUG log says it fetched, and the host asked.
_CRAWLED = re.compile(r"Crawled \(\d+\) <GET https?://([^/:>]+)")
# A worker started before its job exists: it joins the moment the job is published.
_WAITING_WORKER = """
import sys, time
import redis
import multiprocessing.forkserver
import prospector.distributed.coordinator  # imported now, not once the job runs
import prospector.crawl.spider
from prospector.cli import main
from prospector.crawl import workers

# The extraction pool's forkserver started (and warmed) now too: a fast coordinator could
# crawl the whole sample web while a late worker was still starting it.
multiprocessing.set_forkserver_preload(workers._PRELOAD)
multiprocessing.forkserver.ensure_running()

url, key, *extra = sys.argv[1:]
client = redis.Redis.from_url(url)
deadline = time.monotonic() + 120
while not client.get(key) and time.monotonic() < deadline:
    time.sleep(0.02)
client.close()
sys.exit(main(["worker", "--redis", url, *extra]))
"""


class _Worker:
    """`prospector worker` for the next job published on a Redis (none may be current).

    Its output goes to a file, not a pipe: nobody reads a pipe while the coordinator
    runs, and a worker logging at DEBUG filled one (64 KB) and froze in a write,
    its heartbeat stopped, until the coordinator took it for dead."""

    def __init__(self, url: str, log: Path, *extra: str) -> None:
        client = redis.Redis.from_url(url)
        assert not client.get(CURRENT_JOB_KEY), "a job is still current"
        client.close()
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WAITING_WORKER, url, CURRENT_JOB_KEY, *extra],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT)

    def finish(self, timeout: float = 120) -> tuple[int, str]:
        """(exit code, what it wrote)."""
        code = self.process.wait(timeout=timeout)
        return code, self.log.read_text("utf-8", errors="replace")


def _homes(truth: dict[str, Any]) -> list[str]:
    """Twelve crawlable in-niche sites' home URLs of the sample web, by site name."""
    return sorted((site["home"] for site in truth["sites"] if site["in_niche"]
                   and not site["link_only"] and not site["robots_disallow_all"]),
                  key=registered_domain)[:12]


def _hosts(homes: list[str]) -> set[str]:
    return {h.split("://", 1)[1].split("/", 1)[0] for h in homes}


@pytest.fixture(scope="module")
def single(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("single") / "one.duckdb"
    result = run_cli(*_args(db, sampleweb, None, "--fast"))
    assert result.returncode == 0, result.stderr[-2000:]
    return db


def test_two_workers_store_what_one_process_stores(single: Path, sampleweb: SampleWebProcess,
                                                   redis_url: str, tmp_path: Path) -> None:
    db = tmp_path / "two.duckdb"
    worker = _Worker(redis_url, tmp_path / "worker.log")
    coordinator = _popen(*_args(db, sampleweb, redis_url, "--fast"), fetch_log=True)
    out, err = coordinator.communicate(timeout=600)
    w_code, w_err = worker.finish()
    assert coordinator.returncode == 0, err[-3000:]
    assert w_code == 0, w_err[-3000:]
    match = re.search(r"(\d+) URLs fetched \((\d+) distinct\) by (\d+) workers", out)
    assert match, out
    fetched, distinct, workers = map(int, match.groups())
    print(f"two workers: {fetched} fetches, {distinct} distinct URLs, {workers} workers")
    assert fetched == distinct and workers == 2
    got, want = _result(db), _result(single)
    assert got[0] == want[0], (sorted(got[0] - want[0]), sorted(want[0] - got[0]))
    assert got[1] == want[1], (sorted(got[1] - want[1]), sorted(want[1] - got[1]))
    assert redis.Redis.from_url(redis_url).keys("prospector:job:*") == []  # cleaned up


def test_killed_worker_loses_nothing(single: Path, sampleweb: SampleWebProcess, redis_url: str,
                                     tmp_path: Path) -> None:
    db, config = tmp_path / "kill.duckdb", tmp_path / "slow.toml"
    config.write_text("[politeness]\ndownload_delay = 0.3\nautothrottle = false\n"
                      "concurrent_per_domain = 1\n")
    worker = _Worker(redis_url, tmp_path / "worker.log").process
    coordinator = _popen(*_args(db, sampleweb, redis_url, "--config", str(config)))
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 120
    fetched_by_worker = 0
    while time.monotonic() < deadline and worker.poll() is None:
        prefix = text(client.get(CURRENT_JOB_KEY) or b"")
        counts = client.hgetall(f"{prefix}:fetched_by") if prefix else {}
        mine = [int(v) for k, v in counts.items() if text(k).endswith(f":{worker.pid}")]
        fetched_by_worker = mine[0] if mine else 0
        if fetched_by_worker >= 5:
            break
        time.sleep(0.2)
    assert worker.poll() is None and fetched_by_worker >= 5, "the worker never got going"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    out, err = coordinator.communicate(timeout=600)
    assert coordinator.returncode == 0, err[-3000:]
    print(f"killed worker after {fetched_by_worker} fetches; coordinator: {out.strip()}")
    got, want = _result(db), _result(single)
    assert got[0] == want[0], (got[0] ^ want[0])
    assert got[1] == want[1], (sorted(got[1] - want[1]), sorted(want[1] - got[1]))


def test_weekly_rerun_skips_recent_sites_across_workers(
        truth: dict[str, Any], redis_url: str, tmp_path: Path) -> None:
    """--max-age holds in distributed mode too: a second run, with two workers, asks
    the web for no page of the sites the first run crawled to the end, stores them
    untouched, and crawls the new seeds.

    The worker is waiting when the job is published, so it takes part from the start
    (it must fetch pages); the second run releases two sites at a time, the recent ones
    between the new ones (seeds rank alike, the frontier releases them by name), so the
    worker too releases recent sites, which it must then not fetch. (Which process
    releases a site is the crawl's choice: the worker alone is tested in
    test_a_worker_fetches_no_site_of_the_skip_set.)"""
    homes = _homes(truth)
    old, new = homes[0::2], homes[1::2]
    log, polite = tmp_path / "requests.log", tmp_path / "polite.toml"
    polite.write_text("[politeness]\ndownload_delay = 0.2\nautothrottle = false\n"
                      "concurrent_per_domain = 1\nconcurrent_requests = 2\n")
    web, url = timed_sampleweb.start(log)
    try:
        def crawl(seeds: list[str], *extra: str) -> list[str]:
            path = tmp_path / "seeds.txt"
            path.write_text("\n".join(seeds) + "\n")
            return ["crawl", "beekeeping", "--db", str(tmp_path / "weekly.duckdb"), "--seeds",
                    str(path), "--proxy", url, "--max-distance", "0", "--no-progress",
                    "--redis", redis_url, *extra]

        first = run_cli(*crawl(old, "--fast"))
        assert first.returncode == 0, first.stderr[-2000:]
        with Store.open(tmp_path / "weekly.duckdb", read_only=True) as store:
            before = dict(store.query("SELECT url, fetched_at FROM pages")[1])
        served = len(log.read_text().splitlines())
        worker = _Worker(redis_url, tmp_path / "worker.log", "--log-level", "DEBUG")
        coordinator = _popen(*crawl(old + new, "--config", str(polite)))
        out, err = coordinator.communicate(timeout=300)
        w_code, w_err = worker.finish()
    finally:
        web.terminate()
        web.wait(timeout=30)
    assert coordinator.returncode == 0, err[-2000:]
    assert w_code == 0, w_err[-2000:]
    print(f"second distributed run: {out.strip().splitlines()[-1]}")
    assert "(6 recent, not fetched)" in out
    hosts = {line.split()[1] for line in log.read_text().splitlines()[served:]}
    old_hosts, new_hosts = _hosts(old), _hosts(new)
    by_worker = set(_CRAWLED.findall(w_err))
    assert by_worker & new_hosts, f"the worker fetched nothing: {w_err[-3000:]}"
    assert not by_worker & old_hosts, sorted(by_worker & old_hosts)
    assert not hosts & old_hosts, sorted(hosts & old_hosts)
    assert new_hosts <= hosts
    with Store.open(tmp_path / "weekly.duckdb", read_only=True) as store:
        after = dict(store.query("SELECT url, fetched_at FROM pages")[1])
        assert store.query("SELECT count(*) FROM sites WHERE last_run = 2")[1][0][0] >= 12
    assert {u: t for u, t in after.items() if u in before} == before


def test_a_worker_fetches_no_site_of_the_skip_set(truth: dict[str, Any], redis_url: str,
                                                 tmp_path: Path) -> None:
    """A worker honours its job's skip set: alone on a published job (the test plays
    the coordinator: the job published with six recent sites to skip, twelve seeds in
    its frontier), it releases every site itself, fetches none of the recent ones but
    still announces them, and crawls the others."""
    homes = _homes(truth)
    old, new = homes[0::2], homes[1::2]
    log = tmp_path / "requests.log"
    web, url = timed_sampleweb.start(log)
    server = redis.Redis.from_url(redis_url)
    config = Config(keyword="beekeeping", db_path=tmp_path / "unused.duckdb", proxy=url,
                    max_distance=0, progress=False).fast()
    prefix = publish_job(server, config, 1, {registered_domain(h) for h in old})
    try:
        state = RedisState(server, prefix, Frontier(max_sites=100, max_distance=0), "test",
                           redis_url)
        for home in homes:
            assert state.push(Candidate(home, registered_domain(home), "seed", "seed"), 10.0, 0)
        worker = run_cli("worker", "--redis", redis_url, "--job", prefix, timeout=300)
        items = [decode(raw) for raw in server.lrange(f"{prefix}:items", 0, -1)]
    finally:
        cleanup(server, prefix)
        server.close()
        web.terminate()
        web.wait(timeout=30)
    assert worker.returncode == 0, worker.stderr[-2000:]
    hosts = {line.split()[1] for line in log.read_text().splitlines()}
    assert not hosts & _hosts(old), sorted(hosts & _hosts(old))
    assert _hosts(new) <= hosts
    announced = {i.domain for i in items if isinstance(i, Candidate)}
    fetched = {i.site for i in items if isinstance(i, FetchedPage)}
    assert announced == {registered_domain(h) for h in homes}
    assert fetched == {registered_domain(h) for h in new}


def test_killed_coordinator_resumes_with_job_dir(truth: dict[str, Any], redis_url: str,
                                                tmp_path: Path) -> None:
    """--job-dir in distributed mode: a coordinator killed mid-crawl (SIGKILL) and
    started again finishes the same run and loses nothing it had stored (the checks of
    the one-process resume test), and leaves no job in Redis."""
    sigkill_then_resume(truth, tmp_path, "--redis", redis_url)
    assert redis.Redis.from_url(redis_url).keys("prospector:job:*") == []


def test_a_published_job_carries_its_skip_set_and_validators(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    validators = {f"http://s{i}.test/about": (f'"e{i}"', "") for i in range(1500)}
    skip = {f"s{i}.test" for i in range(2500)}
    prefix = publish_job(server, Config(keyword="bees", db_path=Path("x.duckdb")), 99,
                         skip, validators)
    try:
        job = read_job(server, None)
        assert job.prefix == prefix and not job.fetch_log
        assert (job.skip, job.validators) == (skip, validators)
    finally:
        cleanup(server, prefix)
    assert server.keys(f"{prefix}*") == []
    server.close()


def test_loading_a_batch_twice_stores_nothing_twice(redis_url: str, tmp_path: Path) -> None:
    client = redis.Redis.from_url(redis_url)
    prefix = "prospector:job:test-load"
    facts = PageFacts(url="http://a.test/", domain="a.test", title="Bees",
                      contacts=(Contact("email", "jo@a.test", "http://a.test/", "mailto", 0.9,
                                        "personal"),))
    items: list[Any] = [Candidate("http://a.test/", "a.test", "seed"),
                        FetchedPage("a.test", "http://a.test/", 200, "text/html", 5, facts),
                        SiteDone("a.test")]
    with Store.open(tmp_path / "l.duckdb") as store:
        run_id = store.start_run("beekeeping", "{}")
        for _ in range(2):
            client.rpush(f"{prefix}:items", *[encode(i) for i in items])
            sink = StoreSink(store, run_id)
            assert load_items(client, prefix, sink) == len(items)
            sink.close("done")
        counts = [store.query(f"SELECT count(*) FROM {t}")[1][0][0]
                  for t in ("sites", "pages", "contacts")]
    assert counts == [1, 1, 1]
    assert client.llen(f"{prefix}:items") == 0


def test_worker_without_a_job_is_one_line(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).delete(CURRENT_JOB_KEY)
    result = run_cli("worker", "--redis", redis_url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no distributed crawl" in result.stderr


def test_unreachable_redis_is_one_line(tmp_path: Path) -> None:
    result = run_cli("worker", "--redis", f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 5 and result.stderr.count("\n") == 1
    assert "unreachable" in result.stderr


def test_politeness_holds_across_workers(redis_url: str, tmp_path: Path) -> None:
    """Two workers on a polite crawl (0.5 s a host): measured where the requests arrive,
    no host is ever asked twice within the delay, though both workers fetch from the
    same hosts (robots.txt included)."""
    delay = 0.5
    log, db, config = tmp_path / "requests.log", tmp_path / "polite.duckdb", tmp_path / "p.toml"
    # 8 requests at a time per worker, 24 sites: the queue holds more than one worker
    # takes, so both workers fetch pages of the same sites.
    config.write_text(f"[politeness]\ndownload_delay = {delay}\nautothrottle = false\n"
                      "concurrent_per_domain = 1\nconcurrent_requests = 8\n")
    web, url = timed_sampleweb.start(log)
    try:
        worker = _Worker(redis_url, tmp_path / "worker.log", "--log-level", "DEBUG")
        coordinator = _popen("crawl", "beekeeping", "--db", str(db), "--search", url,
                             "--backend", "sampleweb", "--proxy", url, "--no-progress",
                             "--config", str(config), "--max-sites", "24",
                             "--log-level", "DEBUG", "--redis", redis_url)
        out, err = coordinator.communicate(timeout=600)
        w_code, w_err = worker.finish()
    finally:
        web.terminate()
        web.wait(timeout=30)
    assert coordinator.returncode == 0, err[-3000:]
    assert w_code == 0, w_err[-3000:]
    times: dict[str, list[float]] = {}
    for line in log.read_text().splitlines():
        stamp, host, _path = line.split(" ", 2)
        if host not in ("127.0.0.1", "localhost", "search.test"):
            times.setdefault(host, []).append(float(stamp))
    gaps = {host: min(b - a for a, b in itertools.pairwise(sorted(ts)))
            for host, ts in times.items() if len(ts) > 1}
    by = [set(_CRAWLED.findall(text)) for text in (err, w_err)]
    shared = by[0] & by[1]
    host, smallest = min(gaps.items(), key=lambda kv: kv[1])
    print(f"politeness: {sum(map(len, times.values()))} requests to {len(times)} hosts; "
          f"{len(shared)} hosts fetched by both workers; smallest gap {smallest:.3f} s "
          f"({host}), delay {delay} s")
    assert shared, (by, out)
    assert smallest >= delay, sorted(gaps.items(), key=lambda kv: kv[1])[:5]


def _state_story(state: CrawlState) -> list[Any]:
    """One small crawl's calls on a state; what it answers."""
    state.push(Candidate("http://a.test/", "a.test", "seed"), 10.0, 0)
    state.push(Candidate("http://b.test/", "b.test", "search"), 5.0, 0)
    answers: list[Any] = [[c.domain for c, _ in state.refill(1)]]
    start = state.begin_page("a.test", "http://a.test/", 0.5,
                             ["http://a.test/", "http://a.test/about", "http://a.test/contact"],
                             max_pages=2)
    answers.append((start.follow, start.refetch, start.relevance, start.distance))
    offers = [(Candidate("http://c.test/", "c.test", "link", distance=1), 9.0, 1),
              (Candidate("http://b.test/", "b.test", "link", distance=1), 99.0, 1),
              (Candidate("http://far.test/", "far.test", "link", distance=3), 50.0, 3)]
    end = state.end_page("a.test", offers, 2)
    answers.append((end.done, [(c.domain, d) for c, d in end.released]))
    end = state.end_page("a.test", [], 2)
    answers.append((end.done, [(c.domain, d) for c, d in end.released], state.released))
    return answers


def test_a_job_is_not_over_before_its_coordinator_starts(redis_url: str) -> None:
    """Between publishing a job and seeding its frontier the job looks empty; a worker
    joining then must not take it for finished: the coordinator counts as a live, busy
    worker from the moment it publishes."""
    server = redis.Redis.from_url(redis_url)
    config = Config(keyword="bees", db_path=Path("x.duckdb"))
    try:
        for coordinator, quiet in ((None, True), ("host:1", False)):
            prefix = publish_job(server, config, 7, coordinator=coordinator)
            worker = RedisState(server, prefix, Frontier(max_sites=10), "host:2", redis_url)
            assert worker.all_quiet() is quiet
            cleanup(server, prefix)
    finally:
        server.close()


def test_redis_state_answers_as_the_local_state(redis_url: str) -> None:
    """The batched Redis scripts keep the single-process semantics: page budget, URLs
    claimed once, first offer of a site wins, distance cap, parallel sites, site budget."""
    server = redis.Redis.from_url(redis_url)
    prefix = "prospector:job:test-state"
    local = _state_story(LocalState(Frontier(max_sites=2)))
    shared = _state_story(RedisState(server, prefix, Frontier(max_sites=2), "w1", redis_url))
    cleanup(server, prefix)
    assert local == shared
    assert local == [["a.test"], (["http://a.test/about"], False, 0.5, 0),
                     (False, [("c.test", 1)]), (True, [], 2)]


def test_shared_politeness_slots(redis_url: str) -> None:
    """One request per host at a time across workers; the next one `delay` after the
    previous answer; other hosts are not held up."""
    server = redis.Redis.from_url(redis_url)
    polite = SharedPoliteness(server, "prospector:job:test-polite", delay=0.3, hold=5.0)
    try:
        assert polite.wait_ms("a.test", "w1:1") == 0
        assert polite.wait_ms("a.test", "w2:1") == round(polite.poll * 1000)  # held
        assert polite.wait_ms("b.test", "w2:2") == 0
        polite.release("a.test", "w1:1")
        wait = polite.wait_ms("a.test", "w2:1")
        assert 200 < wait <= 300
        time.sleep(wait / 1000 + 0.01)
        assert polite.wait_ms("a.test", "w2:1") == 0
    finally:
        cleanup(server, "prospector:job:test-polite")


def test_fetch_counts_are_exact_only_with_the_fetch_log(redis_url: str) -> None:
    """Without the fetch log a job keeps no URL (a HyperLogLog estimates the distinct
    ones, within its 0.81 % standard error); with it the count is exact."""
    server = redis.Redis.from_url(redis_url)
    urls = [f"http://s{i}.test/" for i in range(300)] + ["http://s0.test/", "http://s1.test/"]
    try:
        for exact in (False, True):
            prefix = f"prospector:job:test-fetchlog-{int(exact)}"
            log = FetchLog(server, prefix, exact)
            for url in [*urls, "http://s2.test/robots.txt"]:
                log.process_response(scrapy.Request(url), None)
            log.flush()
            counts = fetch_counts(server, prefix, exact)
            assert (counts.fetched, counts.workers, counts.exact) == (302, 1, exact)
            assert server.exists(f"{prefix}:fetched_urls") == exact
            if exact:
                assert counts.distinct == 300
            else:
                assert abs(counts.distinct - 300) <= 12, counts  # five standard errors
            cleanup(server, prefix)
    finally:
        server.close()


def test_job_settings_swap_the_pipeline_and_touch_nothing_else() -> None:
    """A job's settings put the Redis item pipeline in the store pipeline's place (as
    scrapy-redis does) and the Redis state in the spider's; building them changes no
    Scrapy class: the quick idle checks are set on the job's own engine."""
    before = ExecutionEngine._SLOT_HEARTBEAT_INTERVAL
    settings = build_settings(Config(keyword="bees", db_path=Path("x.duckdb")))
    assert "prospector.crawl.pipeline.StorePipeline" in settings.getdict("ITEM_PIPELINES")
    job_settings(settings, "redis://127.0.0.1:1/0", "prospector:job:x")
    assert settings.getdict("ITEM_PIPELINES") == {
        "prospector.distributed.items.RedisItemPipeline": 300}
    assert load_object(CrawlSettings.from_settings(settings).state_class) is RedisState
    assert before == ExecutionEngine._SLOT_HEARTBEAT_INTERVAL
    engine = ExecutionEngine.__new__(ExecutionEngine)
    FastIdleChecks(SimpleNamespace(engine=engine)).engine_started()  # type: ignore[arg-type]
    assert engine._SLOT_HEARTBEAT_INTERVAL == IDLE_CHECK_SECONDS
    assert before == ExecutionEngine._SLOT_HEARTBEAT_INTERVAL
