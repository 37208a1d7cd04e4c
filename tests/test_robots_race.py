"""Several requests to one site before its robots.txt is known must all obey it.

Scrapy's own middleware hands the parser to the first waiter only (under the asyncio
reactor the others get None, i.e. "allowed"); `prospector.crawl.middlewares.robots.RobotsTxtMiddleware`
fixes that. A real crawl, through the project's settings, of a loopback site whose
robots.txt answers after a second: every request of the burst is then waiting for it,
so the race window is always hit (Scrapy's stock middleware fetches forbidden pages
there, which the second test shows). The Twisted behaviour behind it is pinned too."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from prospector.sampleweb.proc import SampleWebProcess
from tests.conftest import REPO

SCRIPT = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

site, proxy, stock = sys.argv[1], sys.argv[2], sys.argv[3] == "stock"
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
if stock:  # Scrapy's own middleware, race and all (issue 25's mutation)
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares.update({"prospector.crawl.middlewares.robots.RobotsTxtMiddleware": None,
                        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": 100})
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
process = CrawlerProcess(settings)
process.crawl(Burst)
process.start()
print(json.dumps(sorted(fetched)))
"""


class _SlowRobots(BaseHTTPRequestHandler):
    """A proxy-style server for one site: robots.txt (forbidding /private/) after a
    second, every other page at once."""

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/robots.txt":
            time.sleep(ROBOTS_DELAY)
            body = b"User-agent: *\nDisallow: /private/\n"
        else:
            body = b"<html><body>page</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if path == "/robots.txt" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


ROBOTS_DELAY = 1.0


@pytest.fixture(scope="module")
def slow_robots() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowRobots)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def burst(proxy: str, middleware: str = "ours", site: str = "http://race.test/") -> list[str]:
    result = subprocess.run([sys.executable, "-c", SCRIPT, site, proxy, middleware],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    fetched: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return fetched


def test_a_burst_of_requests_obeys_robots(slow_robots: str) -> None:
    fetched = burst(slow_robots)
    assert not [u for u in fetched if "/private/" in u], fetched
    assert len(fetched) == 2  # about and contact
    print(f"robots burst: fetched {fetched}; no forbidden page")


def test_the_race_window_is_hit(slow_robots: str) -> None:
    """The same burst through Scrapy's stock middleware fetches forbidden pages: the
    test above stands in the race, so it would catch the fix undone."""
    fetched = burst(slow_robots, "stock")
    forbidden = [u for u in fetched if "/private/" in u]
    print(f"stock middleware: {len(forbidden)} forbidden pages fetched")
    assert forbidden


def test_the_sample_web_burst_obeys_robots(sampleweb: SampleWebProcess,
                                           truth: dict[str, Any]) -> None:
    site = next(s["home"] for s in truth["sites"]
                if s["hidden_emails"] and not s["robots_disallow_all"])
    fetched = burst(sampleweb.url, site=site)
    assert not [u for u in fetched if "/private/" in u], fetched
    assert len(fetched) == 2


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
