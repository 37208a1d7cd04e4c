"""Feed parse benchmark: µs per 100 KB feed for the chosen parser (fastfeedparser, through
`extract.feeds.read_feed` with its own bounding pass) against the alternative
(feedparser 6, the best-known Python feed parser), measured in the same run.

    .venv/bin/python bench/feeds.py [--rounds N]

Feeds: the sample web's RSS 2.0, Atom and JSON Feed writers (sampleweb.feeds), each made
≈100 KB with as many entries as it takes; plus the cap-sized worst case read_feed accepts
(MAX_FEED_BYTES of RSS, cut at MAX_ITEMS), the time a feed can hold the crawl's thread.
feedparser 6 reads no JSON Feed: that row has its figure only. Best of N rounds each,
interleaved. It asserts no speed (these machines are shared).
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import fastfeedparser
import feedparser

from prospector.extract.feeds import MAX_FEED_BYTES, read_feed
from prospector.sampleweb.feeds import FeedPost, atom_feed, json_feed, rss_feed

TARGET = 100_000
NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _posts(n: int) -> list[FeedPost]:
    text = ("Checked the brood frames today: capped brood on six frames, the queen seen "
            "on the fourth, stores enough for a fortnight. ") * 2
    return [FeedPost(f"http://b.test/p/{i}", f"http://b.test/p/{i}", f"Hive note {i}",
                     NOW - timedelta(days=i), "Ann Lee", text, "post", i % 9)
            for i in range(n)]


def _sized(make: Callable[[list[FeedPost]], str], size: int) -> bytes:
    n = 1
    while len(make(_posts(n)).encode()) < size:
        n *= 2
    low, high = n // 2, n
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if len(make(_posts(mid)).encode()) < size else (low, mid)
    return make(_posts(high)).encode()


def _best(fn: Callable[[], object], rounds: int, reps: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - started) / reps)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    feeds = {
        "rss20": _sized(lambda p: rss_feed("B", "http://b.test/", p), TARGET),
        "atom10": _sized(lambda p: atom_feed("B", "http://b.test/", "http://b.test/f", p), TARGET),
        "json": _sized(lambda p: json_feed("B", "http://b.test/", "http://b.test/f", p), TARGET),
    }
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"feed parse, µs per 100 KB feed (best of {args.rounds}), {stamp}")
    for name, body in feeds.items():
        scale = TARGET / len(body)
        ours = _best(lambda b=body: read_feed("http://b.test/f", b, fetched=NOW), args.rounds, 20)
        bare = _best(lambda b=body: fastfeedparser.parse(b), args.rounds, 20)
        line = (f"  {name:<7} {len(body):>7} B, {len(read_feed('http://b.test/f', body).entries):>4}"
                f" entries: read_feed (fastfeedparser + bounds) {ours * 1e6 * scale:9,.0f} µs,"
                f" fastfeedparser alone {bare * 1e6 * scale:9,.0f} µs")
        if name != "json":
            alt = _best(lambda b=body: feedparser.parse(io.BytesIO(b)), args.rounds, 2)
            line += (f", feedparser {alt * 1e6 * scale:11,.0f} µs:"
                     f" feedparser / read_feed = {alt / ours:.1f}")
        print(line)
    cap = _sized(lambda p: rss_feed("B", "http://b.test/", p), MAX_FEED_BYTES)
    worst = _best(lambda: read_feed("http://b.test/f", cap, fetched=NOW), max(1, args.rounds // 2), 2)
    print(f"  worst case read_feed accepts ({len(cap):,} B, cut at its item cap): "
          f"{worst * 1000:.0f} ms")


if __name__ == "__main__":
    main()
