"""Distributed crawls on scrapy-redis: many workers, one frontier, one result.

- Requests: scrapy-redis's scheduler and duplicate filter, under keys of this job, with
  SCHEDULER_PERSIST on (otherwise the first worker to finish wipes the shared queue)
  and an explicit clean-up by the coordinator at the end.
- The focused crawl's own state (frontier of sites, site and page budgets, in-flight
  counts, claimed URLs) lives in Redis too (`RedisState`), so budgets hold across
  workers; releases are atomic (Lua), so a site is released once.
- Items: DuckDB has one writer. Workers push their items to a Redis list
  (`RedisItemPipeline`); the coordinator loads them through the same sink as a
  single-process crawl; loading is idempotent (every write is an upsert).
- A worker that dies loses the requests it had taken; when every live worker is idle
  and the queue is empty, the sites it left unfinished are crawled again, once.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import redis
import scrapy
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings, Settings
from twisted.internet import task

from prospector.config import SETTINGS_PRIORITY, Config
from prospector.discover.frontier import Frontier, is_mega_platform
from prospector.errors import BackendError, ExitCode, ProspectorError
from prospector.itemcodec import decode, encode
from prospector.models import Candidate, FetchedPage, PageUnchanged
from prospector.urls import registered_domain

CURRENT_JOB_KEY = "prospector:current"
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

_POP = """
local out = {}
local count = redis.call('HLEN', KEYS[3])
while #out < tonumber(ARGV[1]) and count < tonumber(ARGV[2]) do
  local top = redis.call('ZPOPMAX', KEYS[1])
  if #top == 0 then break end
  local payload = redis.call('HGET', KEYS[2], top[1])
  redis.call('HSET', KEYS[3], top[1], payload)
  count = count + 1
  table.insert(out, payload)
end
return out
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
    """The crawl state of one job in Redis (see `prospector.crawlstate.CrawlState`)."""

    distributed = True

    def __init__(self, server: redis.Redis, prefix: str, frontier: Frontier,
                 worker: str) -> None:
        self.r = server
        self.prefix = prefix
        self.max_sites = frontier.max_sites
        self.max_distance = frontier.max_distance
        self.exclude = frontier.exclude
        self.worker = worker
        self.queue_key = f"{prefix}:requests"
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_settings(cls, settings: BaseSettings, frontier: Frontier) -> RedisState:
        return cls(connect(settings.get("PROSPECTOR_REDIS_URL")),
                   settings.get("PROSPECTOR_REDIS_PREFIX"), frontier, worker_id())

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # -- the frontier ---------------------------------------------------------------------
    def push(self, candidate: Candidate, priority: float, distance: int) -> bool:
        domain = candidate.domain
        if (not domain or domain in self.exclude or is_mega_platform(domain)
                or distance > self.max_distance):
            return False
        payload = json.dumps({"c": asdict(candidate), "d": distance})
        keys = [self.key("frontier"), self.key("candidates"), self.key("released")]
        return bool(self._push(keys=keys, args=[domain, priority, payload]))

    def pop(self, n: int) -> list[tuple[Candidate, int]]:
        keys = [self.key("frontier"), self.key("candidates"), self.key("released")]
        out = []
        for raw in self._pop(keys=keys, args=[n, self.max_sites]):
            data = json.loads(raw)
            out.append((Candidate(**data["c"]), int(data["d"])))
        return out

    def distance_of(self, domain: str) -> int | None:
        raw = self.r.hget(self.key("released"), domain)
        return int(json.loads(raw)["d"]) if raw else None

    def is_known(self, domain: str) -> bool:
        return bool(self.r.hexists(self.key("candidates"), domain))

    # -- budgets and counts ------------------------------------------------------------------
    def claim_url(self, url: str) -> bool:
        site = registered_domain(url)
        return bool(self.r.sadd(self.key(f"claimed:{site}"), url))

    def add_scheduled(self, site: str, n: int = 1) -> int:
        return int(self.r.hincrby(self.key("scheduled"), site, n))

    def scheduled(self, site: str) -> int:
        return int(self.r.hget(self.key("scheduled"), site) or 0)

    def add_outstanding(self, site: str, n: int) -> int:
        left = int(self.r.hincrby(self.key("outstanding"), site, n))
        if n < 0:
            self.r.hdel(self.key("idle"), self.worker)
            if left <= 0:
                self.r.sadd(self.key("done"), site)
        return left

    def active_sites(self) -> int:
        return sum(1 for v in self.r.hvals(self.key("outstanding")) if int(v) > 0)

    def touch(self, site: str) -> None:
        """A response of `site` is being handled here: until its page item is shipped,
        the site's result depends on this worker staying alive."""
        self.r.hincrby(self.key(f"inflight:{self.worker}"), site, 1)

    def refetching(self, site: str) -> bool:
        """True for a site being crawled again after a worker died: its URLs are in the
        shared duplicate filter already, so its requests must bypass it (the claimed-URL
        sets still keep them unique)."""
        return bool(self.r.sismember(self.key("recovering"), site))

    def reset_outstanding(self) -> None:
        """Never across workers: another worker's requests may be in flight."""

    def relevance(self, site: str, value: float) -> float:
        old = float(self.r.hget(self.key("relevance"), site) or 0.0)
        if value > old:
            self.r.hset(self.key("relevance"), site, value)
        return max(old, value)

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

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.r.hdel(self.key("workers"), self.worker)
        self.r.hdel(self.key("idle"), self.worker)

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
            self.r.hset(self.key("outstanding"), site, 0)
            self.r.hset(self.key("scheduled"), site, 0)
            self.r.delete(self.key(f"claimed:{site}"))
            self.r.sadd(self.key("recovering"), site)
            candidate = Candidate(**json.loads(raw)["c"])
            request = spider.site_request(candidate)
            requests.append(request.replace(dont_filter=True))
        if requests:
            self.r.hdel(self.key("idle"), self.worker)
        return requests


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
        from prospector.pipelines import _count

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


