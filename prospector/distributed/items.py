"""Items of a distributed crawl. DuckDB has one writer: workers push their items to a
Redis list (`RedisItemPipeline`, put in ITEM_PIPELINES in place of the store's pipeline
by the job's settings, as scrapy-redis's RedisPipeline is); the coordinator loads them
while the crawl runs (`ItemLoader`) through the same sink as a single-process crawl.
Loading is idempotent (every write is an upsert)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import redis
from scrapy.crawler import Crawler

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.stats import count_item
from prospector.distributed.client import connect, job_key, worker_id
from prospector.distributed.codec import decode, encode
from prospector.extract.feeds import FeedFetched
from prospector.models import Candidate, FetchedPage, PageUnchanged


class RedisItemPipeline:
    """Workers' items → one Redis list, in batches; the coordinator loads it."""

    def __init__(self, crawler: Crawler, server: redis.Redis, prefix: str,
                 batch_size: int = 100, flush_seconds: float = 1.0) -> None:
        self.crawler = crawler
        self.r = server
        self.key = job_key(prefix, "items")
        self.inflight = job_key(prefix, f"inflight:{worker_id()}")
        self.shipped: Counter[str] = Counter()
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.pending: list[bytes] = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisItemPipeline:
        job = CrawlSettings.from_settings(crawler.settings)
        return cls(crawler, connect(job.redis_url), job.redis_prefix)

    def open_spider(self) -> None:
        pass

    def process_item(self, item: Any) -> Any:
        count_item(self.crawler.stats, item)
        self.pending.append(encode(item))
        if isinstance(item, FetchedPage | PageUnchanged | FeedFetched):
            self.shipped[item.site] += 1
        if (len(self.pending) >= self.batch_size
                or time.monotonic() - self.last_flush >= self.flush_seconds):
            self.flush()
        return item

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if self.pending:
            batch, self.pending = self.pending, []
            shipped, self.shipped = self.shipped, Counter()
            # One transaction: the items reach the list and their sites stop depending
            # on this worker together.
            pipe = self.r.pipeline(transaction=True)
            pipe.rpush(self.key, *batch)
            for site, n in shipped.items():
                pipe.hincrby(self.inflight, site, -n)
            pipe.execute()

    def close_spider(self) -> None:
        self.flush()


def load_items(server: redis.Redis, prefix: str, sink: Any, batch: int = 500) -> int:
    """Move the workers' items into the DB. Idempotent: a batch loaded twice (a crash
    between commit and trim) stores nothing twice."""
    return ItemLoader(server, prefix, sink, batch=batch).load(final=True)


class ItemLoader(threading.Thread):
    """The coordinator's loader: moves the workers' items into the DB every `interval`
    seconds while the crawl runs (a thread: DuckDB works without the GIL). `finish`
    stops it and re-raises what it raised; `load(final=True)` then loads the rest.

    Workers ship their items independently, so a page may reach the list before the
    Candidate announcing its site (shipped by the worker that fetched the home page):
    such items wait here until their site is announced, or the final load."""

    def __init__(self, server: redis.Redis, prefix: str, sink: Any, batch: int = 500,
                 interval: float = 0.5) -> None:
        super().__init__(name="prospector-item-loader", daemon=True)
        self.server = server
        self.key = job_key(prefix, "items")
        self.sink = sink
        self.batch = batch
        self.interval = interval
        self.announced: set[str] = set()
        self.held: list[Any] = []
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def load(self, final: bool = False) -> int:
        loaded = 0
        while True:
            raw = self.server.lrange(self.key, 0, self.batch - 1)
            if not raw:
                break
            self._add([decode(item) for item in raw], final)
            self.sink.flush()
            self.server.ltrim(self.key, len(raw), -1)
            loaded += len(raw)
        if final and self.held:
            self._add([], final)
            self.sink.flush()
        return loaded

    def _add(self, items: list[Any], final: bool) -> None:
        # The batch's sites first: the sink writes them at the start of the flush that
        # follows, before the pages.
        candidates = [i for i in items if isinstance(i, Candidate)]
        for candidate in candidates:
            self.sink.add(candidate)
        self.announced |= {c.domain for c in candidates}
        waiting, self.held = self.held, []
        for item in [*waiting, *(i for i in items if not isinstance(i, Candidate))]:
            site = getattr(item, "site", None)
            if not final and site is not None and site not in self.announced:
                self.held.append(item)
            else:
                self.sink.add(item)

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.interval):
                self.load()
                # Let readers in between loads (prospector.crawl.sink.StoreSink).
                release = getattr(self.sink, "maybe_release", None)
                if release is not None:
                    release()
        except BaseException as exc:  # handed to the caller by finish()
            self.error = exc

    def finish(self) -> None:
        self.stopping.set()
        self.join()
        if self.error is not None:
            raise self.error
