"""A distributed job's life in Redis: published by the coordinator (its config, the
sites not to fetch again, the validators of stored pages), joined by workers, waited
for, cleaned up; and the Scrapy settings that make a crawl one of its workers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import redis
from scrapy.settings import BaseSettings

from prospector.config import Config
from prospector.config.scrapy import SETTINGS_PRIORITY
from prospector.crawl.pipeline import StorePipeline
from prospector.distributed import fetchlog
from prospector.distributed.client import CURRENT_JOB_KEY, STALE_SECONDS, job_key, text
from prospector.distributed.idle import FastIdleChecks
from prospector.distributed.items import RedisItemPipeline
from prospector.distributed.politeness import share_delay
from prospector.distributed.scheduler import RedisScheduler
from prospector.distributed.state import RedisState
from prospector.errors import ExitCode, ProspectorError

# Members a job's skip set and validators are published in per command (a weekly job
# can skip tens of thousands of sites).
_PUBLISH_CHUNK = 1000


@dataclass(frozen=True)
class Job:
    """A published job, as a worker reads it."""

    prefix: str
    config: Config
    skip: set[str] = field(default_factory=set)  # sites not to fetch
    validators: dict[str, tuple[str, str]] = field(default_factory=dict)  # by URL
    fetch_log: bool = False  # every fetched URL kept, for exact counts (fetchlog)


def _path(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def job_settings(settings: BaseSettings, redis_url: str, prefix: str,
                 fetch_log: bool = False) -> None:
    """Make the crawl of `settings` a worker of the job under `prefix`: scrapy-redis's
    queue and duplicate filter under the job's keys, the spider's state in Redis, items
    to Redis instead of the DB (swapped in ITEM_PIPELINES, as scrapy-redis's own
    RedisPipeline is), the fetch counts, quick idle checks, and the per-site download
    delay held across workers. Changes nothing outside `settings`."""
    pipelines = settings.getdict("ITEM_PIPELINES")
    order = pipelines.pop(_path(StorePipeline), 300)
    pipelines[_path(RedisItemPipeline)] = order
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares[fetchlog.MIDDLEWARE] = fetchlog.MIDDLEWARE_ORDER
    extensions = settings.getdict("EXTENSIONS")
    extensions[_path(FastIdleChecks)] = FastIdleChecks.ORDER
    settings.setdict({
        "SCHEDULER": _path(RedisScheduler),
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the coordinator cleans up; no worker wipes the queue
        "SCHEDULER_QUEUE_KEY": job_key(prefix, "requests"),
        "SCHEDULER_DUPEFILTER_KEY": job_key(prefix, "dupefilter"),
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "EXTENSIONS": extensions,
        "PROSPECTOR_STATE_CLASS": _path(RedisState),
        "PROSPECTOR_REDIS_URL": redis_url,
        "PROSPECTOR_REDIS_PREFIX": prefix,
        fetchlog.FETCH_LOG_SETTING: fetch_log,
    }, priority=SETTINGS_PRIORITY)
    # The per-site download delay holds across workers (kept in Redis).
    share_delay(settings, SETTINGS_PRIORITY)


def publish_job(server: redis.Redis, config: Config, run_id: int, skip: Iterable[str] = (),
                validators: Mapping[str, tuple[str, str]] | None = None,
                fetch_log: bool = False, coordinator: str | None = None) -> str:
    """Publish a job for workers: its config, the sites not to fetch again (crawled
    within --max-age), the validators of the others' stored pages and whether its
    fetch log is on. The job becomes the current one last, so a worker never sees it
    half written.

    `coordinator`: the worker name of the publisher when it crawls too. It counts as a
    live, busy worker from now on: until its spider has seeded the frontier the job
    looks empty, and a worker joining in that moment would otherwise take the job for
    finished and leave (its heartbeat takes over; STALE_SECONDS if it never starts)."""
    import uuid

    prefix = f"prospector:job:{run_id}:{uuid.uuid4().hex[:8]}"
    server.set(job_key(prefix, "config"), config.to_json())
    if coordinator:
        server.hset(job_key(prefix, "workers"), coordinator, time.time())
    if fetch_log:
        server.set(job_key(prefix, "fetch_log"), 1)
    sites = sorted(skip)
    for start in range(0, len(sites), _PUBLISH_CHUNK):
        server.sadd(job_key(prefix, "skip"), *sites[start:start + _PUBLISH_CHUNK])
    pairs = sorted((validators or {}).items())
    for start in range(0, len(pairs), _PUBLISH_CHUNK):
        server.hset(job_key(prefix, "validators"), mapping={
            url: json.dumps(list(value)) for url, value in pairs[start:start + _PUBLISH_CHUNK]})
    server.set(CURRENT_JOB_KEY, prefix)
    return prefix


def read_job(server: redis.Redis, prefix: str | None = None) -> Job:
    """The job under `prefix`, or the current one; one line (exit 2) when there is none."""
    prefix = prefix or text(server.get(CURRENT_JOB_KEY) or b"")
    raw = server.get(job_key(prefix, "config")) if prefix else None
    if not raw:
        raise ProspectorError("no distributed crawl is running on this Redis", ExitCode.USAGE)
    skip = {text(site) for site in server.smembers(job_key(prefix, "skip"))}
    validators: dict[str, tuple[str, str]] = {}
    for url, value in server.hgetall(job_key(prefix, "validators")).items():
        etag, modified = json.loads(value)
        validators[text(url)] = (str(etag), str(modified))
    return Job(prefix, Config.from_json(text(raw)), skip, validators,
               bool(server.exists(job_key(prefix, "fetch_log"))))


def wait_for_workers(server: redis.Redis, prefix: str, timeout: float = 3600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.time()
        beats = server.hgetall(job_key(prefix, "workers"))
        if not any(now - float(t) < STALE_SECONDS for t in beats.values()):
            return
        time.sleep(0.1)


def cleanup(server: redis.Redis, prefix: str) -> None:
    for key in server.scan_iter(match=job_key(prefix, "*"), count=500):
        server.delete(key)
    if text(server.get(CURRENT_JOB_KEY) or b"") == prefix:
        server.delete(CURRENT_JOB_KEY)
