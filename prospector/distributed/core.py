"""Distributed crawls on scrapy-redis: many workers, one frontier, one result.

- Requests: scrapy-redis's queue and duplicate filter, under keys of this job, with
  SCHEDULER_PERSIST on (otherwise the first worker to finish wipes the shared queue)
  and an explicit clean-up by the coordinator at the end. `RedisScheduler` sends the
  requests a worker enqueues in batches and takes a few at a time, one round trip for
  both.
- The focused crawl's own state (frontier of sites, site and page budgets, in-flight
  counts, claimed URLs) lives in Redis too (`RedisState`), so budgets hold across
  workers; every change is one Lua script, atomic, so a site is released once. A page
  costs two awaited round trips, whatever its number of links (links to sites this
  worker has already offered are dropped before any).
- Politeness: the per-host download delay is kept in Redis (`prospector.distributed.politeness`).
- Items: DuckDB has one writer. Workers push their items to a Redis list
  (`RedisItemPipeline`); the coordinator loads them while the crawl runs
  (`ItemLoader`) through the same sink as a single-process crawl; loading is
  idempotent (every write is an upsert).
- A worker that dies loses the requests it had taken; when every live worker is idle
  and the queue is empty, the sites it left unfinished are crawled again, once.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import redis
import redis.asyncio as aioredis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings, Settings
from scrapy_redis.scheduler import Scheduler as _RedisScheduler  # type: ignore[import-untyped]
from twisted.internet import task

from prospector.config import SETTINGS_PRIORITY, Config
from prospector.crawl.state import Offer, PageEnd, PageStart, Released
from prospector.discover.frontier import Frontier, is_mega_platform
from prospector.distributed.codec import decode, encode
from prospector.distributed.politeness import share_delay
from prospector.errors import BackendError, ExitCode, ProspectorError
from prospector.models import Candidate, FetchedPage, PageUnchanged

CURRENT_JOB_KEY = "prospector:current"
# Members a job's skip set and validators are published in per command (a weekly job
# can skip tens of thousands of sites).
_PUBLISH_CHUNK = 1000
# A worker whose heartbeat is older than this is taken for dead.
STALE_SECONDS = 15.0
HEARTBEAT_SECONDS = 2.0

_PUSH = """
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 0 end
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"""

# Release up to the room left under `parallel` active sites and the site budget, and
# start each released site (its home URL claimed, its request counted) in the same
# step, so that no other worker sees a released site as inactive.
# KEYS: frontier, candidates, released, outstanding, scheduled; ARGV: parallel,
# max_sites, claimed-key prefix. Returns the payloads.
_REFILL_BODY = """
local out = {}
local active = 0
for _, v in ipairs(redis.call('HVALS', KEYS[4])) do
  if tonumber(v) > 0 then active = active + 1 end
end
local count = redis.call('HLEN', KEYS[3])
while active < tonumber(ARGV[1]) and count < tonumber(ARGV[2]) do
  local top = redis.call('ZPOPMAX', KEYS[1])
  if #top == 0 then break end
  local payload = redis.call('HGET', KEYS[2], top[1])
  redis.call('HSET', KEYS[3], top[1], payload)
  local url = cjson.decode(payload)['c']['url']
  redis.call('SADD', ARGV[3] .. top[1], url)
  redis.call('HINCRBY', KEYS[5], top[1], 1)
  redis.call('HINCRBY', KEYS[4], top[1], 1)
  count = count + 1
  active = active + 1
  table.insert(out, payload)
end
"""
_REFILL = _REFILL_BODY + "return out\n"

# A page has been handled: offer its links (a known site is skipped: first offer
# wins), count its request as done, then refill. KEYS: frontier, candidates, released,
# outstanding, scheduled, idle, done; ARGV: parallel, max_sites, claimed-key prefix,
# site, worker, number of offers, then (domain, priority, payload) per offer.
# Returns {requests left for the site, payloads released...}.
_END_PAGE = """
local n = tonumber(ARGV[6])
local taken = 0
for k = 0, n - 1 do
  local d = ARGV[7 + 3 * k]
  if redis.call('HEXISTS', KEYS[2], d) == 0 then
    redis.call('ZADD', KEYS[1], ARGV[8 + 3 * k], d)
    redis.call('HSET', KEYS[2], d, ARGV[9 + 3 * k])
    taken = taken + 1
  end
