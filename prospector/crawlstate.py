"""The focused crawl's shared state, behind one interface: the frontier of sites, the
per-site page budget, in-flight counts, URLs claimed and site relevance.

`LocalState` keeps it in memory for a single process; `prospector.distributed.RedisState`
keeps it in Redis so that every worker of a distributed crawl shares one frontier and
one budget."""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from prospector.discover.frontier import Frontier
from prospector.models import Candidate


class CrawlState(Protocol):
    distributed: bool

    def push(self, candidate: Candidate, priority: float, distance: int) -> bool: ...
    def pop(self, n: int) -> list[tuple[Candidate, int]]: ...
    def distance_of(self, domain: str) -> int | None: ...
    def is_known(self, domain: str) -> bool: ...
    def claim_url(self, url: str) -> bool: ...
    def add_scheduled(self, site: str, n: int = 1) -> int: ...
    def scheduled(self, site: str) -> int: ...
    def add_outstanding(self, site: str, n: int) -> int: ...
    def active_sites(self) -> int: ...
    def reset_outstanding(self) -> None: ...
    def touch(self, site: str) -> None: ...
    def refetching(self, site: str) -> bool: ...
    def relevance(self, site: str, value: float) -> float: ...
    @property
    def released(self) -> int: ...
    @property
    def known(self) -> int: ...


class LocalState:
    distributed = False

    def __init__(self, frontier: Frontier) -> None:
        self.frontier = frontier
        self._scheduled: Counter[str] = Counter()
        self._outstanding: Counter[str] = Counter()
        self._claimed: set[str] = set()
        self._relevance: dict[str, float] = {}

    def push(self, candidate: Candidate, priority: float, distance: int) -> bool:
        return self.frontier.push(candidate, priority, distance)

    def pop(self, n: int) -> list[tuple[Candidate, int]]:
        return self.frontier.pop(n)

    def distance_of(self, domain: str) -> int | None:
        return self.frontier.distance_of(domain)

    def is_known(self, domain: str) -> bool:
        return self.frontier.is_known(domain)

    def claim_url(self, url: str) -> bool:
        if url in self._claimed:
            return False
        self._claimed.add(url)
        return True

    def add_scheduled(self, site: str, n: int = 1) -> int:
        self._scheduled[site] += n
        return self._scheduled[site]

    def scheduled(self, site: str) -> int:
        return self._scheduled[site]

    def add_outstanding(self, site: str, n: int) -> int:
        self._outstanding[site] += n
        return self._outstanding[site]

    def active_sites(self) -> int:
        return sum(1 for v in self._outstanding.values() if v > 0)

    def reset_outstanding(self) -> None:
        self._outstanding.clear()

    def touch(self, site: str) -> None:
        """Nothing to do in one process: its items reach the store or die with it."""

    def refetching(self, site: str) -> bool:
        return False

    def relevance(self, site: str, value: float) -> float:
        best = max(value, self._relevance.get(site, 0.0))
        self._relevance[site] = best
        return best

    @property
    def released(self) -> int:
        return self.frontier.released

    @property
    def known(self) -> int:
        return len(self.frontier._known)
