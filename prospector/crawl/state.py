"""The focused crawl's shared state, behind one interface: the frontier of sites, the
per-site page budget, in-flight counts, URLs claimed and site relevance.

`LocalState` keeps it in memory for a single process; `prospector.distributed.state.RedisState`
keeps it in Redis so that every worker of a distributed crawl shares one frontier and
one budget. The interface is shaped by pages, not by links: the spider asks once when a
page arrives (`begin_page`) and once when it has been handled (`end_page`), so a
distributed worker pays two Redis round trips a page, whatever the number of links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from prospector.discover.frontier import Frontier
from prospector.models import Candidate

# A site offered to the frontier: (candidate, priority, link distance).
Offer = tuple[Candidate, float, int]
Released = list[tuple[Candidate, int]]


@dataclass(frozen=True)
class PageStart:
    """What the state says when a page of `site` arrives."""

    follow: list[str]  # same-site URLs claimed for this page, within the page budget
    refetch: bool  # the site is crawled again after a worker died: bypass the dupefilter
    relevance: float  # the site's relevance so far, this page included
    distance: int | None  # link hops of the site from a seed; None if never released


@dataclass(frozen=True)
class PageEnd:
    done: bool  # the site's last outstanding request has been handled
    released: Released = field(default_factory=list)  # sites to start now


class CrawlState(Protocol):
    def push_many(self, offers: Sequence[Offer]) -> int:
        """Offer sites; those already known are skipped. Returns how many were taken."""
        ...

    def push(self, candidate: Candidate, priority: float, distance: int) -> bool:
        """A seed or search result: a better offer for a queued site re-ranks it."""
        ...

    def refill(self, parallel_sites: int) -> Released:
        """Release the best queued sites while fewer than `parallel_sites` are active.
        A released site is started: its home URL claimed, its request counted."""
        ...

    def begin_page(self, site: str, url: str, page_relevance: float, follow: Sequence[str],
                   max_pages: int) -> PageStart:
        """A page of `site` arrived at `url` (after redirects): claim `url` and what to
        follow, within the page budget; fold in its relevance. Until the page's item is
        shipped, the site's result depends on this worker staying alive."""
        ...

    def end_page(self, site: str, offers: Sequence[Offer], parallel_sites: int) -> PageEnd:
        """Offer the page's links, count its request as handled, release new sites."""
        ...

    # The same two, awaitable: a distributed worker goes on with other pages while its
    # round trip to Redis is under way.
    async def abegin_page(self, site: str, url: str, page_relevance: float,
                          follow: Sequence[str], max_pages: int) -> PageStart: ...

    async def aend_page(self, site: str, offers: Sequence[Offer],
                        parallel_sites: int) -> PageEnd: ...

    def reset_outstanding(self) -> None:
        """The crawl is idle: no request of this process is in flight any more."""
        ...

    def recover(self, spider: Any) -> list[Any]:
        """Requests lost with a dead process, to crawl again once the crawl rests."""
        ...

    def all_quiet(self) -> bool:
        """Nothing left to do anywhere: no process may add work any more."""
        ...

    def maybe_new(self, domain: str) -> bool:
        """False when `domain` is surely known already (a local check, no I/O)."""
        ...

    @property
    def released(self) -> int: ...

    @property
    def known(self) -> int: ...


class LocalState:

    def __init__(self, frontier: Frontier, skip: set[str] | None = None) -> None:
        self.frontier = frontier
        self.skip = skip if skip is not None else set()  # released, but not fetched
        self._scheduled: Counter[str] = Counter()
        # Sites with requests in flight only: a finished site's entry is dropped, so
        # `refill` counts the active sites without walking every site ever released.
        self._outstanding: Counter[str] = Counter()
        # Claimed URLs by their 64-bit str hash, not the strings (≈ 60 against ≈ 125 bytes
        # a URL), a set a site, for the sites with requests in flight only: a site follows
        # its own URLs only, so a finished site's set goes with its count. One set for the
        # whole crawl grew with every page (≈ 4 MB at 50,000 pages; bench/RESULTS.md issue
        # 23 third pass). Two URLs of one site sharing a hash would only leave the second
        # one unfetched. Only a redirect's target can be of another site: claimed under the
        # site that asked, its own site could fetch it once more.
        self._claimed: dict[str, set[int]] = {}
        self._relevance: dict[str, float] = {}

    def push_many(self, offers: Sequence[Offer]) -> int:
        taken = 0
        for candidate, priority, distance in offers:
            # First offer wins, as across workers: a known site is not re-ranked.
            if not self.frontier.is_known(candidate.domain):
                taken += self.frontier.push(candidate, priority, distance)
        return taken

    def push(self, candidate: Candidate, priority: float, distance: int) -> bool:
        """A seed or search result: a better offer for a queued site re-ranks it."""
        return self.frontier.push(candidate, priority, distance)

    def refill(self, parallel_sites: int) -> Released:
        room = parallel_sites - len(self._outstanding)
        released = self.frontier.pop(room) if room > 0 else []
        for candidate, _distance in released:
            if candidate.domain not in self.skip:
                self._claimed.setdefault(candidate.domain, set()).add(hash(candidate.url))
                self._scheduled[candidate.domain] += 1
            self._outstanding[candidate.domain] += 1
        return released

    def begin_page(self, site: str, url: str, page_relevance: float, follow: Sequence[str],
                   max_pages: int) -> PageStart:
        seen = self._claimed.setdefault(site, set())
        seen.add(hash(url))
        claimed = []
        for url in follow:
            if self._scheduled[site] >= max_pages:
                break
            key = hash(url)
            if key not in seen:
                seen.add(key)
                self._scheduled[site] += 1
                self._outstanding[site] += 1
                claimed.append(url)
        best = max(page_relevance, self._relevance.get(site, 0.0))
        self._relevance[site] = best
        return PageStart(claimed, False, best, self.frontier.distance_of(site))

    def end_page(self, site: str, offers: Sequence[Offer], parallel_sites: int) -> PageEnd:
        self.push_many(offers)
        left = self._outstanding[site] - 1
        if left > 0:
            self._outstanding[site] = left
        else:
            del self._outstanding[site]
            self._claimed.pop(site, None)
        return PageEnd(left <= 0, self.refill(parallel_sites))

    async def abegin_page(self, site: str, url: str, page_relevance: float,
                          follow: Sequence[str], max_pages: int) -> PageStart:
        return self.begin_page(site, url, page_relevance, follow, max_pages)

    async def aend_page(self, site: str, offers: Sequence[Offer],
                        parallel_sites: int) -> PageEnd:
        return self.end_page(site, offers, parallel_sites)

    def reset_outstanding(self) -> None:
        self._outstanding.clear()

    def recover(self, spider: Any) -> list[Any]:
        return []  # one process: nothing can be lost with another

    def all_quiet(self) -> bool:
        return True  # one process: idle is the end

    def maybe_new(self, domain: str) -> bool:
        return not self.frontier.is_known(domain)

    @property
    def released(self) -> int:
        return self.frontier.released

    @property
    def known(self) -> int:
        return self.frontier.known