end
local left = 1
if ARGV[4] ~= '' then
  left = redis.call('HINCRBY', KEYS[4], ARGV[4], -1)
  redis.call('HDEL', KEYS[6], ARGV[5])
  if left <= 0 then redis.call('SADD', KEYS[7], ARGV[4]) end
end
""" + _REFILL_BODY + """
table.insert(out, 1, left)
return out
"""

# A page of a site arrived. KEYS: claimed:<site>, scheduled, outstanding,
# inflight:<worker>, relevance, released, recovering; ARGV: site, max pages, page
# relevance, the page's own URL, URLs to follow...
# Returns {site relevance, released payload or nil, refetch flag, {claimed URLs}}.
_BEGIN_PAGE = """
local site = ARGV[1]
redis.call('HINCRBY', KEYS[4], site, 1)
redis.call('SADD', KEYS[1], ARGV[4])
local rel = tonumber(redis.call('HGET', KEYS[5], site) or '0')
if tonumber(ARGV[3]) > rel then
  redis.call('HSET', KEYS[5], site, ARGV[3])
  rel = tonumber(ARGV[3])
end
local sched = tonumber(redis.call('HGET', KEYS[2], site) or '0')
local out = {}
for i = 5, #ARGV do
  if sched >= tonumber(ARGV[2]) then break end
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    sched = sched + 1
    table.insert(out, ARGV[i])
  end
