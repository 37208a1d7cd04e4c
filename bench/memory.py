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

`--keep DIR` keeps each crawl's DB; `--rescore DB...` then measures the scoring alone
(`prospector.score.rescore` on a copy of each DB, in a process of its own: its peak RSS
and its time), which is most of what the command adds to the crawl.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl import Run, bench_web, load, run_child

GOAL_MB = 300.0


def measure(size: int, pages: int, keep: Path | None = None) -> Run:
    sites = max(1, size // pages)
    with bench_web(sites, pages) as bench:
        bench.keep = keep
        return bench.pipeline("memory")


def rescore_alone(db: Path) -> str:
    """Score a copy of `db` in a child process; its peak RSS and time, one line."""
    with tempfile.TemporaryDirectory(prefix="bench-rescore-") as tmp:
        copy = Path(tmp) / "rescore.duckdb"
        shutil.copyfile(db, copy)
        code = ("import sys; from prospector.store.db import Store; "
                "from prospector.score import rescore; "
                "store = Store.open(sys.argv[1]); print(rescore(store)); store.close()")
        child = run_child([sys.executable, "-c", code, str(copy)], Path(tmp))
    if child.code != 0:
        raise SystemExit(f"rescore of {db} failed ({child.code}): {child.err[-1500:]}")
    # The last line: DuckDB may draw a progress bar on stdout before it.
    sites = child.out.strip().splitlines()[-1]
    return (f"rescore {db.name}: {sites} sites, peak {child.peak_rss_mb:.0f} MB, "
            f"{child.seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000,50000",
                        help="pages per crawl, comma-separated (5000,20000,50000)")
    parser.add_argument("--pages", type=int, default=10, help="pages per bulk site (10)")
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000 pages only")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each crawl's DB in DIR (memory-SIZE.duckdb) to re-score")
    parser.add_argument("--rescore", type=Path, nargs="+", metavar="DB",
                        help="measure the scoring alone on these DBs (from --keep)")
    args = parser.parse_args()
    if args.rescore:
        print(load(), flush=True)
        for db in args.rescore:
            print(rescore_alone(db), flush=True)
        print(load())
        return
    sizes = [2000, 5000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(load(), flush=True)
    runs: list[Run] = []
    for size in sizes:
        run = measure(size, args.pages, args.keep)
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
