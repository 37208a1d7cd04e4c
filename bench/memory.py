"""Memory benchmark: peak RSS of full-pipeline crawls (`prospector crawl`: crawl +
extract + store, then scoring) of 5,000, 20,000 and 50,000 bulk sample-web pages.

    .venv/bin/python bench/memory.py [--quick] [--sizes 5000,20000,50000] [--pages 10]

Each size is its own sample web (SIZE / PAGES bulk sites of PAGES pages, see
prospector/sampleweb/bulk.py) and its own `prospector crawl --fast` process with every
home page as a seed and budgets opened up (bench/crawl.py). Two peaks are printed:
`crawl` is the process's VmHWM when Scrapy logged "Spider closed" (discovery, the crawl
and the store's last flush), `command` its peak over the whole run (os.wait4's
ru_maxrss; the scoring after the crawl included). `--quick` runs 2,000 and 5,000 pages
(for `make bench`); the 50,000-page run takes several minutes on 2 CPUs.
Asserts nothing; the goal is ≤ 300 MB at 50,000 pages and flat in pages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl import Run, bench_web, load

GOAL_MB = 300.0


def measure(size: int, pages: int) -> Run:
    sites = max(1, size // pages)
    with bench_web(sites, pages) as bench:
        return bench.pipeline("memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000,50000",
                        help="pages per crawl, comma-separated (5000,20000,50000)")
    parser.add_argument("--pages", type=int, default=10, help="pages per bulk site (10)")
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000 pages only")
    args = parser.parse_args()
    sizes = [2000, 5000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(load(), flush=True)
    runs: list[Run] = []
    for size in sizes:
        run = measure(size, args.pages)
        runs.append(run)
        print(f"{run.pages:6d} pages: crawl peak {run.crawl_peak_mb:6.0f} MB, command peak "
              f"{run.peak_rss_mb:6.0f} MB; {run.rate:6.1f} pages/s (crawl {run.crawl:.1f} s, "
              f"command {run.command:.1f} s, {run.errors} errors)", flush=True)
    first, last = runs[0], runs[-1]
    if len(runs) > 1:
        print(f"ratio {last.pages}/{first.pages} pages: crawl peak "
              f"{last.crawl_peak_mb / first.crawl_peak_mb:.2f}, command peak "
              f"{last.peak_rss_mb / first.peak_rss_mb:.2f}")
    print(f"goal <= {GOAL_MB:.0f} MB at {last.pages} pages: crawl "
          f"{'met' if last.crawl_peak_mb <= GOAL_MB else 'NOT met'}, command "
          f"{'met' if last.peak_rss_mb <= GOAL_MB else 'NOT met'}")
    print(load())


if __name__ == "__main__":
    main()
