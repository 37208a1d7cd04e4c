"""Extraction speed over the shared real-page corpus, against a plain lxml baseline.

For every HTML page of `../shared/corpus` (or `$PROSPECTOR_CORPUS`) it times, in the
same run and interleaved round by round, `extract_page(url, body)` and a baseline that
every crawler pays anyway: `lxml.html.fromstring(body)` plus a walk of `//a/@href` with
`urljoin`. Each page's time is its best over N rounds (load spikes from other
processes only ever add time), summed over the corpus, and printed as µs/page with the
ratio extract/baseline. Goal: ratio ≤ 2.0.

    .venv/bin/python bench/extract.py [--rounds N] [--corpus DIR] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prospector.extract import extract_page
from prospector.extract.needles import PAGE_NEEDLES

PAGE_CATEGORIES = frozenset({"forum", "blog", "contact", "business", "other"})


def default_corpus() -> Path:
    env = os.environ.get("PROSPECTOR_CORPUS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "corpus"


def load_pages(root: Path) -> list[tuple[str, bytes]]:
    """(url, body) of every HTML page listed in the corpus MANIFEST."""
    manifest = root / "MANIFEST.tsv"
    if not manifest.is_file():
        raise SystemExit(f"bench: corpus not found at {root} (set PROSPECTOR_CORPUS)")
    pages = []
    with manifest.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["category"] not in PAGE_CATEGORIES:
                continue
            url = row["original_url"] or row["canonical_url"] or "http://unknown.test/"
            pages.append((url, (root / row["file"]).read_bytes()))
    return pages


def baseline(url: str, body: bytes) -> int:
    """Parse with lxml.html and resolve every <a href>: the floor of any link crawler."""
    doc = lxml.html.fromstring(body)
    n = 0
    for href in doc.xpath("//a/@href"):
        try:
            urljoin(url, str(href))
        except ValueError:
            continue
        n += 1
    return n


def extract(url: str, body: bytes) -> int:
    return len(extract_page(url, body, "text/html").links)


CLOCKS: dict[str, Callable[[], float]] = {
    "wall": time.perf_counter,
    # CPU time of this process: on a machine shared with other busy processes, time
    # spent waiting for a core is not counted (it only ever adds to wall time).
    "cpu": time.process_time,
}


def measure(pages: list[tuple[str, bytes]], rounds: int,
            clock: Callable[[], float] = time.perf_counter) -> dict[str, list[float]]:
    """Best time per page per function over `rounds` interleaved rounds."""
    funcs: dict[str, Callable[[str, bytes], int]] = {"extract": extract, "baseline": baseline}
    best = {name: [float("inf")] * len(pages) for name in funcs}
    for _ in range(rounds):
        for name, func in funcs.items():
            times = best[name]
            for i, (url, body) in enumerate(pages):
                start = clock()
                func(url, body)
                elapsed = clock() - start
                if elapsed < times[i]:
                    times[i] = elapsed
    return best


def needle_pass(pages: list[tuple[str, bytes]], rounds: int,
                clock: Callable[[], float]) -> tuple[float, float]:
    """µs/page of finding which page literals the lower-cased markup holds: the one
    automaton pass extraction uses, and one substring scan per literal."""
    lowered = [body.lower() for _, body in pages]
    literals = sorted(PAGE_NEEDLES.needles)
    one = scans = float("inf")
    for _ in range(rounds):
        start = clock()
        for text in lowered:
            PAGE_NEEDLES.present(text)
        one = min(one, clock() - start)
        start = clock()
        for text in lowered:
            for literal in literals:
                _ = literal in text
        scans = min(scans, clock() - start)
    return one / len(pages) * 1e6, scans / len(pages) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall (default) or cpu: this process's CPU time, steadier "
                             "when other processes compete for the cores")
    args = parser.parse_args(argv)
    pages = load_pages(args.corpus)
    size = sum(len(body) for _, body in pages)
    best = measure(pages, args.rounds, CLOCKS[args.clock])
    ext = sum(best["extract"]) / len(pages) * 1e6
    base = sum(best["baseline"]) / len(pages) * 1e6
    print(f"pages: {len(pages)}, {size / len(pages) / 1024:.1f} KB average, "
          f"best of {args.rounds} rounds per page, {args.clock} clock")
    print(f"extract_page:              {ext:8,.0f} µs/page")
    print(f"baseline lxml.html + hrefs: {base:8,.0f} µs/page")
    print(f"ratio: {ext / base:.2f} (goal ≤ 2.0)")
    one, scans = needle_pass(pages, args.rounds, CLOCKS[args.clock])
    print(f"page literals ({len(PAGE_NEEDLES.needles)}): one automaton pass {one:,.0f} "
          f"µs/page, one substring scan each {scans:,.0f} µs/page")
    return 0
