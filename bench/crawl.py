"""Crawl benchmark: pages/s of the full pipeline (`prospector crawl`: crawl + extract +
store) against a bare Scrapy spider that only follows links, over the same bulk pages
of the sample web (prospector/sampleweb/bulk.py), measured in the same run.

    .venv/bin/python bench/crawl.py [--sites 500] [--pages 10] [--rounds 2]

Both crawls run as their own process against one sample-web server (proxy-style
requests to `*.test` hosts), with the same concurrency (`--fast`: 32 requests, 8 per
site, no delays), robots.txt obeyed by both. The pipeline gets every bulk home page as a
seed and budgets opened up (`--max-sites SITES --max-pages PAGES`), so it fetches the
same SITES × PAGES pages the bare spider reaches by following every link.

Pages are the responses each crawl received, robots.txt not counted (Scrapy's own
stats: response_received_count less robotstxt/response_count). Since issue 21 the
pipeline asks each site's main feed as one of its `--max-pages` requests (the bulk
sites answer their engine's feed path 404), so it stores 4,500 pages of its 5,000
responses; counting stored pages only understated it by those 500 requests.

Figures: `crawl` is Scrapy's own elapsed time (spider open to close: the store is opened
and flushed inside it); `command` is the whole process (start-up, discovery, scoring).
Rounds alternate bare/pipeline; the best of each is kept. Asserts nothing: these
machines are shared and noisy, so the ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prospector.sampleweb.bulk import BulkWeb  # noqa: E402
from prospector.sampleweb.proc import SampleWebProcess  # noqa: E402

sys.path.insert(0, str(REPO / "bench"))
from peak_rss import LAUNCHER, Family, status_kb, watch_family  # noqa: E402

GOAL = 0.85  # issue 10: the whole pipeline no slower than 0.85x bare Scrapy
GOAL_WORKERS = 2.0  # issue 23: with extraction in worker processes, on this 2-core machine
_ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")
_RESPONSES = re.compile(r"'response_received_count': (\d+)")
_ROBOTS = re.compile(r"'robotstxt/response_count': (\d+)")
# What the guard's lookups cost (crawl/middlewares/guard.py record_stats): requests that
# waited for their name's answer, and how long in all, are the figures to read.
_DNS_STAT = re.compile(r"'prospector/dns/([a-z_]+)': ([0-9.]+)")


@dataclass(frozen=True)
class Run:
    name: str
    pages: int  # responses received (robots.txt not counted)
    crawl: float  # seconds, Scrapy's elapsed_time_seconds
    command: float  # seconds, the whole process
    peak_rss_mb: float  # the crawl process's own peak resident set (bench/peak_rss.py)
    errors: int = 0
    crawl_peak_mb: float = 0.0  # its peak until the spider closed (before scoring)
    child: Child | None = None  # how it was measured (the bench's own RSS, its children)

    @property
    def rate(self) -> float:
        return self.pages / self.crawl if self.crawl else 0.0


def _count(pattern: re.Pattern[str], log: str) -> int:
    match = pattern.search(log)
    return int(match.group(1)) if match else 0


def _cpu_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU since boot (/proc/stat's first line): how busy
    the machine was between two reads, whichever process used it."""
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # less idle and iowait


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


@dataclass(frozen=True)
class Child:
    code: int
    seconds: float
    peak_rss_mb: float  # the command's own peak (ru_maxrss, through bench/peak_rss.py)
    crawl_peak_mb: float  # its VmHWM when Scrapy logged "Spider closed" (0: never seen)
    out: str
    err: str
    # ru_maxrss of the launcher as os.wait4 here gives it: at least this process's own
    # peak when it forked (what the benches reported before the launcher).
    direct_peak_mb: float = 0.0
    bench_rss_mb: float = 0.0  # this (bench) process's VmRSS when it forked the command
    bench_hwm_mb: float = 0.0  # and its VmHWM then
    family: Family | None = None  # the command's children (extraction workers) as seen


