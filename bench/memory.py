"""Memory benchmark: peak RSS of full-pipeline crawls (`prospector crawl`: crawl +
extract + store, then scoring) of 5,000, 20,000 and 50,000 bulk sample-web pages.

    .venv/bin/python bench/memory.py [--quick] [--sizes 5000,20000,50000] [--pages 10]
                                     [--workers N] [--allow-private] [--timeline DIR]

Each size is its own sample web (SIZE / PAGES bulk sites of PAGES pages, see
prospector/sampleweb/bulk.py) and its own `prospector crawl --fast` process with every
home page as a seed and budgets opened up (bench/crawl.py), run through the launcher of
bench/peak_rss.py (os.wait4 on a child of this process would report at least this
process's own peak: Linux keeps the high-water mark across exec). Printed per size:
`crawl` is the crawl process's VmHWM when Scrapy logged "Spider closed" (discovery, the
crawl and the store's last flush), `command` its peak over the whole run (the scoring
after the crawl included); this process's RSS when it forked the crawl and what os.wait4
alone would have said; each extraction worker's peak (the pool's log line), the
forkserver's, and the sum of all processes (a bound, and the largest sum of RSS and PSS
seen at one instant); the writes' batch sizes; the crawl's lowest and highest RSS in
each tenth of its run (a rising floor is state that grows, the highs are the writes).
Then the goal lines: the crawl process <= 300 MB at the largest size, growth <= 10 %
from the smallest, each worker <= 150 MB. `--quick` runs 2,000 and 5,000 pages (for
`make bench`); the 50,000-page run takes 10+ minutes on 2 CPUs. Asserts nothing.

`--keep DIR` keeps each crawl's DB; `--rescore DB...` then measures the scoring alone
(`prospector.score.rescore` on a copy of each DB, in a process of its own: its peak RSS
and its time), which is most of what the command adds to the crawl.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl import Run, bench_web, load, run_child

GOAL_MB = 300.0
GROWTH_GOAL = 1.10  # the crawl's peak at the largest size against the smallest
WORKER_GOAL_MB = 150.0
# The worker pool's line when it recycles or closes a worker (prospector/crawl/workers.py).
_WORKER_LINE = re.compile(r"extraction worker (\d+) peak RSS ([0-9.]+) MB")
# The sink's line for each write (prospector/crawl/sink.py): what the crawl held for it.
_BATCH_LINE = re.compile(r"stored a batch of (\d+) pages")


def measure(size: int, pages: int, keep: Path | None = None,
            extra: tuple[str, ...] = ()) -> Run:
    sites = max(1, size // pages)
    with bench_web(sites, pages) as bench:
        bench.keep = keep
        return bench.pipeline("memory", extra)


def worker_peaks(run: Run) -> dict[int, float]:
    """Each extraction worker's peak RSS in MB, as the pool logs it when it recycles or
    closes the worker (its VmHWM, read by the worker itself), raised to the last VmHWM
    the bench's watcher read while it lived."""
    assert run.child is not None and run.child.family is not None
    seen = run.child.family.child_peaks_kb
    return {int(pid): max(float(mb), seen.get(int(pid), 0) / 1024)
            for pid, mb in _WORKER_LINE.findall(run.child.err)}


def other_peaks(run: Run) -> dict[int, float]:
    """Peaks of the crawl's other Python descendants (the forkserver the workers are
    forked from), as the watcher read them."""
    assert run.child is not None and run.child.family is not None
    workers = worker_peaks(run)
    return {pid: kb / 1024 for pid, kb in run.child.family.child_peaks_kb.items()
            if pid not in workers}


