"""The focused crawl's state of one job in Redis (see `prospector.crawl.state.CrawlState`):
one frontier, one site budget and one page budget per site for every worker.

Every change is one Lua script (`lua/`), atomic, so a site is released once. A page
costs two awaited round trips (`abegin_page`, `aend_page`), whatever its number of links;
links to sites this worker has already offered are dropped before any.

A worker that dies loses the requests it had taken; when every live worker is idle and
the queue is empty, the sites it left unfinished are crawled again, once (`recover`)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import redis
import redis.asyncio as aioredis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.state import Offer, PageEnd, PageStart, Released
from prospector.discover.frontier import Frontier
from prospector.distributed.client import (
    HEARTBEAT_SECONDS,
    STALE_SECONDS,
    connect,
    job_key,
    lua,
    text,
    worker_id,
)
from prospector.models import Candidate


class RedisState:
    """The crawl state of one job in Redis. The sites this worker has offered or seen
    known are remembered here, so a link to one of them costs nothing (a known site
    stays known: the first offer wins)."""

    def __init__(self, server: redis.Redis, prefix: str, frontier: Frontier,
                 worker: str, url: str) -> None:
        self.r = server
        self.url = url
        self.prefix = prefix
        # Its budgets and admission rule only: the queue itself is in Redis.
        self.frontier = frontier
        self.max_sites = frontier.max_sites
        self.worker = worker
        self.queue_key = self.key("requests")
        self._push = server.register_script(lua("push"))
        self._refill = server.register_script(lua("refill"))
        self._end_page = server.register_script(lua("end_page"))
        self._begin_page = server.register_script(lua("begin_page"))
        self._known: set[str] = set()  # offered by this worker, hence known in Redis
        self.loop: task.LoopingCall | None = None
        # The awaitable calls' client, made on first use in the reactor's event loop.
        self._async: aioredis.Redis | None = None
        self._ascripts: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, frontier: Frontier,
                     skip: set[str] | None = None) -> RedisState:
        """The spider's state in a job (PROSPECTOR_STATE_CLASS); `skip` is the spider's
        business here (it turns a skipped site's request into a local one)."""
        job = CrawlSettings.from_settings(crawler.settings)
        state = cls(connect(job.redis_url), job.redis_prefix, frontier, worker_id(),
                    job.redis_url)
        crawler.signals.connect(state.opened, signal=signals.spider_opened)
        crawler.signals.connect(state.closed, signal=signals.spider_closed)
        return state

    def key(self, name: str) -> str:
        return job_key(self.prefix, name)

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
        if not self.frontier.admits(domain, distance, candidate.source == "seed" and distance == 0):
            return False
        payload = json.dumps({"c": asdict(candidate), "d": distance})
        keys = [self.key("frontier"), self.key("candidates"), self.key("released")]
        return bool(self._push(keys=keys, args=[domain, priority, payload]))

    def _offers(self, offers: Sequence[Offer]) -> list[Any]:
        """The offers worth sending, flattened for the script; remembered as known."""
        args: list[Any] = []
        for candidate, priority, distance in offers:
            domain = candidate.domain
            if domain in self._known or not self.frontier.admits(domain, distance):
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
        return PageStart([text(u) for u in claimed], bool(refetch), float(rel), distance)

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

    def _ascript(self, name: str) -> Any:
        if self._async is None:
            self._async = aioredis.Redis.from_url(self.url, socket_timeout=10,
                                                  socket_connect_timeout=5)
        if name not in self._ascripts:
            self._ascripts[name] = self._async.register_script(lua(name))
        return self._ascripts[name]

    async def abegin_page(self, site: str, url: str, page_relevance: float,
                          follow: Sequence[str], max_pages: int) -> PageStart:
        keys, args = self._begin_page_call(site, url, page_relevance, follow, max_pages)
        answer = await self._ascript("begin_page")(keys=keys, args=args)
        return self._page_start(answer)

    async def aend_page(self, site: str, offers: Sequence[Offer],
                        parallel_sites: int) -> PageEnd:
        keys, args = self._end_page_call(site, offers, parallel_sites)
        return self._page_end(await self._ascript("end_page")(keys=keys, args=args))

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
        return {text(w) for w, t in self.r.hgetall(self.key("workers")).items()
                if now - float(t) < STALE_SECONDS}

    def all_quiet(self) -> bool:
        """No queued request, nothing left to release, every live worker idle."""
        self.r.hset(self.key("idle"), self.worker, time.time())
        if self.r.zcard(self.queue_key):
            return False
        if self.r.zcard(self.key("frontier")) and self.released < self.max_sites:
            return False
        idle = {text(w) for w in self.r.hkeys(self.key("idle"))}
        return self.live_workers() <= idle

    def _lost_sites(self) -> set[str]:
        """The sites dead workers held: their handled-but-unshipped pages' sites are
        redone even if their requests all came back. The dead are forgotten."""
        lost: set[str] = set()
        live = self.live_workers()
        for name in self.r.hkeys(self.key("workers")):
            dead = text(name)
            if dead in live:
                continue
            inflight = self.r.hgetall(self.key(f"inflight:{dead}"))
            lost |= {text(s) for s, n in inflight.items() if int(n) > 0}
            self.r.delete(self.key(f"inflight:{dead}"))
            self.r.hdel(self.key("workers"), dead)
        return lost

    def _restart(self, site: str, candidate: Candidate) -> None:
        """Start `site` again: its home URL is the only one claimed and counted."""
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.key("outstanding"), site, 1)
        pipe.hset(self.key("scheduled"), site, 1)
        pipe.delete(self.key(f"claimed:{site}"))
        pipe.sadd(self.key(f"claimed:{site}"), candidate.url)
        pipe.sadd(self.key("recovering"), site)
        pipe.execute()

    def recover(self, spider: Any) -> list[scrapy.Request]:
        """Sites whose requests were lost (a worker died holding them): crawl them again,
        once, when the crawl has otherwise come to rest."""
        if not self.all_quiet():
            return []
        lost = self._lost_sites()
        done = {text(d) for d in self.r.smembers(self.key("done"))}
        requests = []
        for domain, raw in self.r.hgetall(self.key("released")).items():
            site = text(domain)
            if site not in lost and (site in done
                                     or not self.r.sadd(self.key("recovered"), site)):
                continue
            candidate = Candidate(**json.loads(raw)["c"])
            self._restart(site, candidate)
            requests.append(spider.site_request(candidate, refetch=True))
        if requests:
            self.r.hdel(self.key("idle"), self.worker)
        return requests
