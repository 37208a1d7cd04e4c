"""The extraction pool (prospector.crawl.workers): real worker processes, a real CPU
deadline, recycling, back-pressure and clean ends. The crawl-level behaviour (a hostile
page costs at most its deadline; the other sites' contacts are stored) is in
tests/test_hostile_parsing.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from twisted.internet import defer

from prospector.crawl.workers import FAILED, QUEUED_PER_WORKER, TIMEOUT, ExtractionPool
from prospector.extract.page_job import PageJob, PageResult, run_job

HTML = "text/html; charset=utf-8"
PAGE = (b"<html><head><title>Hive notes</title></head><body><h1>Beekeeping</h1>"
        b"<p>Write to webmaster@hive-notes.test about our hives.</p>"
        b"<a href='https://other-bees.test/'>friends</a></body></html>")
# Far past a 50 ms CPU deadline on any machine (≈ 1.5 s to extract here: 40,000 links
# to other sites, each with a disguised address, 3 MB), and no parser pathology: what
# the deadline must stop whatever the parser pre-pass lets through.
SLOW_PAGE = b"<html><body>" + b"".join(
    b"<p><a href='https://site%d.test/x'>mail me%d (at) bees%d.test</a></p>" % (i, i, i)
    for i in range(40_000)) + b"</body></html>"


class MiniReactor:
    """The global Twisted reactor turned by hand on the test's thread (it is never run()
    here): what the pool's worker sockets and timers need, as in a crawl."""

    def __init__(self) -> None:
        from twisted.internet import reactor

        self.reactor: Any = reactor

    def run_until(self, done: Callable[[], bool], seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert time.monotonic() < deadline, "the pool never answered"
            self.reactor.iterate(0.02)

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        self.run_until(lambda: time.monotonic() >= end)

    def close(self, pool: ExtractionPool) -> None:
        ended: list[None] = []
        pool.close().addCallback(ended.append)
        self.run_until(lambda: bool(ended), 30.0)


def job(url: str = "https://hive-notes.test/contact", body: bytes = PAGE) -> PageJob:
    return PageJob(url, body, HTML, "hive-notes.test")


def results_of(pool: ExtractionPool, reactor: MiniReactor, jobs: list[PageJob]) -> list[PageResult]:
    got: list[PageResult] = []
    for deferred in [pool.submit(j) for j in jobs]:
        deferred.addCallback(got.append)
    reactor.run_until(lambda: len(got) == len(jobs))
    return got


def results_of_pool_of_one(mini: MiniReactor, page: PageJob) -> list[PageResult]:
    pool = ExtractionPool(1, reactor=mini.reactor)
    pool.start()
    try:
        return results_of(pool, mini, [page])
    finally:
        mini.close(pool)


@pytest.fixture
def mini() -> MiniReactor:
    return MiniReactor()


def test_a_worker_reads_a_page_as_inline_extraction_does(mini: MiniReactor) -> None:
    pool = ExtractionPool(2, reactor=mini.reactor)
    pool.start()
    try:
        [result] = results_of(pool, mini, [job()])
    finally:
        mini.close(pool)
    inline = run_job(job())
    assert result.error == ""
    assert result.facts == inline.facts
    assert [c.value for c in result.facts.contacts] == ["webmaster@hive-notes.test"]
    # (A warm worker reads this small page in well under a clock tick: the CPU time it
    # reports is checked on a page long enough to register, and on SLOW_PAGE below.)
    [longer] = results_of_pool_of_one(mini, job(body=PAGE.replace(
        b"</body>", b"<p>Bees and hives, all year round.</p>" * 20_000 + b"</body>")))
    assert longer.error == "" and longer.cpu_seconds > 0.0


def test_inline_pool_runs_in_the_callers_thread() -> None:
    pool = ExtractionPool(0)
    pool.start()
    got: list[PageResult] = []
    pool.submit(job()).addCallback(got.append)
    assert got and got[0].facts == run_job(job()).facts  # answered before submit returned
    pool.close()


def test_a_page_past_its_cpu_deadline_is_a_timeout_and_the_next_page_is_read(
        mini: MiniReactor) -> None:
    pool = ExtractionPool(1, deadline=0.05, reactor=mini.reactor)
    pool.start()
    try:
        began = time.monotonic()
        slow, after = results_of(pool, mini, [job("https://slow.test/", SLOW_PAGE), job()])
        seconds = time.monotonic() - began
    finally:
        mini.close(pool)
    print(f"\nslow page answered {slow.error!r}; both pages in {seconds:.2f} s wall")
    assert slow.error == TIMEOUT
    assert slow.facts.url == "https://slow.test/" and not slow.facts.contacts
    assert after.error == "" and after.facts.contacts
    assert pool.stats.timeouts == 1
    assert pool.stats.started == 2  # the timed-out worker was replaced


def test_the_slow_page_is_read_whole_without_a_deadline_to_stop_it(mini: MiniReactor) -> None:
    """The same page is not broken: it is only slow, so a generous deadline reads it."""
    pool = ExtractionPool(1, deadline=60.0, reactor=mini.reactor)
    pool.start()
    try:
        [slow] = results_of(pool, mini, [job("https://slow.test/", SLOW_PAGE)])
    finally:
        mini.close(pool)
    print(f"\nslow page: {slow.cpu_seconds:.2f} s CPU")
    assert slow.error == "" and slow.cpu_seconds > 0.05


def test_workers_are_recycled_and_report_their_peaks(mini: MiniReactor) -> None:
    pool = ExtractionPool(1, recycle_after=3, reactor=mini.reactor)
    pool.start()
    try:
        results = results_of(pool, mini, [job(f"https://hive-notes.test/{n}") for n in range(7)])
    finally:
        mini.close(pool)
    assert [r.error for r in results] == [""] * 7
    assert pool.stats.started == 3  # pages 1-3, 4-6, 7
    assert len(pool.stats.peaks_mb) == 3
    print(f"\nworker peaks: {sorted(round(mb) for mb in pool.stats.peaks_mb.values())} MB")
    assert all(0 < mb <= 150 for mb in pool.stats.peaks_mb.values())


def test_pending_pages_stay_bounded(mini: MiniReactor) -> None:
    pool = ExtractionPool(1, reactor=mini.reactor)
    pool.start()
    try:
        deferreds = [pool.submit(job(f"https://hive-notes.test/{n}")) for n in range(30)]
        # Handed to the workers at once: only the pool's room; the rest wait in the
        # semaphore, in the reactor, without their bodies being queued.
        # (a worker may already have answered one: its room is given back only when
        # the reactor runs the answer's callback)
        assert 0 < pool.pending() <= QUEUED_PER_WORKER
        assert len(pool._room.waiting) == 30 - QUEUED_PER_WORKER
        got: list[PageResult] = []
        for deferred in deferreds:
            deferred.addCallback(got.append)
        most = 0

        def done() -> bool:
            nonlocal most
            most = max(most, pool.pending())
            return len(got) == 30

        mini.run_until(done)
    finally:
        mini.close(pool)
    assert most <= QUEUED_PER_WORKER


def test_a_worker_killed_between_pages_is_replaced_and_loses_no_page(mini: MiniReactor) -> None:
    pool = ExtractionPool(1, reactor=mini.reactor)
    pool.start()
    try:
        results_of(pool, mini, [job()])
        [pid] = pool.worker_pids()
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        [after] = results_of(pool, mini, [job()])
    finally:
        mini.close(pool)
    assert after.error == "" and after.facts.contacts
    assert pool.stats.started == 2


def test_a_worker_dying_mid_page_fails_that_page_only(mini: MiniReactor) -> None:
    pool = ExtractionPool(1, deadline=60.0, reactor=mini.reactor)
    pool.start()
    try:
        results_of(pool, mini, [job()])
        [pid] = pool.worker_pids()
        got: list[PageResult] = []
        pool.submit(job("https://slow.test/", SLOW_PAGE)).addCallback(got.append)
        mini.run_for(0.3)  # the worker is reading the slow page
        os.kill(pid, signal.SIGKILL)
        mini.run_until(lambda: bool(got))
        [after] = results_of(pool, mini, [job()])
    finally:
        mini.close(pool)
    assert got[0].error == FAILED
    assert after.error == ""


def test_a_closed_pool_answers_failed_instead_of_hanging(mini: MiniReactor) -> None:
    pool = ExtractionPool(1, reactor=mini.reactor)
    pool.start()
    mini.close(pool)
    got: list[PageResult] = []
    pool.submit(job()).addCallback(got.append)
    assert got and got[0].error == FAILED


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        ExtractionPool(-1)
    with pytest.raises(ValueError):
        ExtractionPool(1, deadline=0)


_ORPHAN_SCRIPT = textwrap.dedent("""
    import sys, time
    from prospector.crawl.workers import ExtractionPool
    from prospector.extract.page_job import PageJob
    pool = ExtractionPool(2)  # the reactor is never run: the workers wait for pages
    pool.start()
    for n in range(4):
        pool._enqueue(PageJob(f"https://a.test/{n}", b"<p>x</p>", "text/html", "a.test"))
    while len(pool.worker_pids()) < 2:
        time.sleep(0.05)
    print(*pool.worker_pids(), flush=True)
    time.sleep(600)
""")


def test_a_killed_crawl_leaves_no_worker_behind() -> None:
    crawl = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert crawl.stdout is not None
        pids = [int(p) for p in crawl.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        crawl.kill()
        crawl.wait()
        if crawl.stdout is not None:
            crawl.stdout.close()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_deferreds_are_twisted_ones() -> None:
    pool = ExtractionPool(0)
    assert isinstance(pool.submit(job()), defer.Deferred)


@pytest.mark.parametrize(("flags", "toml", "expected"), [
    ({}, "", -1),  # the cores of the machine the crawl runs on, resolved there
    ({"workers": 0}, "", 0),
    ({}, "[extract]\nworkers = 3\ndeadline = 0.5\n", 3),
    ({"workers": 1}, "[extract]\nworkers = 3\n", 1),  # the flag wins
])
def test_the_pool_size_travels_from_flags_and_file_to_the_crawl(
        tmp_path: Path, flags: dict[str, Any], toml: str, expected: int) -> None:
    from prospector.config.model import Config
    from prospector.config.scrapy import CrawlSettings, build_settings

    config_file = tmp_path / "c.toml"
    config_file.write_text(toml)
    config = Config.from_sources({"keyword": "bees", "db_path": tmp_path / "d.duckdb",
                                  "seeds_path": None, **flags}, config_file, {})
    job = CrawlSettings.from_settings(build_settings(config))
    assert job.workers == expected
    assert job.extract_deadline == (0.5 if "deadline" in toml else 2.0)


@pytest.mark.parametrize("toml", ["[extract]\nworkers = -2\n", "[extract]\ndeadline = 0\n",
                                  "[extract]\nworkers = 'many'\n"])
def test_a_bad_pool_setting_is_one_line(tmp_path: Path, toml: str) -> None:
    from prospector.config.model import Config
    from prospector.errors import InputError

    config_file = tmp_path / "c.toml"
    config_file.write_text(toml)
    with pytest.raises(InputError, match=r"workers|deadline"):
        Config.from_sources({"keyword": "bees", "db_path": tmp_path / "d.duckdb"},
                            config_file, {})


def test_host_names_a_worker_refused_reach_the_crawls_summary(mini: MiniReactor) -> None:
    from prospector.hosts import REFUSED

    REFUSED.take()  # from zero
    bad = PAGE.replace(b"</body>", b"<a href='http://x&#x1b;y.test/'>esc</a></body>")
    pool = ExtractionPool(1, reactor=mini.reactor)
    pool.start()
    try:
        [result] = results_of(pool, mini, [job(body=bad)])
    finally:
        mini.close(pool)
    count, examples = REFUSED.take()
    assert result.refused and count == 1 and "control character U+001B" in examples[0]


def test_a_worker_scores_the_pages_relevance_as_the_crawl_did(mini: MiniReactor) -> None:
    from prospector.discover.frontier import keyword_pattern, relevance

    pattern = keyword_pattern(["beekeeping", "hives"])
    page = PageJob("https://hive-notes.test/contact", PAGE, HTML, "hive-notes.test",
                   pattern.pattern)
    pool = ExtractionPool(1, reactor=mini.reactor)
    pool.start()
    try:
        [result] = results_of(pool, mini, [page])
    finally:
        mini.close(pool)
    expected = relevance(f"{result.facts.title} {result.facts.text}", pattern)
    assert 0.0 < result.relevance == expected == run_job(page).relevance
    assert run_job(job()).relevance == 0.0  # no pattern sent, nothing counted


def test_pages_in_flight_behind_a_timed_out_page_are_all_read_again(mini: MiniReactor) -> None:
    from prospector.crawl.workers import IN_FLIGHT

    pool = ExtractionPool(1, deadline=0.2, reactor=mini.reactor)
    pool.start()
    followers = [job(f"https://hive-notes.test/{n}") for n in range(IN_FLIGHT + 3)]
    try:
        slow, *after = results_of(pool, mini, [job("https://slow.test/", SLOW_PAGE), *followers])
    finally:
        mini.close(pool)
    assert slow.error == TIMEOUT
    # Sent to the worker that died behind the slow page, or still waiting: each read once,
    # by its successor, and answered to its own caller.
    assert [r.error for r in after] == [""] * len(followers)
    assert [r.facts.url for r in after] == [f.url for f in followers]
    assert pool.stats.started == 2 and pool.stats.timeouts == 1
    assert pool.stats.pages == len(followers) + 1