def describe(run: Run) -> list[str]:
    """The lines printed for one size."""
    child = run.child
    assert child is not None and child.family is not None
    family = child.family
    lines = [f"{run.pages:6d} pages: crawl peak {run.crawl_peak_mb:6.0f} MB, command peak "
             f"{run.peak_rss_mb:6.0f} MB; {run.rate:6.1f} pages/s (crawl {run.crawl:.1f} s, "
             f"command {run.command:.1f} s, {run.errors} errors)",
             f"        measured: bench process at fork VmRSS {child.bench_rss_mb:.0f} MB, "
             f"VmHWM {child.bench_hwm_mb:.0f} MB; os.wait4 without the launcher would say "
             f"{child.direct_peak_mb:.0f} MB"]
    peaks, others = worker_peaks(run), other_peaks(run)
    if peaks:
        top = max(peaks.values())
        alive = max(0, family.most_children - len(others))
        bound = run.peak_rss_mb + sum(others.values()) + alive * top
        lines.append(
            f"        workers: {len(peaks)} in the pool's log ({alive} alive at once), peaks "
            f"{', '.join(f'{mb:.0f}' for mb in sorted(peaks.values(), reverse=True)[:8])} MB "
            f"(max {top:.0f} MB); other processes (forkserver, resource tracker) "
            f"{', '.join(f'{mb:.0f}' for mb in others.values()) or 'none'} MB")
        lines.append(
            f"        all processes: crawl peak + others + {alive} x worker max = {bound:.0f} "
            f"MB (bound); largest sum seen at one instant: RSS "
            f"{family.total_rss_kb / 1024:.0f} MB, PSS {family.total_pss_kb / 1024:.0f} MB")
    else:
        lines.append(f"        workers: none (extraction inline); largest RSS seen "
                     f"{family.total_rss_kb / 1024:.0f} MB")
    batches = sorted(int(n) for n in _BATCH_LINE.findall(child.err))
    if batches:
        lines.append(f"        writes: {len(batches)} batches, pages per batch median "
                     f"{batches[len(batches) // 2]}, largest {batches[-1]}")
    lines.append("        crawl RSS low-high by tenth of the command's time (MB): " + " ".join(
        f"{low:.0f}-{high:.0f}" for low, high in tenths(family.timeline)))
    return lines


def tenths(timeline: list[tuple[float, int]]) -> list[tuple[float, float]]:
    """(lowest, highest) VmRSS in each tenth of the run: the floor that a growing state
    raises, and the write path's passing peaks above it."""
    if not timeline:
        return []
    end = timeline[-1][0] or 1.0
    slots: list[list[float]] = [[] for _ in range(10)]
    for seconds, kb in timeline:
        slots[min(9, int(10 * seconds / end))].append(kb / 1024)
    return [(min(slot), max(slot)) for slot in slots if slot]


def save_timeline(run: Run, folder: Path) -> None:
    """The crawl's VmRSS every 0.25 s, and its log (the sink's batch lines carry times)."""
    assert run.child is not None and run.child.family is not None
    lines = [f"{s:.2f},{kb}" for s, kb in run.child.family.timeline]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"timeline-{run.pages}.csv").write_text("seconds,vmrss_kb\n" + "\n".join(lines))
    (folder / f"crawl-{run.pages}.log").write_text(run.child.err)


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
    parser.add_argument("--timeline", type=Path, metavar="DIR",
                        help="write each crawl's VmRSS every 0.25 s to DIR/timeline-PAGES.csv "
                        "and its log to DIR/crawl-PAGES.log")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="passed to `prospector crawl --workers N` (0: inline)")
    parser.add_argument("--allow-private", action="store_true",
                        help="passed to `prospector crawl`: the guard skips its DNS lookups "
                        "(the crawl runs up to twice as fast, and a faster crawl holds more)")
    args = parser.parse_args()
    extra = ("--workers", str(args.workers)) if args.workers is not None else ()
    if args.allow_private:
        extra += ("--allow-private",)
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
        run = measure(size, args.pages, args.keep, extra)
        runs.append(run)
        if args.timeline:
            save_timeline(run, args.timeline)
        print("\n".join(describe(run)), flush=True)
    print("\n".join(goal_lines(runs)))
    print(load())


def goal_lines(runs: list[Run]) -> list[str]:
    first, last = runs[0], runs[-1]
    lines = [f"goal: crawl process <= {GOAL_MB:.0f} MB at {last.pages} pages: crawl peak "
             f"{last.crawl_peak_mb:.0f} MB {_met(last.crawl_peak_mb <= GOAL_MB)}, command peak "
             f"{last.peak_rss_mb:.0f} MB {_met(last.peak_rss_mb <= GOAL_MB)}"]
    if len(runs) > 1:
        growth = last.crawl_peak_mb / first.crawl_peak_mb
        lines.append(f"goal: growth {first.pages} -> {last.pages} pages <= "
                     f"{100 * (GROWTH_GOAL - 1):.0f} %: crawl peak {100 * (growth - 1):+.1f} % "
                     f"{_met(growth <= GROWTH_GOAL)} (command peak "
                     f"{100 * (last.peak_rss_mb / first.peak_rss_mb - 1):+.1f} %)")
    peaks = [mb for run in runs for mb in worker_peaks(run).values()]
    if peaks:
        lines.append(f"goal: each extraction worker <= {WORKER_GOAL_MB:.0f} MB: max "
                     f"{max(peaks):.0f} MB over {len(peaks)} workers "
                     f"{_met(max(peaks) <= WORKER_GOAL_MB)}")
    else:
        lines.append("goal: each extraction worker <= 150 MB: no worker process ran")
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
