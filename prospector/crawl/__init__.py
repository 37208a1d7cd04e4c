"""Crawl: the Scrapy runtime. `run` owns a run's lifecycle (lock, discovery, crawl,
scoring); `spider` fetches; `pipeline` and `sink` hand pages to the store; the rest are
the Scrapy components (settings, middlewares, progress, logs) and the crawl state."""