def faster_idle_checks(seconds: float = 0.5) -> None:
    """Distributed workers wait at rest for each other; Scrapy re-checks an idle spider
    every 5 s, which would add up to 5 s per worker to every crawl's end. This is a
    private Scrapy attribute: if it is ever renamed, only this speed-up is lost."""
    from scrapy.core.engine import ExecutionEngine

    if hasattr(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL"):
        ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = seconds


def distributed_settings(settings: Settings, redis_url: str, prefix: str) -> None:
    values = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the coordinator cleans up; no worker wipes the queue
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "REDIS_URL": redis_url,
        "PROSPECTOR_REDIS_URL": redis_url,
        "PROSPECTOR_REDIS_PREFIX": prefix,
    }
    settings.setdict(values, priority=SETTINGS_PRIORITY)
    faster_idle_checks()


def publish_job(server: redis.Redis, config: Config, run_id: int) -> str:
    prefix = f"prospector:job:{run_id}:{uuid.uuid4().hex[:8]}"
    server.set(f"{prefix}:config", config.to_json())
    server.set(CURRENT_JOB_KEY, prefix)
    return prefix


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
        time.sleep(0.5)


def load_items(server: redis.Redis, prefix: str, sink: Any, batch: int = 500) -> int:
    """Move the workers' items into the DB. Idempotent: a batch loaded twice (a crash
    between commit and trim) stores nothing twice."""
    key, loaded = f"{prefix}:items", 0
    while True:
        raw = server.lrange(key, 0, batch - 1)
        if not raw:
            return loaded
        for item in raw:
            sink.add(decode(item))
        sink.flush()
        server.ltrim(key, len(raw), -1)
        loaded += len(raw)


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
    list, so a run can prove that no URL was fetched twice across workers."""

    def __init__(self, server: redis.Redis, key: str) -> None:
        self.r = server
        self.key = key
        self.worker = worker_id()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchLog:
        from scrapy.exceptions import NotConfigured

        s = crawler.settings
        if not s.get("PROSPECTOR_REDIS_URL"):
            raise NotConfigured
        return cls(connect(s.get("PROSPECTOR_REDIS_URL")),
                   f"{s.get('PROSPECTOR_REDIS_PREFIX')}:fetched")

    def process_response(self, request: scrapy.Request, response: Any) -> Any:
        # robots.txt is left out: Scrapy keeps it per process, so each worker reads it
        # once per site.
        if request.url.startswith("http") and not request.url.endswith("/robots.txt"):
            pipe = self.r.pipeline(transaction=False)
            pipe.rpush(self.key, request.url)
            pipe.hincrby(f"{self.key}_by", self.worker, 1)
            pipe.execute()
        return response