def run_child(args: list[str], folder: Path) -> Child:
    """Run one process to its end through the launcher, its output in files.

    The launcher (bench/peak_rss.py) gives the command's own peak RSS: os.wait4 on a
    direct child would report at least this process's peak (Linux keeps the high-water
    mark across exec). A thread reads the command's VmHWM (its peak so far) the moment
    Scrapy logs "Spider closed", which is the crawl's peak before the scoring that
    follows; another samples the command's children (extraction workers) while they live."""
    out_path, err_path = folder / "child.out", folder / "child.err"
    report = folder / "child.rss"
    for path in (report, Path(f"{report}.pid")):
        path.unlink(missing_ok=True)
    crawl_peak = [0]
    bench_rss, bench_hwm = status_kb(os.getpid(), "VmRSS:"), status_kb(os.getpid(), "VmHWM:")
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(report), *args],
                                cwd=REPO, stdout=out, stderr=err)
        done = threading.Event()
        family = watch_family(report, done)

        def watch() -> None:
            with err_path.open() as log:
                while not done.is_set():
                    if "Spider closed" in log.read() and family.pid:
                        crawl_peak[0] = status_kb(family.pid, "VmHWM:")
                        return
                    time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        done.set()
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    own = int(report.read_text()) if report.exists() else 0
    return Child(proc.returncode, elapsed, own / 1024, crawl_peak[0] / 1024,
                 out_path.read_text(), err_path.read_text(), usage.ru_maxrss / 1024,
                 bench_rss / 1024, bench_hwm / 1024, family)


@dataclass
class Bench:
    """A sample web with a bulk part, its seed file and a scratch folder."""

    sites: int
    pages: int
    folder: Path
    url: str = ""
    keep: Path | None = None  # a folder to move each pipeline DB to (else it is deleted)

    @property
    def seeds(self) -> Path:
        return self.folder / "seeds.txt"

    def pipeline(self, tag: str, extra: tuple[str, ...] = ()) -> Run:
        db = self.folder / f"pipeline-{tag}.duckdb"
        child = run_child(
            [sys.executable, "-m", "prospector", "crawl", "beekeeping", "--db", str(db),
             "--seeds", str(self.seeds), "--proxy", self.url, "--fast", "--no-progress",
             "--max-sites", str(self.sites), "--max-pages", str(self.pages),
             "--log-level", "INFO", *extra], self.folder)
        if child.code != 0:
            raise SystemExit(f"pipeline crawl failed ({child.code}): {child.err[-1500:]}")
        match = _ELAPSED.search(child.err)
        crawl = float(match.group(1)) if match else child.seconds
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            row = con.execute("SELECT count(*), count(*) FILTER (WHERE status <> 200) "
                              "FROM pages").fetchone()
        assert row is not None
        if self.keep is not None:
            # For measuring the scoring alone on the same DB afterwards.
            db.replace(self.keep / f"{tag}-{self.sites * self.pages}.duckdb")
        for path in (db, Path(f"{db}.wal"), Path(f"{db}.lock")):
            path.unlink(missing_ok=True)
        responses = _count(_RESPONSES, child.err) - _count(_ROBOTS, child.err)
        dns = ", ".join(f"{k} {v}" for k, v in _DNS_STAT.findall(child.err))
        print(f"  (pipeline stored {row[0]} pages of its {responses} responses; DNS: {dns})",
              flush=True)
        return Run("pipeline", responses, crawl, child.seconds, child.peak_rss_mb, int(row[1]),
                   child.crawl_peak_mb, child)

    def bare(self) -> Run:
        child = run_child(
            [sys.executable, __file__, "--bare-spider", self.url, str(self.seeds)], self.folder)
        if child.code != 0:
            raise SystemExit(f"bare spider failed ({child.code}): {child.err[-1500:]}")
        stats = json.loads(child.out.strip().splitlines()[-1])
        return Run("bare", int(stats["pages"]), float(stats["elapsed"]), child.seconds,
                   child.peak_rss_mb, int(stats["errors"]), child=child)


