"""The request queue of a job: scrapy-redis's scheduler and duplicate filter, under the
job's keys, with SCHEDULER_PERSIST on (otherwise the first worker to finish would wipe
the shared queue; the coordinator cleans up at the end), and fewer round trips."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy_redis.scheduler import Scheduler as _RedisScheduler  # type: ignore[import-untyped]

from prospector.config.scrapy import CrawlSettings
from prospector.distributed.client import job_key, lua, worker_id


class RedisScheduler(_RedisScheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler with fewer round trips. Requests enqueued are sent
    together (at most `FLUSH_SECONDS` later, or with the next take), checked against
    the duplicate filter and queued by one script (`lua/sync.lua`); requests are taken
    from the shared queue a few at a time (`PROSPECTOR_REDIS_TAKE`, 4) into a local
    buffer, in the same round trip. A worker that dies loses what it holds like its
    requests in flight; the sites concerned are crawled again."""

    take = 4
    FLUSH_SECONDS = 0.05
    EMPTY_SECONDS = 0.05
    empty_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler: RedisScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        job = CrawlSettings.from_settings(crawler.settings)
        scheduler.take = max(1, job.redis_take or cls.take)
        scheduler.idle_key = job_key(job.redis_prefix, "idle")
        return scheduler

    def open(self, spider: scrapy.Spider) -> None:
        super().open(spider)
        self.buffer: deque[scrapy.Request] = deque()
        self.pending: list[tuple[scrapy.Request, list[Any]]] = []
        self.flush_call: Any = None
        self.worker = worker_id()
        self._sync_script = self.server.register_script(lua("sync"))

    def close(self, reason: str) -> None:
        if self.flush_call is not None and self.flush_call.active():
            self.flush_call.cancel()
        # Requests taken but not started (a worker stopped early) go back to the queue.
        self.pending += [(r, ["", -r.priority, self.queue._encode_request(r), 0])
                         for r in self.buffer]
        self.buffer.clear()
        self._sync(0)
        super().close(reason)

    def _sync(self, take: int) -> None:
        self.flush_call = None
        if not self.pending and not take:
            return
        pending, self.pending = self.pending, []
        args: list[Any] = [take, self.worker, len(pending)]
        for _request, values in pending:
            args += values
        dropped, taken = self._sync_script(
            keys=[self.df.key, self.queue.key, self.idle_key], args=args)
        for index in dropped:
            request = pending[int(index)][0]
            self.df.log(request, self.spider)
            self.crawler.signals.send_catch_log(signals.request_dropped, request=request,
                                                spider=self.spider)
        for raw in taken:
            self.buffer.append(self.queue._decode_request(raw))

    def enqueue_request(self, request: scrapy.Request) -> bool:
        check = not request.dont_filter and not request.meta.get("redirect_times")
        fingerprint = self.df.request_fingerprint(request) if check else ""
        self.pending.append((request, [fingerprint, -request.priority,
                                       self.queue._encode_request(request), int(check)]))
        if self.flush_call is None:
            from twisted.internet import reactor

            clock: Any = reactor
            self.flush_call = clock.callLater(self.FLUSH_SECONDS, self._sync, 0)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        # A duplicate is found when the batch is sent; it is then reported dropped.
        return True

    def next_request(self) -> scrapy.Request | None:
        if not self.buffer and (self.pending
                                or time.monotonic() - self.empty_at >= self.EMPTY_SECONDS):
            if self.flush_call is not None and self.flush_call.active():
                self.flush_call.cancel()
            self._sync(self.take)
            if not self.buffer:
                # The engine asks after every download and item: an empty queue is not
                # asked again for a moment (the engine's heartbeat asks again anyway).
                self.empty_at = time.monotonic()
        if not self.buffer:
            return None
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return self.buffer.popleft()

    def has_pending_requests(self) -> bool:
        return bool(self.buffer or self.pending) or len(self.queue) > 0

    def __len__(self) -> int:
        return len(self.buffer) + len(self.pending) + len(self.queue)
