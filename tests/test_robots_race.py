"""Several requests to one site before its robots.txt is known must all obey it.

Scrapy's own middleware hands the parser to the first waiter only (under the asyncio
reactor the others get None, i.e. "allowed"); `prospector.crawl.middlewares.robots.RobotsTxtMiddleware`
fixes that. A real crawl of the sample web, through the project's settings. Whether the
race window is hit depends on timing, so the Twisted behaviour behind it is pinned too."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

from prospector.sampleweb.proc import SampleWebProcess
from tests.conftest import REPO

SCRIPT = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

site, proxy = sys.argv[1], sys.argv[2]
fetched = []

class Burst(scrapy.Spider):
    name = "burst"
    async def start(self):
        # All at once, before robots.txt is known: the race's condition.
        for path in ("private/team", "about/", "private/team?a", "contact/", "private/team?b",
                     "private/team?c"):
            yield scrapy.Request(site + path, callback=self.parse, errback=self.failed)
    def parse(self, response):
        fetched.append(response.url)
    def failed(self, failure):
        pass

settings = Settings()
settings.setmodule("prospector.crawl.settings", priority="project")
settings.setdict({"PROSPECTOR_PROXY": proxy, "ITEM_PIPELINES": {}, "EXTENSIONS": {},
                  "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "ERROR"}, priority="cmdline")
process = CrawlerProcess(settings)
process.crawl(Burst)
process.start()
print(json.dumps(sorted(fetched)))
"""


def _burst(web: SampleWebProcess, site: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", SCRIPT, site, web.url],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    fetched: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return fetched


def test_a_burst_of_requests_obeys_robots(sampleweb: SampleWebProcess,
                                          truth: dict[str, Any]) -> None:
    site = next(s["home"] for s in truth["sites"]
                if s["hidden_emails"] and not s["robots_disallow_all"])
    fetched = _burst(sampleweb, site)
    assert not [u for u in fetched if "/private/" in u], fetched
    assert len(fetched) == 2  # about and contact
    print(f"robots burst: fetched {fetched}; no forbidden page")


def test_a_deferred_gives_its_result_to_one_future_only() -> None:
    """Why the fix exists: each waiter's future consumes the result."""
    from twisted.internet.defer import Deferred

    async def waiters() -> tuple[object, object]:
        deferred: Deferred[str] = Deferred()
        loop = asyncio.get_running_loop()
        first, second = deferred.asFuture(loop), deferred.asFuture(loop)
        deferred.callback("parser")
        return await first, await second

    assert asyncio.run(waiters()) == ("parser", None)
