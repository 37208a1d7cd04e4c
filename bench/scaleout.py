"""Scale-out benchmark: pages/s of one plain process, one distributed worker and two
distributed workers over the same crawls, measured in the same run.

    .venv/bin/python bench/scaleout.py [--rounds N] [--bulk-sites N] [--bulk-pages N]

Two crawls: the ≈300-page sample web (discovery through its search backend), and, when
the sample web has its bulk part (prospector/sampleweb/bulk.py), `--bulk-sites` bulk
sites of `--bulk-pages` pages given as seeds (0 sites: skipped). Each is timed two ways:

- whole command: from starting `prospector crawl` to its exit (discovery, start-up of
  every process, the end-of-crawl agreement, loading and scoring included);
- crawl phase: from the first page fetched to the last (the stored `fetched_at`), the
  throughput once the workers are running;
- CPU: user + system seconds of all the crawl's processes, per page (what a crawl costs
  whatever else the machine is doing; two workers can only beat one process where there
  is a free core for each).

The extra worker is started as a user would, once the coordinator has published the
job. Starts the sample web and a redis-server (Debian package) on free loopback ports.
Prints figures and ratios; asserts nothing (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.redis_server import RedisMissing, redis_server  # noqa: E402
from prospector.sampleweb.proc import SampleWebProcess  # noqa: E402
from prospector.store.db import Store  # noqa: E402

MODES = (("plain", False, 1), ("1 worker", True, 1), ("2 workers", True, 2))


@dataclasses.dataclass(frozen=True)
class Run:
    elapsed: float  # whole command
    phase: float  # first fetch to last fetch
    pages: int
    cpu: float  # user + system seconds of the crawl's processes (coordinator and workers)
    fetched: str  # the coordinator's "N URLs fetched (M distinct) by K workers"


def crawl(db: Path, args: list[str], redis_url: str | None, workers: int) -> Run:
    args = [sys.executable, "-m", "prospector", "crawl", "beekeeping", "--db", str(db), *args,
            "--fast", "--no-progress"]
    if redis_url:
        args += ["--redis", redis_url]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    coordinator = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    extra = []
    if redis_url and workers > 1:
        client = redis.Redis.from_url(redis_url)
        while not client.get("prospector:current") and coordinator.poll() is None:
            time.sleep(0.02)
        client.close()
        extra = [subprocess.Popen([sys.executable, "-m", "prospector", "worker", "--redis",
                                   redis_url], cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers - 1)]
    out, err = coordinator.communicate()
    for proc in extra:
        proc.wait()
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if coordinator.returncode != 0:
        raise SystemExit(f"crawl failed: {err[-500:]}")
    with Store.open(db, read_only=True) as store:
        pages, first, last = store.query(
            "SELECT count(*), epoch(min(fetched_at)), epoch(max(fetched_at)) FROM pages")[1][0]
    match = re.search(r"\d+ URLs fetched \(\d+ distinct\) by \d+ workers", out)
    return Run(elapsed, float(last) - float(first), int(pages), cpu,
               match.group(0) if match else "-")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(title: str, results: dict[str, list[Run]], rounds: int) -> None:
    print(f"## {title} (best of {rounds})")
    for name, runs in results.items():
        whole = min(runs, key=lambda r: r.elapsed)
        phase = min(runs, key=lambda r: r.phase)
        cpu = min(run.cpu for run in runs)
        print(f"{name:10} {whole.pages:6d} pages: whole command {whole.elapsed:6.2f} s = "
              f"{whole.pages / whole.elapsed:6.1f} pages/s; crawl phase {phase.phase:6.2f} s = "
              f"{phase.pages / phase.phase:6.1f} pages/s; CPU {cpu:6.2f} s = "
              f"{1000 * cpu / whole.pages:5.1f} ms/page; {whole.fetched}")
    for metric in ("whole command", "crawl phase"):
        def rate(name: str, metric: str = metric) -> float:
            if metric == "whole command":
                best = min(results[name], key=lambda r: r.elapsed)
                return best.pages / best.elapsed
            best = min(results[name], key=lambda r: r.phase)
            return best.pages / best.phase

        plain = rate("plain")
        print(f"{metric}: " + ", ".join(f"{name} / plain = {rate(name) / plain:.2f}"
                                        for name in ("1 worker", "2 workers")))
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bulk-sites", type=int, default=300,
                        help="bulk sites to crawl as a second workload (0: none)")
    parser.add_argument("--bulk-pages", type=int, default=10, help="pages per bulk site")
    options = parser.parse_args()
    rounds = options.rounds
    bulk = options.bulk_sites if "bulk_sites" in {
        f.name for f in dataclasses.fields(SampleWebProcess)} else 0
    web_options = {"bulk_sites": bulk, "bulk_pages": options.bulk_pages} if bulk else {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder, \
                redis_server(Path(folder)) as url, \
                SampleWebProcess(**web_options) as web, tempfile.TemporaryDirectory() as tmp:
            workloads = {"sample web (search, ≈300 pages)":
                         ["--search", web.url, "--backend", "sampleweb", "--proxy", web.url]}
            if bulk:
                seeds = Path(tmp) / "seeds.txt"
                with urllib.request.urlopen(f"{web.url}/bulk-seeds.txt") as answer:
                    seeds.write_bytes(answer.read())
                workloads[f"bulk web ({bulk} sites x {options.bulk_pages} pages, seeds)"] = [
                    "--seeds", str(seeds), "--proxy", web.url, "--max-sites", str(bulk),
                    "--max-pages", str(options.bulk_pages)]
            print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            for index, (title, args) in enumerate(workloads.items()):
                results: dict[str, list[Run]] = {}
                for n in range(rounds):
                    for name, distributed, workers in MODES:
                        db = Path(tmp) / f"{index}-{name.replace(' ', '_')}-{n}.duckdb"
                        results.setdefault(name, []).append(
                            crawl(db, args, url if distributed else None, workers))
                report(title, results, rounds)
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    except RedisMissing as exc:
        raise SystemExit(str(exc)) from None


if __name__ == "__main__":
    main()
