"""The prospect spider: a focused, bounded crawl.

Each released site gets its home page and the few pages that look like contact, about
or advertise pages. Outbound links from on-topic sites feed a best-first frontier of new
sites, within the site, distance and page budgets. The spider only fetches and hands
bodies to `prospector.extract`; ranking lives in `prospector.discover.frontier`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.feeds import (
    FEED_META,
    SITEMAP_KINDS,
    feed_in_sitemap,
    feed_request_args,
    main_feed,
    sitemap_url,
)
from prospector.crawl.logs import skip_unshown_records
from prospector.crawl.lookups import prefetch_urls
from prospector.crawl.state import CrawlState, Offer, PageEnd
from prospector.crawl.workers import ExtractionPool, default_workers
from prospector.discover.frontier import Frontier, keyword_pattern, link_priority
from prospector.extract.feeds import FeedFetched, FeedRead, read_feed
from prospector.extract.newsletter import NewsletterFacts
from prospector.extract.page_job import PageJob, PageResult
from prospector.models import Candidate, FetchedPage, Link, PageFacts, PageUnchanged, SiteDone
from prospector.urls import canonicalize, hostname, registered_domain, site_root

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
# Pages of a site already started go before new sites: finish what was begun.
_FOLLOW_PRIORITY = 1000


def domain_of(url: str) -> str:
    """registered_domain of a URL's host. registered_domain is memoized (65,536 entries)
    by its argument: given whole URLs, the crawl process cached about one new URL a page
    with its domain, ≈ 1 MB every 7,000 pages until full (tracemalloc, bench/RESULTS.md
    issue 23 third pass); by host, it holds one entry a site."""
    return registered_domain(hostname(url))


def seed_priority(candidate: Candidate, order: int, total: int) -> float:
    """Seeds first (the user chose them), then search results in query-and-rank order,
    spread over a band that strong links can still outrank."""
    if candidate.source == "seed":
        return 10.0
    return round(8.0 - 3.0 * order / max(1, total), 4)


def page_note(facts: PageFacts) -> str:
    """What a stored page's `error` says of a page read in its capped form (issue 23):
    it was not dropped, but what lay past the caps was not read."""
    return f"parser_capped: {','.join(facts.capped)}" if facts.capped else ""


class ProspectSpider(scrapy.Spider):
    name = "prospect"

    def __init__(
        self,
        keyword: str = "",
        search: str = "",
        seeds: str = "",
        max_sites: str | int = 100,
        candidates: list[Candidate] | None = None,
        keywords: tuple[str, ...] = (),
        skip: set[str] | None = None,
        skip_links: list[dict[str, Any]] | None = None,
        validators: dict[str, tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keyword = keyword
        self.search = search
        self.seeds = seeds
        self.max_sites = int(max_sites)
        self.candidates = candidates
        self.pattern = keyword_pattern(keywords or (keyword,))
        # Set in from_crawler, from the job's settings (CrawlSettings).
        self.max_pages = 0
        self.parallel_sites = 0
        # Frontier, budgets and in-flight counts: in memory, or in Redis when distributed.
        self.state: CrawlState
        self.skip = skip or set()  # crawled recently, or earlier in a resumed run
        self.skip_links = skip_links or []
        self.validators = validators or {}
        self.run_id = 0  # set by the run's owner when it is not the CLI
        self.extraction = ExtractionPool(0)  # from the job's settings in from_crawler

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ProspectSpider:
        spider: ProspectSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        skip_unshown_records(settings.get("LOG_LEVEL", "DEBUG"))
        job = CrawlSettings.from_settings(settings)
        spider.max_pages = job.max_pages_per_site
        if "PROSPECTOR_MAX_SITES" in settings:  # else the -a max_sites argument
            spider.max_sites = job.max_sites
        spider.parallel_sites = max(1, settings.getint("CONCURRENT_REQUESTS"))
        frontier = Frontier(max_sites=spider.max_sites, max_distance=job.max_distance,
                            exclude=job.exclude)
        # In memory (LocalState), or shared by a distributed job's workers (its settings
        # name prospector.distributed.state.RedisState).
        spider.state = build_from_crawler(load_object(job.state_class), crawler, frontier,
                                          spider.skip)
        # Extraction off the reactor (prospector.crawl.workers), in distributed workers too.
        spider.extraction = ExtractionPool(
            default_workers() if job.workers < 0 else job.workers,
            deadline=job.extract_deadline, recycle_after=job.extract_recycle)
        crawler.signals.connect(spider.extraction_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.extraction_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        return spider

    def extraction_opened(self) -> None:
        self.extraction.start()

    def extraction_closed(self) -> Deferred[None]:
        """Scrapy waits for the Deferred (a signal handler's): the workers' last pages."""
        return self.extraction.close().addCallback(lambda _: self._extraction_stats())

    def _extraction_stats(self) -> None:
        pool, stats = self.extraction.stats, self.crawler.stats
        if stats is not None and self.extraction.workers:
            stats.set_value("prospector/extract/workers", self.extraction.workers)
            stats.set_value("prospector/extract/worker_starts", pool.started)
            stats.set_value("prospector/extract/timeouts", pool.timeouts)
            stats.set_value("prospector/extract/failures", pool.failures)
            stats.set_value("prospector/extract/worker_peak_rss_mb", round(pool.peak_mb, 1))
            # Per page, beside the crawl's own: which side of the pool limits the crawl.
            stats.set_value("prospector/extract/worker_cpu_seconds", round(pool.cpu_seconds, 2))
        if pool.slowest:
            self.logger.info("slowest extractions (CPU s): %s", ", ".join(
                f"{url} {seconds:.3f}" for seconds, url in sorted(pool.slowest, reverse=True)))

    async def _extract(self, response: Response, site: str, content_type: str) -> PageResult:
        job = PageJob(response.url, response.body, content_type, site, self.pattern.pattern)
        return await maybe_deferred_to_future(self.extraction.submit(job))

    # -- releasing sites ----------------------------------------------------------------
    def take_plan(self, candidates: list[Candidate], skip: set[str],
                  skip_links: list[dict[str, Any]], validators: dict[str, tuple[str, str]],
                  run_id: int, keywords: tuple[str, ...] = ()) -> None:
        """The run's plan, from its owner (prospector.crawl.owner) when Scrapy built
        the spider from `-a` arguments: the collections the crawl state already holds
        are filled in place."""
        self.candidates = candidates
        self.skip.update(skip)
        self.skip_links.extend(skip_links)
        self.validators.update(validators)
        self.run_id = run_id
        if keywords:
            self.pattern = keyword_pattern(keywords)

    def _request(self, url: str, site: str, priority: int,
                 candidate: Candidate | None = None, refetch: bool = False) -> scrapy.Request:
        """A request the state has already claimed and counted."""
        headers: dict[str, str] = {}
        # The site's Candidate rides with its home request: whichever process handles
        # that response announces the site, once, before its first page is stored.
        meta: dict[str, Any] = {"candidate": candidate} if candidate else {}
        etag, modified = self.validators.get(url, ("", ""))
        if priority == _FOLLOW_PRIORITY and (etag or modified):
            # Only leaf pages are asked conditionally: a home page is always read in full
            # because the pages to follow and the links to expand come from it.
            headers = {k: v for k, v in (("If-None-Match", etag),
                                         ("If-Modified-Since", modified)) if v}
            meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(url, callback=self.parse, errback=self.failed,
                              cb_kwargs={"site": site}, priority=priority, headers=headers,
                              meta=meta, dont_filter=refetch)

    def _refill(self) -> Iterator[scrapy.Request]:
        """Release the best queued sites while fewer than `parallel_sites` are active."""
        for candidate, _distance in self.state.refill(self.parallel_sites):
            yield self.site_request(candidate)

    def site_request(self, candidate: Candidate, refetch: bool = False) -> scrapy.Request:
        """The first request of a released site (the state has counted it)."""
        if candidate.domain in self.skip:
            # Not fetched again, but still part of this run. Items can only come from
            # callbacks, so a local data: request carries the site to one.
            return scrapy.Request("data:,", callback=self.skipped, dont_filter=True,
                                  cb_kwargs={"site": candidate.domain},
                                  meta={"candidate": candidate})
        return self._request(candidate.url, candidate.domain, 0, candidate, refetch)

    async def start(self) -> AsyncIterator[Any]:
        # The run's owner gave them (a spider with none crawls nothing).
        candidates = self.candidates or []
        ranked = []
        for order, candidate in enumerate(candidates):
            priority = seed_priority(candidate, order, len(candidates))
            self.state.push(candidate, priority, candidate.distance)
            if candidate.domain not in self.skip:  # (a skipped site is not fetched)
                ranked.append((-priority, order, candidate.url))
        # Their names looked up ahead, in the order they will be released (crawl.lookups).
        prefetch_urls(url for *_, url in sorted(ranked))
        offers = []
        for row in self.skip_links:
            # A skipped site is not parsed again; its stored links still lead on.
            link = Link(row["source_url"], row["target_url"], row["target_domain"],
                        row["anchor"], row["section"])
            offer = self._offer(row["source_domain"], link, 0.5, int(row["distance"]))
            if offer is not None:
                offers.append(offer)
        self.state.push_many(offers)
        for request in self._refill():
            yield request

    def on_idle(self) -> None:
        # Idle means nothing of this process is in flight, whatever the counts say: a
        # request dropped on the way (a middleware) never reaches a callback.
        self.state.reset_outstanding()
        requests = list(self._refill()) or self.state.recover(self)
        if not requests:
            if not self.state.all_quiet():
                raise DontCloseSpider  # other workers may still add work
            return
        assert self.crawler.engine is not None
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    @staticmethod
    def _announce(meta: dict[str, Any]) -> Iterator[Candidate]:
        """The site's Candidate item, before its first page reaches the store."""
        candidate = meta.get("candidate")
        if isinstance(candidate, Candidate):
            yield candidate

    def _finish(self, end: PageEnd, site: str) -> Iterator[Any]:
        if end.done:
            yield SiteDone(site)
        for candidate, _distance in end.released:
            yield self.site_request(candidate)

    def on_dropped(self, request: scrapy.Request) -> None:
        """A request of ours refused by the scheduler (a duplicate filter) never reaches
        a callback: count it as handled, through one, so its site can finish."""
        site = (request.cb_kwargs.get("site")
                if request.callback in (self.parse, self.parse_feed, self.parse_sitemap)
                else None)
        if site and self.crawler.engine is not None:
            self.crawler.engine.crawl(scrapy.Request(
                "data:,", callback=self.dropped, dont_filter=True,
                cb_kwargs={"site": site}, meta={"candidate": request.meta.get("candidate")}))

    # -- callbacks --------------------------------------------------------------------------
    def dropped(self, response: Response, site: str) -> Iterator[Any]:
        yield from self._announce(response.meta)
        yield from self._finish(self.state.end_page(site, [], self.parallel_sites), site)

    def skipped(self, response: Response, site: str) -> Iterator[Any]:
        end = self.state.end_page(site, [], self.parallel_sites)
        yield from self._announce(response.meta)
        for candidate, _distance in end.released:
            yield self.site_request(candidate)

    async def parse(self, response: Response, site: str) -> AsyncIterator[Any]:
        if response.status == 304:
            await self.state.abegin_page(site, canonicalize(response.url), 0.0, [],
                                         self.max_pages)
            for item in self._announce(response.meta):
                yield item
            yield PageUnchanged(site, canonicalize(response.url))
            for item in self._finish(await self.state.aend_page(site, [], self.parallel_sites),
                                     site):
                yield item
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in _HTML_TYPES:
            result = await self._extract(response, site, content_type)
        else:
            url = canonicalize(response.url)
            result = PageResult(PageFacts(url=url, domain=domain_of(url)))
        facts = result.facts
        feed, follow = self._follow(response, site, facts)
        # Claimed URLs are never asked twice, so no request of ours is dropped by a
        # duplicate filter on the way and the in-flight counts stay true.
        start = await self.state.abegin_page(
            site, facts.url, result.relevance, follow, self.max_pages)
        for item in self._announce(response.meta):
            yield item
        yield FetchedPage(
            site=site,
            url=facts.url,
            status=response.status,
            content_type=content_type,
            size=len(response.body),
            facts=facts,
            fetched_at=datetime.now(UTC).isoformat(),
            etag=(response.headers.get("ETag") or b"").decode("latin-1"),
            last_modified=(response.headers.get("Last-Modified") or b"").decode("latin-1"),
            error=result.error or page_note(facts),
        )
        for item in self._after_page(response, site, facts, result.letter, feed, start):
            yield item
        offers: list[Offer] = []
        if start.relevance > 0.0 and start.distance is not None:
            # Only on-topic sites are expanded from; off-topic ones are just recorded.
            # A site already known is skipped here, before any work (the first offer
            # of a site wins).
            seen = {site}
            for link in facts.links:
                target = link.target_domain
                if target and target not in seen and self.state.maybe_new(target):
                    seen.add(target)
                    offer = self._offer(site, link, start.relevance, start.distance)
                    if offer is not None:
                        offers.append(offer)
        end = await self.state.aend_page(site, offers, self.parallel_sites)
        for item in self._finish(end, site):
            yield item

    # -- the site's main feed (crawl/feeds.py) ------------------------------------------
    @staticmethod
    def _follow(response: Response, site: str, facts: PageFacts) -> tuple[str, list[str]]:
        """(the main feed, the same-site URLs to follow): from a home page, the site's
        main feed first of them, so it is fetched within the page budget."""
        follow = [url for url in facts.follow if domain_of(url) == site]
        home = "candidate" in response.meta
        feed = main_feed(response.url, site, facts.feeds, facts.platform) if home else ""
        if home and not feed and facts.kind in SITEMAP_KINDS:
            feed = sitemap_url(response.url)  # asked for a feed (parse_sitemap)
        return feed, ([feed, *(u for u in follow if u != feed)] if feed else follow)

    def _after_page(self, response: Response, site: str, facts: PageFacts,
                    letter: NewsletterFacts | None, feed: str, start: Any) -> Iterator[Any]:
        """A newsletter's sign-up and readers (issue 21), then the requests to follow."""
        if letter is not None:
            yield letter
        for url in start.follow:
            if url == feed and url == sitemap_url(response.url):
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.sitemap_failed,
                                     cb_kwargs={"site": site}, priority=_FOLLOW_PRIORITY,
                                     meta={FEED_META: facts.kind}, dont_filter=start.refetch)
            elif url == feed:
                yield self._feed_request(url, site, facts.kind, start.refetch)
            else:
                yield self._request(url, site, _FOLLOW_PRIORITY, refetch=start.refetch)

    def _feed_request(self, url: str, site: str, site_kind: str,
                      refetch: bool) -> scrapy.Request:
        args = feed_request_args(url, site_kind, self.validators)
        return scrapy.Request(url, callback=self.parse_feed, errback=self.feed_failed,
                              cb_kwargs={"site": site}, priority=_FOLLOW_PRIORITY,
                              dont_filter=refetch, **args)

    async def parse_sitemap(self, response: Response, site: str) -> AsyncIterator[Any]:
        """A sitemap asked for the site's feed: the feed it lists, if any, is claimed
        within the page budget and fetched."""
        found = feed_in_sitemap(response.url, site, response.body)
        start = await self.state.abegin_page(site, canonicalize(response.url), 0.0,
                                             [found] if found else [], self.max_pages)
        for url in start.follow:
            yield self._feed_request(url, site, str(response.meta.get(FEED_META, "")),
                                     start.refetch)
        for item in self._finish(await self.state.aend_page(site, [], self.parallel_sites),
                                 site):
            yield item

    def sitemap_failed(self, failure: Failure) -> Iterator[Any]:
        """No sitemap (a 404, an error): the site has no feed to read; its crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site", "")
        self.state.begin_page(site, canonicalize(request.url), 0.0, [], self.max_pages)
        yield from self._finish(self.state.end_page(site, [], self.parallel_sites), site)

    async def parse_feed(self, response: Response, site: str) -> AsyncIterator[Any]:
        await self.state.abegin_page(site, canonicalize(response.url), 0.0, [],
                                     self.max_pages)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        fetched = datetime.now(UTC)
        read = (FeedRead(url=response.url) if response.status == 304 else
                read_feed(response.url, response.body, content_type, fetched))
        yield FeedFetched(
            site=site, url=canonicalize(response.request.url if response.request
                                        else response.url),
            status=response.status, read=read,
            site_kind=str(response.meta.get(FEED_META, "")),
            etag=(response.headers.get("ETag") or b"").decode("latin-1"),
            last_modified=(response.headers.get("Last-Modified") or b"").decode("latin-1"),
            fetched_at=fetched.isoformat())
        for item in self._finish(await self.state.aend_page(site, [], self.parallel_sites),
                                 site):
            yield item

    def feed_failed(self, failure: Failure) -> Iterator[Any]:
        """A feed that gave no usable answer (an HTTP error, a download over the byte
        cap, a timeout) is recorded with its reason; the site's crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site", "")
        self.state.begin_page(site, canonicalize(request.url), 0.0, [], self.max_pages)
        end = self.state.end_page(site, [], self.parallel_sites)
        response = getattr(failure.value, "response", None)
        message = failure.getErrorMessage() or type(failure.value).__name__
        too_large = "maxsize" in message.lower() or "cancel" in message.lower()
        yield FeedFetched(
            site=site, url=canonicalize(request.url),
            status=int(response.status) if response is not None else 0,
            read=FeedRead(url=request.url, problems=("too_large",) if too_large else ()),
            site_kind=str(request.meta.get(FEED_META, "")),
            fetched_at=datetime.now(UTC).isoformat(),
            error=f"{type(failure.value).__name__}: {message}"[:300])
        yield from self._finish(end, site)

    def _offer(self, site: str, link: Link, site_relevance: float,
               distance: int) -> Offer | None:
        target = link.target_domain
        if not target or target == site:
            return None
        anchor = link.anchor[:80] or link.target_url
        candidate = Candidate(
            url=site_root(link.target_url), domain=target,
            why=f"linked from {site} ({link.section or 'page'}): {anchor}",
            source="link", distance=distance + 1, via=site,
        )
        return candidate, link_priority(link, site_relevance, self.pattern), distance + 1

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site", "")
        url = canonicalize(request.url)
        self.state.begin_page(site, url, 0.0, [], self.max_pages)
        yield from self._announce(request.meta)
        end = self.state.end_page(site, [], self.parallel_sites)
        status = 0
        response = getattr(failure.value, "response", None)
        if response is not None:
            status = int(response.status)
        # Some Twisted errors carry no message: say what they are rather than nothing.
        message = failure.getErrorMessage() or (failure.value.__doc__ or "").strip().split("\n")[0]
        reason = f"{type(failure.value).__name__}: {message or 'no detail'}"
        yield FetchedPage(
            site=site,
            url=url,
            status=status,
            content_type="",
            size=0,
            facts=PageFacts(url=url, domain=domain_of(url)),
            fetched_at=datetime.now(UTC).isoformat(),
            error=reason[:500],
        )
        yield from self._finish(end, site)
