"""Batch sizes of real crawls: how many pages each of the crawl's flushes writes.

    .venv/bin/python bench/batches.py [--only NAME[,NAME]] [--bulk-polite-sites 100]

The pipeline flushes its buffer at PROSPECTOR_BATCH_SIZE pages (200) or after
flush_seconds (5 s, the most a kill can lose), whichever comes first; so a fast crawl
writes full batches and a polite one writes what it fetched in those seconds. Each
flush leaves one INFO line (prospector.crawl.sink.FLUSH_LOG) with its page count; this
bench runs real crawls through the CLI (`--log-level INFO`), reads those lines and prints
the distribution:

- `sample-polite`, `sample-fast`: the sample web found through its search backend
  (`--backend sampleweb`, as tests/test_crawl.py does) at the default politeness (one
  request at a time per site, 1 s apart, AutoThrottle, 16 at once) and with `--fast`;
- `bulk-polite`, `bulk-fast`: the bulk sample web from its seeds, as bench/crawl.py runs
  it (500 sites x 10 pages fast; polite on fewer sites, since it takes a second a page
  per site).

`median` and `p90` are over flushes; `page-weighted median` is the batch size the median
page is written in (what the store's throughput sees). The final flush (the crawl's end)
is counted apart. Feed the sizes to bench/store.py (`--batches`, or `--measure-batches`,
which runs this first). Asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawl import bench_web, load, run_child  # noqa: E402

from prospector.sampleweb.proc import SampleWebProcess  # noqa: E402

FLUSH = re.compile(r"stored a batch of (\d+) pages \((\d+) other items\) in ([0-9.]+) ms")
ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")


@dataclass(frozen=True)
class Batches:
    name: str
    sizes: tuple[int, ...]  # pages of each flush, in order, the final one last
    write_ms: tuple[float, ...]  # each flush's time in the sink
    seconds: float  # Scrapy's elapsed time

    @property
    def body(self) -> tuple[int, ...]:
        """The flushes while crawling (the final one, at the crawl's end, left out), those
        with pages."""
        return tuple(s for s in self.sizes[:-1] if s > 0)

    @property
    def pages(self) -> int:
        return sum(self.sizes)

    def median(self) -> float:
        return statistics.median(self.body) if self.body else 0.0

    def p90(self) -> float:
        return percentile(self.body, 0.9)

    def weighted_median(self) -> int:
        """The size of the batch holding the middle page (pages, not flushes, counted)."""
        ordered = sorted(self.body)
        half, running = sum(ordered) / 2, 0
        for size in ordered:
            running += size
            if running >= half:
                return size
        return 0

    def show(self) -> str:
        body = self.body
        rate = self.pages / self.seconds if self.seconds else 0.0
        return (f"{self.name:14} {self.pages:5d} pages in {self.seconds:6.1f} s = {rate:6.1f} pages/s;"
                f" {len(body)} flushes while crawling: median {self.median():.0f}, p90 "
                f"{self.p90():.0f}, min {min(body, default=0)}, max {max(body, default=0)}, "
                f"page-weighted median {self.weighted_median()}; final flush "
                f"{self.sizes[-1] if self.sizes else 0}; writes {sum(self.write_ms) / 1000:.2f} s"
                f" in all, {statistics.median(self.write_ms) if self.write_ms else 0:.0f} ms median")


def percentile(values: Sequence[int], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def parse(name: str, log: str) -> Batches:
    found = FLUSH.findall(log)
    elapsed = ELAPSED.search(log)
    return Batches(name, tuple(int(p) for p, _, _ in found), tuple(float(ms) for _, _, ms in found),
                   float(elapsed.group(1)) if elapsed else 0.0)


def crawl(name: str, folder: Path, args: list[str]) -> Batches:
    db = folder / f"{name}.duckdb"
    child = run_child([sys.executable, "-m", "prospector", "crawl", "beekeeping", "--db", str(db),
                       "--no-progress", "--log-level", "INFO", *args], folder)
    if child.code != 0:
        raise SystemExit(f"{name}: crawl failed ({child.code}): {child.err[-1500:]}")
    return parse(name, child.err)


def sample(fast: bool) -> Callable[[Path], Batches]:
    def run(folder: Path) -> Batches:
        with SampleWebProcess() as web:
            return crawl("sample-" + ("fast" if fast else "polite"), folder,
                         ["--search", web.url, "--backend", "sampleweb", "--proxy", web.url,
                          *(["--fast"] if fast else [])])
    return run


def bulk(fast: bool, sites: int, pages: int) -> Callable[[Path], Batches]:
    def run(folder: Path) -> Batches:
        with bench_web(sites, pages) as web:
            return crawl("bulk-" + ("fast" if fast else "polite"), folder,
                         ["--seeds", str(web.seeds), "--proxy", web.url, "--max-sites",
                          str(sites), "--max-pages", str(pages), *(["--fast"] if fast else [])])
    return run


def measure(only: Sequence[str] = (), bulk_polite_sites: int = 100,
            bulk_fast_sites: int = 500) -> list[Batches]:
    """Run the crawls (all, or those named) and print each one's batch sizes."""
    runs = {"sample-polite": sample(False), "sample-fast": sample(True),
            "bulk-polite": bulk(False, bulk_polite_sites, 10),
            "bulk-fast": bulk(True, bulk_fast_sites, 10)}
    unknown = set(only) - set(runs)
    if unknown:
        raise SystemExit(f"unknown crawl(s) {', '.join(sorted(unknown))}: "
                         f"choose from {', '.join(runs)}")
    results = []
    print(f"batch sizes of real crawls; {load()}", flush=True)
    for name, run in runs.items():
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory(prefix="bench-batches-") as tmp:
            result = run(Path(tmp))
        print(result.show(), flush=True)
        results.append(result)
    print(load(), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated crawls (default: all)")
    parser.add_argument("--bulk-polite-sites", type=int, default=100)
    parser.add_argument("--bulk-fast-sites", type=int, default=500)
    args = parser.parse_args()
    measure([n for n in args.only.split(",") if n], args.bulk_polite_sites, args.bulk_fast_sites)


if __name__ == "__main__":
    main()
