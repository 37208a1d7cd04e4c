"""The prospect spider: fetches each candidate site's home page and the few pages
that look like contact, about or advertise pages. It only fetches and hands bodies to
`prospector.extract`; budgets live here, extraction and storage do not."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from prospector.config import Config
from prospector.discover import discover
from prospector.extract import extract_page
from prospector.models import Candidate, FetchedPage, PageFacts
from prospector.urls import canonicalize, registered_domain

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")


class ProspectSpider(scrapy.Spider):
    name = "prospect"

    def __init__(
        self,
        keyword: str = "",
        search: str = "",
        seeds: str = "",
        max_sites: str | int = 50,
        candidates: list[Candidate] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keyword = keyword
        self.search = search
        self.seeds = seeds
        self.max_sites = int(max_sites)
        self.candidates = candidates
        self.max_pages = 6
        self.scheduled: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ProspectSpider:
        spider: ProspectSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("PROSPECTOR_MAX_PAGES_PER_SITE", 6)
        return spider

    def _candidates(self) -> list[Candidate]:
        if self.candidates is not None:
            return self.candidates
        # Run as `scrapy crawl prospect -a keyword=…`: discover here.
        config = Config(
            keyword=self.keyword,
            db_path=Path("unused"),
            search_url=self.search or None,
            seeds_path=Path(self.seeds) if self.seeds else None,
            max_sites=self.max_sites,
        )
        return discover(config)

    async def start(self) -> AsyncIterator[Any]:
        for candidate in self._candidates():
            yield candidate
            self.scheduled[candidate.domain] += 1
            yield scrapy.Request(
                candidate.url,
                callback=self.parse,
                errback=self.failed,
                cb_kwargs={"site": candidate.domain},
            )

    def parse(self, response: Response, site: str) -> Iterator[Any]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in _HTML_TYPES:
            facts = extract_page(response.url, response.body, content_type)
        else:
            url = canonicalize(response.url)
            facts = PageFacts(url=url, domain=registered_domain(url))
        yield FetchedPage(
            site=site,
            url=facts.url,
            status=response.status,
            content_type=content_type,
            size=len(response.body),
            facts=facts,
            fetched_at=datetime.now(UTC).isoformat(),
        )
        for url in facts.follow:
            if self.scheduled[site] >= self.max_pages:
                break
            if registered_domain(url) != site:
                continue
            self.scheduled[site] += 1
            yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                 cb_kwargs={"site": site})

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site", "")
        url = canonicalize(request.url)
        status = 0
        response = getattr(failure.value, "response", None)
        if response is not None:
            status = int(response.status)
        reason = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        yield FetchedPage(
            site=site,
            url=url,
            status=status,
            content_type="",
            size=0,
            facts=PageFacts(url=url, domain=registered_domain(url)),
            fetched_at=datetime.now(UTC).isoformat(),
            error=reason[:500],
        )