end
if #out > 0 then
  redis.call('HINCRBY', KEYS[2], site, #out)
  redis.call('HINCRBY', KEYS[3], site, #out)
end
return {tostring(rel), redis.call('HGET', KEYS[6], site),
        redis.call('SISMEMBER', KEYS[7], site), out}
"""


def worker_id() -> str:
    """This process's name among the workers."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def connect(url: str) -> redis.Redis:
    try:
        server = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise BackendError(f"redis {url} unreachable: {exc}") from None
    return server


class RedisState:
    """The crawl state of one job in Redis (see `prospector.crawl.state.CrawlState`).

    Two round trips a page (`begin_page`, `end_page`, each one Lua script), whatever
    its number of links; the sites this worker has offered or seen known are
    remembered here, so a link to one of them costs nothing (a known site stays known:
    the first offer wins)."""

    distributed = True

    def __init__(self, server: redis.Redis, prefix: str, frontier: Frontier,
                 worker: str, url: str) -> None:
        self.r = server
        self.url = url
        self.prefix = prefix
        self.max_sites = frontier.max_sites
        self.max_distance = frontier.max_distance
        self.exclude = frontier.exclude
        self.worker = worker
        self.queue_key = f"{prefix}:requests"
        self._push = server.register_script(_PUSH)
        self._refill = server.register_script(_REFILL)
        self._end_page = server.register_script(_END_PAGE)
        self._begin_page = server.register_script(_BEGIN_PAGE)
        self._known: set[str] = set()  # offered by this worker, hence known in Redis
        self.loop: task.LoopingCall | None = None
        # The awaitable calls' client, made on first use in the reactor's event loop.
        self._async: aioredis.Redis | None = None
        self._ascripts: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: BaseSettings, frontier: Frontier) -> RedisState:
        url = settings.get("PROSPECTOR_REDIS_URL")
        return cls(connect(url), settings.get("PROSPECTOR_REDIS_PREFIX"), frontier, worker_id(),
                   url)

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    @staticmethod
    def _released(payloads: list[Any]) -> Released:
        out = []
        for raw in payloads:
            data = json.loads(raw)
            out.append((Candidate(**data["c"]), int(data["d"])))
        return out

    def _refill_keys(self) -> list[str]:
        return [self.key(k) for k in ("frontier", "candidates", "released", "outstanding",
                                      "scheduled")]

    # -- the frontier -------------------------------------------------------------------
    def push(self, candidate: Candidate, priority: float, distance: int) -> bool:
        domain = candidate.domain
        if (not domain or domain in self.exclude or is_mega_platform(domain)
                or distance > self.max_distance):
            return False
        payload = json.dumps({"c": asdict(candidate), "d": distance})
        keys = [self.key("frontier"), self.key("candidates"), self.key("released")]
        return bool(self._push(keys=keys, args=[domain, priority, payload]))

    def _offers(self, offers: Sequence[Offer]) -> list[Any]:
        """The offers worth sending, flattened for the script; remembered as known."""
        args: list[Any] = []
        for candidate, priority, distance in offers:
            domain = candidate.domain
            if (not domain or domain in self._known or domain in self.exclude
                    or is_mega_platform(domain) or distance > self.max_distance):
                continue
            self._known.add(domain)
            args += [domain, priority, json.dumps({"c": asdict(candidate), "d": distance})]
        return args

    def push_many(self, offers: Sequence[Offer]) -> int:
        keys, args = self._end_page_call("", offers, 0)
        if args[5]:
            self._end_page(keys=keys, args=args)
        return int(args[5])

    def refill(self, parallel_sites: int) -> Released:
        payloads = self._refill(keys=self._refill_keys(),
                                args=[parallel_sites, self.max_sites, self.key("claimed:")])
        return self._released(list(payloads))

    def _begin_page_call(self, site: str, url: str, page_relevance: float,
                         follow: Sequence[str], max_pages: int) -> tuple[list[str], list[Any]]:
        keys = [self.key(f"claimed:{site}"), self.key("scheduled"), self.key("outstanding"),
                self.key(f"inflight:{self.worker}"), self.key("relevance"),
                self.key("released"), self.key("recovering")]
        return keys, [site, max_pages, repr(page_relevance), url, *follow]

    @staticmethod
    def _page_start(answer: list[Any]) -> PageStart:
        rel, released, refetch, claimed = answer
        distance = int(json.loads(released)["d"]) if released else None
        return PageStart([_text(u) for u in claimed], bool(refetch), float(rel), distance)

    def begin_page(self, site: str, url: str, page_relevance: float, follow: Sequence[str],
                   max_pages: int) -> PageStart:
        keys, args = self._begin_page_call(site, url, page_relevance, follow, max_pages)
        return self._page_start(self._begin_page(keys=keys, args=args))

    def _end_page_call(self, site: str, offers: Sequence[Offer],
                       parallel: int) -> tuple[list[str], list[Any]]:
        offer_args = self._offers(offers)
        keys = [*self._refill_keys(), self.key("idle"), self.key("done")]
        return keys, [parallel, self.max_sites, self.key("claimed:"), site, self.worker,
                      len(offer_args) // 3, *offer_args]

    def _page_end(self, answer: list[Any]) -> PageEnd:
        left, *payloads = answer
        return PageEnd(int(left) <= 0, self._released(payloads))

    def end_page(self, site: str, offers: Sequence[Offer], parallel_sites: int) -> PageEnd:
        keys, args = self._end_page_call(site, offers, parallel_sites)
        return self._page_end(self._end_page(keys=keys, args=args))

    def _ascript(self, name: str, source: str) -> Any:
        if self._async is None:
            self._async = aioredis.Redis.from_url(self.url, socket_timeout=10,
                                                  socket_connect_timeout=5)
        if name not in self._ascripts:
            self._ascripts[name] = self._async.register_script(source)
        return self._ascripts[name]

    async def abegin_page(self, site: str, url: str, page_relevance: float,
                          follow: Sequence[str], max_pages: int) -> PageStart:
        keys, args = self._begin_page_call(site, url, page_relevance, follow, max_pages)
        answer = await self._ascript("begin", _BEGIN_PAGE)(keys=keys, args=args)
        return self._page_start(answer)

    async def aend_page(self, site: str, offers: Sequence[Offer],
                        parallel_sites: int) -> PageEnd:
        keys, args = self._end_page_call(site, offers, parallel_sites)
        return self._page_end(await self._ascript("end", _END_PAGE)(keys=keys, args=args))

    def maybe_new(self, domain: str) -> bool:
        return domain not in self._known

    def reset_outstanding(self) -> None:
        """Never across workers: another worker's requests may be in flight."""

    @property
    def released(self) -> int:
        return int(self.r.hlen(self.key("released")))

    @property
    def known(self) -> int:
        return int(self.r.hlen(self.key("candidates")))

    # -- liveness, the end, recovery -------------------------------------------------------
    def opened(self) -> None:
        self.beat()
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(HEARTBEAT_SECONDS, now=False)

    async def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.r.hdel(self.key("workers"), self.worker)
        self.r.hdel(self.key("idle"), self.worker)
        if self._async is not None:
            await self._async.aclose(close_connection_pool=True)

    def beat(self) -> None:
        self.r.hset(self.key("workers"), self.worker, time.time())

    def live_workers(self) -> set[str]:
        now = time.time()
        return {_text(w) for w, t in self.r.hgetall(self.key("workers")).items()
                if now - float(t) < STALE_SECONDS}

    def all_quiet(self) -> bool:
        """No queued request, nothing left to release, every live worker idle."""
        self.r.hset(self.key("idle"), self.worker, time.time())
        if self.r.zcard(self.queue_key):
            return False
        if self.r.zcard(self.key("frontier")) and self.released < self.max_sites:
            return False
        idle = {_text(w) for w in self.r.hkeys(self.key("idle"))}
        return self.live_workers() <= idle

    def recover(self, spider: Any) -> list[scrapy.Request]:
        """Sites whose requests were lost (a worker died holding them): crawl them again,
        once, when the crawl has otherwise come to rest."""
        if not self.all_quiet():
            return []
        lost: set[str] = set()
        live = self.live_workers()
        for name in self.r.hkeys(self.key("workers")):
            dead = _text(name)
            if dead in live:
                continue
            # A dead worker's handled-but-unshipped pages: their sites are redone even
            # if their requests all came back.
            inflight = self.r.hgetall(self.key(f"inflight:{dead}"))
            lost |= {_text(s) for s, n in inflight.items() if int(n) > 0}
            self.r.delete(self.key(f"inflight:{dead}"))
            self.r.hdel(self.key("workers"), dead)
        done = {_text(d) for d in self.r.smembers(self.key("done"))}
        requests = []
        for domain, raw in self.r.hgetall(self.key("released")).items():
            site = _text(domain)
            if site not in lost and (site in done
                                     or not self.r.sadd(self.key("recovered"), site)):
                continue
            candidate = Candidate(**json.loads(raw)["c"])
            # Started again: its home URL is the only one claimed and counted.
            pipe = self.r.pipeline(transaction=True)
            pipe.hset(self.key("outstanding"), site, 1)
            pipe.hset(self.key("scheduled"), site, 1)
            pipe.delete(self.key(f"claimed:{site}"))
            pipe.sadd(self.key(f"claimed:{site}"), candidate.url)
            pipe.sadd(self.key("recovering"), site)
            pipe.execute()
            requests.append(spider.site_request(candidate, refetch=True))
        if requests:
            self.r.hdel(self.key("idle"), self.worker)
        return requests


# The scheduler's one round trip: queue the requests enqueued since the last one (each
# checked against the duplicate filter unless told not to: a redirect is never dropped
# as a duplicate nor recorded, as in a single process, see
# `prospector.crawl.middlewares.dupefilter.RedirectDupeFilter`), then take up to ARGV[1] best requests; a
# worker that takes work is no longer idle. KEYS: dupefilter, queue, idle; ARGV: count
# to take, worker, number of requests, then (fingerprint, score, encoded request,
# check 1/0) per request. Returns {indexes of the duplicates dropped, requests taken}.
_SYNC = """
local n = tonumber(ARGV[3])
local dropped = {}
for k = 0, n - 1 do
  local at = 4 + 4 * k
  if ARGV[at + 3] == '1' and redis.call('SADD', KEYS[1], ARGV[at]) == 0 then
    table.insert(dropped, k)
  else
    redis.call('ZADD', KEYS[2], ARGV[at + 1], ARGV[at + 2])
  end
end
local out = {}
if tonumber(ARGV[1]) > 0 then
  local got = redis.call('ZPOPMIN', KEYS[2], ARGV[1])
  for i = 1, #got, 2 do table.insert(out, got[i]) end
  if #out > 0 then redis.call('HDEL', KEYS[3], ARGV[2]) end
end
return {dropped, out}
"""


class RedisScheduler(_RedisScheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler with fewer round trips. Requests enqueued are sent
    together (at most `FLUSH_SECONDS` later, or with the next take), checked against
    the duplicate filter and queued by one script; requests are taken from the shared
    queue a few at a time (`PROSPECTOR_REDIS_TAKE`, 4) into a local buffer, in the same
    round trip. A worker that dies loses what it holds like its requests in flight; the
    sites concerned are crawled again."""

    take = 4
    FLUSH_SECONDS = 0.05
    EMPTY_SECONDS = 0.05
    empty_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler: RedisScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.take = max(1, crawler.settings.getint("PROSPECTOR_REDIS_TAKE", cls.take))
        scheduler.idle_key = f"{crawler.settings.get('PROSPECTOR_REDIS_PREFIX')}:idle"
        return scheduler

    def open(self, spider: scrapy.Spider) -> None:
        super().open(spider)
        self.buffer: deque[scrapy.Request] = deque()
        self.pending: list[tuple[scrapy.Request, list[Any]]] = []
        self.flush_call: Any = None
        self.worker = worker_id()
        self._sync_script = self.server.register_script(_SYNC)

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


class RedisItemPipeline:
    """Workers' items → one Redis list, in batches; the coordinator loads it."""

    def __init__(self, crawler: Crawler, server: redis.Redis, prefix: str,
                 batch_size: int = 100, flush_seconds: float = 1.0) -> None:
        self.crawler = crawler
        self.r = server
        self.key = f"{prefix}:items"
        self.inflight = f"{prefix}:inflight:{worker_id()}"
        self.shipped: Counter[str] = Counter()
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.pending: list[bytes] = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisItemPipeline:
        s = crawler.settings
        return cls(crawler, connect(s.get("PROSPECTOR_REDIS_URL")),
                   s.get("PROSPECTOR_REDIS_PREFIX"))

    def open_spider(self) -> None:
        pass

    def process_item(self, item: Any) -> Any:
        from prospector.crawl.pipeline import _count

        _count(self.crawler, item)
        self.pending.append(encode(item))
        if isinstance(item, FetchedPage | PageUnchanged):
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


def faster_idle_checks(seconds: float = 0.2) -> None:
    """Distributed workers wait at rest for each other; Scrapy re-checks an idle spider
    every 5 s, which would add up to 5 s per worker to every crawl's end. This is a
    private Scrapy attribute: if it is ever renamed, only this speed-up is lost."""
    from scrapy.core.engine import ExecutionEngine

    if hasattr(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL"):
        ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = seconds


def distributed_settings(settings: Settings, redis_url: str, prefix: str) -> None:
    values = {
        "SCHEDULER": "prospector.distributed.core.RedisScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the coordinator cleans up; no worker wipes the queue
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "REDIS_URL": redis_url,
        "PROSPECTOR_REDIS_URL": redis_url,
        "PROSPECTOR_REDIS_PREFIX": prefix,
    }
    settings.setdict(values, priority=SETTINGS_PRIORITY)
    # The per-site download delay holds across workers (kept in Redis).
    share_delay(settings, SETTINGS_PRIORITY)
    faster_idle_checks()


def publish_job(server: redis.Redis, config: Config, run_id: int,
                skip: Iterable[str] = (),
                validators: Mapping[str, tuple[str, str]] | None = None) -> str:
    """Publish a job for workers: its config, the sites not to fetch again (crawled
    within --max-age) and the validators of the others' stored pages. The job becomes
    the current one last, so a worker never sees it half written."""
    prefix = f"prospector:job:{run_id}:{uuid.uuid4().hex[:8]}"
    server.set(f"{prefix}:config", config.to_json())
    sites = sorted(skip)
    for start in range(0, len(sites), _PUBLISH_CHUNK):
        server.sadd(f"{prefix}:skip", *sites[start:start + _PUBLISH_CHUNK])
    pairs = sorted((validators or {}).items())
    for start in range(0, len(pairs), _PUBLISH_CHUNK):
        server.hset(f"{prefix}:validators", mapping={
            url: json.dumps(list(value)) for url, value in pairs[start:start + _PUBLISH_CHUNK]})
    server.set(CURRENT_JOB_KEY, prefix)
    return prefix


def job_plan(server: redis.Redis, prefix: str) -> tuple[set[str], dict[str, tuple[str, str]]]:
    """(sites not to fetch, validators by URL) of a published job."""
    skip = {_text(site) for site in server.smembers(f"{prefix}:skip")}
    validators: dict[str, tuple[str, str]] = {}
    for url, value in server.hgetall(f"{prefix}:validators").items():
        etag, modified = json.loads(value)
        validators[_text(url)] = (str(etag), str(modified))
    return skip, validators


def job_config(server: redis.Redis, prefix: str | None) -> tuple[str, Config]:
    prefix = prefix or _text(server.get(CURRENT_JOB_KEY) or b"")
    raw = server.get(f"{prefix}:config") if prefix else None
    if not raw:
        raise ProspectorError("no distributed crawl is running on this Redis", ExitCode.USAGE)
    data = json.loads(raw)
    for name in ("db_path", "seeds_path", "job_dir", "http_cache_dir"):
        if data.get(name) is not None:
            data[name] = Path(data[name])
    for name, value in list(data.items()):
        if isinstance(value, list):
            data[name] = tuple(value)
    return prefix, Config(**data)


def wait_for_workers(server: redis.Redis, prefix: str, timeout: float = 3600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.time()
        beats = server.hgetall(f"{prefix}:workers")
        if not any(now - float(t) < STALE_SECONDS for t in beats.values()):
            return
        time.sleep(0.1)


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
        self.key = f"{prefix}:items"
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
        except BaseException as exc:  # handed to the caller by finish()
            self.error = exc

    def finish(self) -> None:
        self.stopping.set()
        self.join()
        if self.error is not None:
            raise self.error


def fetch_counts(server: redis.Redis, prefix: str) -> tuple[int, int]:
    """(URLs fetched, distinct URLs fetched) from the workers' fetch log."""
    key = f"{prefix}:fetched"
    return int(server.llen(key)), len(set(server.lrange(key, 0, -1)))


def cleanup(server: redis.Redis, prefix: str) -> None:
    for key in server.scan_iter(match=f"{prefix}:*", count=500):
        server.delete(key)
    if _text(server.get(CURRENT_JOB_KEY) or b"") == prefix:
        server.delete(CURRENT_JOB_KEY)


class FetchLog:
    """Downloader middleware (distributed mode): every response's URL goes to a Redis
    list, so a run can prove that no URL was fetched twice across workers. Sent in
    batches (every `FLUSH_SECONDS`, and when the spider closes); a worker killed loses
    its last entries."""

    FLUSH_SECONDS = 0.5

    def __init__(self, server: redis.Redis, key: str) -> None:
        self.r = server
        self.key = key
        self.worker = worker_id()
        self.pending: list[str] = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchLog:
        from scrapy.exceptions import NotConfigured

        s = crawler.settings
        if not s.get("PROSPECTOR_REDIS_URL"):
            raise NotConfigured
        log = cls(connect(s.get("PROSPECTOR_REDIS_URL")),
                  f"{s.get('PROSPECTOR_REDIS_PREFIX')}:fetched")
        crawler.signals.connect(log.flush, signal=signals.spider_idle)
        crawler.signals.connect(log.flush, signal=signals.spider_closed)
        return log

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if self.pending:
            pending, self.pending = self.pending, []
            pipe = self.r.pipeline(transaction=False)
            pipe.rpush(self.key, *pending)
            pipe.hincrby(f"{self.key}_by", self.worker, len(pending))
            pipe.execute()

    def process_response(self, request: scrapy.Request, response: Any) -> Any:
        # robots.txt is left out: Scrapy keeps it per process, so each worker reads it
        # once per site.
        if request.url.startswith("http") and not request.url.endswith("/robots.txt"):
            self.pending.append(request.url)
            if time.monotonic() - self.last_flush >= self.FLUSH_SECONDS:
                self.flush()
        return response
