"""Thin import of the real spider, `prospector.crawl.spider.ProspectSpider`.

Kept for `scrapy runspider spiders/prospect.py` and for readers who look for a Scrapy
project's `spiders/` folder. It is not installed: `SPIDER_MODULES` names
`prospector.crawl.spider`, so `scrapy crawl prospect`, `scrapy list` and scrapyd find the
spider inside the installed `prospector` package.
"""

from prospector.crawl.spider import ProspectSpider

__all__ = ["ProspectSpider"]
