"""One fetched HTML page's whole extraction, as the crawl hands it to a worker process
(prospector.crawl.workers) or runs it inline (`--workers 0`).

Everything a page's bytes are parsed for happens here, in one call, so that a worker
gets the body once and sends back one picklable result: the page's facts, and a
newsletter's sign-up and readers when the page is a newsletter's (issue 21). Pure: no
network, disk or Scrapy; the worker module imports only this.
"""

from __future__ import annotations

from dataclasses import dataclass

from prospector.extract import extract_page
from prospector.extract.newsletter import NewsletterFacts, newsletter_facts
from prospector.extract.relevance import compiled, relevance
from prospector.models import PageFacts


@dataclass(frozen=True, slots=True)
class PageJob:
    """What a worker needs: the page as fetched, and the site it was crawled for."""

    url: str
    body: bytes
    content_type: str
    site: str
    pattern: str = ""  # the niche's keyword pattern (its source): the page's relevance


@dataclass(frozen=True, slots=True)
class PageResult:
    """A page's extraction; `error` says why there is none ('' when there is):
    extraction_timeout (past its CPU deadline), extraction_failed (the worker died),
    extraction_error: <exception> (the extractor raised)."""

    facts: PageFacts
    letter: NewsletterFacts | None = None
    error: str = ""
    cpu_seconds: float = 0.0  # the extraction's CPU time (a worker's; 0.0 inline)
    # Host names the page offered and extraction refused (prospector.hosts.REFUSED), sent
    # back by a worker process, whose own REFUSED the crawl's summary line cannot see.
    refused: tuple[str, ...] = ()
    relevance: float = 0.0  # keyword hits in title and text, 0..1 (extract.relevance)


def run_job(job: PageJob) -> PageResult:
    facts = extract_page(job.url, job.body, job.content_type)
    letter = None
    if facts.newsletter or facts.kind == "newsletter":
        found = newsletter_facts(facts.url, job.body, job.site)
        letter = found if found.signup_url or found.subscribers else None
    score = relevance(f"{facts.title} {facts.text}", compiled(job.pattern)) if job.pattern else 0.0
    return PageResult(facts, letter, relevance=score)
