"""Scale-out benchmark: pages/s of one plain process, one distributed worker and two
distributed workers over the same sample-web crawl, measured in the same run.

    .venv/bin/python bench/scaleout.py [--rounds N]

Starts the sample web and a redis-server (Debian package) on free loopback ports.
Prints figures and ratios; asserts nothing (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prospector.sampleweb_proc import SampleWebProcess  # noqa: E402
from prospector.store.db import Store  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def crawl(db: Path, web: str, redis_url: str | None, workers: int) -> tuple[float, int, str]:
    args = [sys.executable, "-m", "prospector", "crawl", "beekeeping", "--db", str(db),
            "--search", web, "--backend", "sampleweb", "--proxy", web, "--fast", "--no-progress"]
    if redis_url:
        args += ["--redis", redis_url]
    started = time.perf_counter()
    coordinator = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    extra = []
    if redis_url and workers > 1:
        client = redis.Redis.from_url(redis_url)
        while not client.get("prospector:current") and coordinator.poll() is None:
            time.sleep(0.02)
        extra = [subprocess.Popen([sys.executable, "-m", "prospector", "worker", "--redis",
                                   redis_url], cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers - 1)]
    out, err = coordinator.communicate()
    for proc in extra:
        proc.wait()
    elapsed = time.perf_counter() - started
    if coordinator.returncode != 0:
        raise SystemExit(f"crawl failed: {err[-500:]}")
    with Store.open(db, read_only=True) as store:
        pages = int(store.query("SELECT count(*) FROM pages")[1][0][0])
    match = re.search(r"\d+ URLs fetched \(\d+ distinct\) by \d+ workers", out)
    return elapsed, pages, match.group(0) if match else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="bench-redis-")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", folder],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    time.sleep(0.5)
    try:
        with SampleWebProcess() as web, tempfile.TemporaryDirectory() as tmp:
            results: dict[str, list[tuple[float, int, str]]] = {}
            for n in range(rounds):
                for name, redis_url, workers in (("plain", None, 1), ("1 worker", url, 1),
                                                 ("2 workers", url, 2)):
                    db = Path(tmp) / f"{name.replace(' ', '_')}-{n}.duckdb"
                    results.setdefault(name, []).append(crawl(db, web.url, redis_url, workers))
            best = {name: min(runs) for name, runs in results.items()}
            for name, (elapsed, pages, fetched) in best.items():
                print(f"{name:10} {pages:5d} pages in {elapsed:6.2f} s = {pages / elapsed:6.1f} "
                      f"pages/s (whole command, best of {rounds}); {fetched}")
            plain = best["plain"][1] / best["plain"][0]
            for name in ("1 worker", "2 workers"):
                rate = best[name][1] / best[name][0]
                print(f"{name} / plain = {rate / plain:.2f}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
