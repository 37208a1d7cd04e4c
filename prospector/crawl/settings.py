"""Static Scrapy defaults for the project (scrapy.cfg points here).

Job-specific values come from `prospector.config.scrapy.scrapy_settings` at a higher
priority.
"""

from prospector.config.model import USER_AGENT as DEFAULT_USER_AGENT

BOT_NAME = "prospector"
SPIDER_MODULES = ["prospector.crawl.spider"]
NEWSPIDER_MODULE = "prospector.crawl"

ROBOTSTXT_OBEY = True
USER_AGENT = DEFAULT_USER_AGENT

# Polite by default: one request at a time per site with adaptive delays.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Brief visits: pages are small, a few per site; a huge body is not a prospect.
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 1
REDIRECT_MAX_TIMES = 5
# Redirects are never dropped as duplicates: a redirect loop ends at REDIRECT_MAX_TIMES
# with a reason recorded for its site instead of vanishing.
# No duplicate filter in one process: every request of the spider is of a URL the crawl
# state claimed first (crawl/state.py, never asked twice), and a redirect passes as it
# must (a loop ends at REDIRECT_MAX_TIMES with its reason). Scrapy's filter kept a
# fingerprint of every request for the whole crawl, ≈ 5 MB at 50,000 pages
# (bench/RESULTS.md, issue 23 third pass). A distributed job sets scrapy-redis's
# (distributed/job.py), which the spider's refetches bypass.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
# No depth limit: Scrapy's depth counts every callback hop, so a site released from
# another site's page would inherit that page's depth and its own pages be dropped
# silently. The spider bounds the crawl itself: pages per site, link distance, sites.
DEPTH_LIMIT = 0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # First of all (before robots.txt at 100): no request to a loopback, private,
    # link-local or multicast address, nor to a file: URL, unless PROSPECTOR_ALLOW_PRIVATE.
    "prospector.crawl.middlewares.guard.AddressGuard": 50,
    # Scrapy's robots.txt middleware has a race (see the class); ours replaces it.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "prospector.crawl.middlewares.robots.RobotsTxtMiddleware": 100,
    # The spider names no allowed_domains (the frontier decides which sites are crawled),
    # so Scrapy's offsite check let everything through, twice per request (on scheduling
    # and before download), in the crawl's one busy thread.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Scrapy's meta-refresh redirects, not asked of pages that cannot have one.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "prospector.crawl.middlewares.refresh.MetaRefresh": 580,
    # Before HttpProxyMiddleware (750) so robots.txt requests get the proxy too.
    "prospector.crawl.middlewares.proxy.ProxyMiddleware": 740,
}
SPIDER_MIDDLEWARES = {
    # Each spider middleware wraps every callback's output in one more async generator,
    # and the crawl's one busy thread paid for these two on every page for nothing:
    # depth is only counted (DEPTH_LIMIT = 0 above; the spider bounds link distance
    # itself), and the meta-copy check is a warning for spider authors, not a crawl's.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# Through a proxy, as many kept connections as requests in flight (the class says why).
DOWNLOAD_HANDLERS = {
    "http": "prospector.crawl.handler.ProxyPoolHandler",
    "https": "prospector.crawl.handler.ProxyPoolHandler",
}
EXTENSIONS = {
    # First: one malloc arena for the whole process, before any thread of the reactor's
    # pool allocates (prospector/crawl/arenas.py: the resting RSS rose with every batch).
    "prospector.crawl.arenas.OneArena": 0,
    # Owns the run under `scrapy crawl` and scrapyd (lock, discovery, scoring); stays
    # out when the CLI or the distributed coordinator owns it.
    "prospector.crawl.owner.RunOwner": 100,
    "prospector.crawl.progress.Progress": 500,
}
ITEM_PIPELINES = {
    "prospector.crawl.pipeline.StorePipeline": 300,
}

# Items go through one synchronous pipeline: with Scrapy's default of 100, every
# response's output starts 100 asyncio tasks (Scraper.handle_spider_output_async),
# ≈10 % of the crawl's one busy thread on the bulk sample web for nothing.
CONCURRENT_ITEMS = 1

# Scrapy looks at every callback before calling it for a generator that returns a value
# (a bound method is a new key in its weak cache each time: 1.8 % of a fast crawl's busy
# thread). The spider's callbacks are async generators, which cannot return one.
WARN_ON_GENERATOR_RETURN_VALUE = False

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# libuv under that reactor, as Scrapy documents for this setting: the crawl's one busy
# thread spent ≈ 12 % less CPU a page on the bulk sample web (four alternating pairs,
# bench/RESULTS.md issue 23), where asyncio's own selector loop re-registered sockets.
ASYNCIO_EVENT_LOOP = "uvloop.Loop"
# Names resolve through the address guard's pins: the downloader connects to the address
# the guard approved, and refuses a non-public answer of its own (DNS rebinding).
TWISTED_DNS_RESOLVER = "prospector.crawl.resolver.GuardedResolver"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "WARNING"