@contextmanager
def bench_web(sites: int, pages: int) -> Iterator[Bench]:
    """Start the sample web with SITES bulk sites; yields the bench, stops the web."""
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp, \
            SampleWebProcess(bulk_sites=sites, bulk_pages=pages) as web:
        bench = Bench(sites, pages, Path(tmp), web.url)
        bench.seeds.write_text("".join(f"{u}\n" for u in BulkWeb(web.seed, sites, pages)
                                       .seed_lines()))
        yield bench


def show(run: Run) -> str:
    return (f"{run.name:9} {run.pages:6d} pages  crawl {run.crawl:7.2f} s = {run.rate:6.1f} pages/s"
            f"  (command {run.command:6.2f} s, peak RSS {run.peak_rss_mb:5.0f} MB"
            f", {run.errors} errors)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=500, help="bulk sites (500)")
    parser.add_argument("--pages", type=int, default=10, help="pages per site (10)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, best kept (2)")
    parser.add_argument("--sweep-workers", metavar="N,N", default="",
                        help="then one pipeline crawl for each of these --workers values, "
                        "with how busy the machine's CPUs were (e.g. 0,1,2)")
    args = parser.parse_args()
    print(f"bulk web: {args.sites} sites x {args.pages} pages = {args.sites * args.pages} pages; "
          f"{load()}", flush=True)
    best: dict[str, Run] = {}
    with bench_web(args.sites, args.pages) as bench:
        for n in range(args.rounds):
            for measure in (bench.bare, lambda n=n: bench.pipeline(str(n))):
                run = measure()
                print(f"round {n + 1}: {show(run)}", flush=True)
                if run.name not in best or run.rate > best[run.name].rate:
                    best[run.name] = run
        for workers in filter(None, args.sweep_workers.split(",")):
            before = _cpu_ticks()
            run = bench.pipeline(f"w{workers}", ("--workers", workers))
            busy, total = (b - a for a, b in zip(before, _cpu_ticks(), strict=True))
            print(f"--workers {workers}: {show(run)}; CPUs {100 * busy / total:.0f} % busy "
                  f"over the command", flush=True)
    print(f"best of {args.rounds}:")
    for run in best.values():
        print(f"  {show(run)}")
    ratio = best["pipeline"].rate / best["bare"].rate
    whole = (best["pipeline"].pages / best["pipeline"].command) / (
        best["bare"].pages / best["bare"].command)
    print(f"pipeline / bare = {ratio:.2f} (crawl time; whole command {whole:.2f}); "
          f"goal >= {GOAL}: {'met' if ratio >= GOAL else 'NOT met'}; "
          f"issue 23's goal >= {GOAL_WORKERS}: {'met' if ratio >= GOAL_WORKERS else 'NOT met'}")
    print(load())


# -- the bare spider: Scrapy's defaults, following every link ----------------------------


def bare_spider(proxy: str, seeds: Path) -> None:
    """Run the bare spider in this process; print its figures as one JSON line."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import TextResponse

    class BareSpider(scrapy.Spider):
        name = "bare"
        # Every bulk site is a *.test host and bulk pages link nowhere else; one suffix
        # rather than one entry per site keeps Scrapy's offsite regex small.
        allowed_domains = ["test"]  # noqa: RUF012 - as Scrapy declares it

        async def start(self) -> Any:
            for url in seeds.read_text().split():
                yield scrapy.Request(url)

        def parse(self, response: TextResponse) -> Any:  # type: ignore[override]
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("bench/pages")
            yield from response.follow_all(css="a")

    # Scrapy's HttpProxyMiddleware takes the proxy from the environment, for every
    # request (robots.txt included): the sample web answers proxy-style requests.
    os.environ["http_proxy"] = proxy
    process = CrawlerProcess({
        # As `prospector crawl --fast`: concurrency, no delays, robots.txt obeyed.
        "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    errors = sum(v for k, v in stats.items() if k.startswith("downloader/exception_count"))
    errors += sum(v for k, v in stats.items()
                  if k.startswith("downloader/response_status_count/") and not k.endswith("/200"))
    responses = stats.get("response_received_count", 0) - stats.get(
        "robotstxt/response_count", 0)
    print(json.dumps({"pages": responses,
                      "elapsed": stats.get("elapsed_time_seconds", 0.0), "errors": errors}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bare-spider":
        bare_spider(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
