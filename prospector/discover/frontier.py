"""The focused crawl's frontier: candidate sites ranked best-first, within budgets.

Pure: no I/O, no Scrapy. The spider pushes search results, seeds and outbound links,
and pops the best candidates when it has room for more sites.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass, field

from prospector.discover.vocab import MEGA_PLATFORMS, SECTION_WEIGHT
from prospector.extract.relevance import keyword_pattern as keyword_pattern  # re-exported
from prospector.extract.relevance import relevance as relevance  # re-exported
from prospector.extract.vocab.infrastructure import is_infrastructure
from prospector.hosts import normal_host
from prospector.models import Candidate, Link


def is_mega_platform(domain: str) -> bool:
    """A platform or infrastructure (CDN, tracker, widget, messenger, the biggest
    publishers...: extract.vocab.infrastructure): never crawled unless the user names it."""
    return domain in MEGA_PLATFORMS or is_infrastructure(domain)


def link_priority(link: Link, source_relevance: float, pattern: re.Pattern[str]) -> float:
    """How promising the linked site is, from the link alone: where it sits, what its
    anchor says, and how relevant the linking page is. Roughly 0..10."""
    anchor_hit = 1.0 if pattern.search(link.anchor.lower()) else 0.0
    url_hit = 1.0 if pattern.search(link.target_url.lower()) else 0.0
    section = SECTION_WEIGHT.get(link.section, 1.0)
    return round(section * (1.0 + source_relevance) + 2.0 * anchor_hit + 1.0 * url_hit, 4)


@dataclass(order=True)
class _Entry:
    sort_key: tuple[float, int]
    candidate: Candidate = field(compare=False)
    distance: int = field(compare=False)


@dataclass
class Frontier:
    """Best-first queue of sites, one entry per registered domain.

    `max_sites` caps the sites released; `max_distance` caps link hops from a search
    result or seed; `exclude` domains are never released; mega-platforms neither.
    """

    max_sites: int
    max_distance: int = 2
    exclude: frozenset[str] = frozenset()
    _heap: list[_Entry] = field(default_factory=list)
    _known: dict[str, float] = field(default_factory=dict)
    _released: dict[str, int] = field(default_factory=dict)
    _counter: int = 0

    def __post_init__(self) -> None:
        # Sites are keyed by their punycode domain (prospector.hosts): 'bücher.test' in an
        # exclude list must exclude xn--bcher-kva.test.
        self.exclude = frozenset(filter(None, map(normal_host, self.exclude)))

    def push(self, candidate: Candidate, priority: float, distance: int = 0) -> bool:
        """Offer a site; False when it is refused (known, excluded, too far, mega)."""
        domain = candidate.domain
        # A site the user names (a seed or the include list) is crawled whatever it is.
        named = candidate.source == "seed" and distance == 0
        if not self.admits(domain, distance, named) or domain in self._released:
            return False
        if self._known.get(domain, -math.inf) >= priority:
            return False
        # A better offer for a queued site replaces it; the stale entry is skipped on pop.
        self._known[domain] = priority
        self._counter += 1
        heapq.heappush(self._heap, _Entry((-priority, self._counter), candidate, distance))
        return True

    def admits(self, domain: str, distance: int, named: bool = False) -> bool:
        """Whether a site may be offered at all: a domain, not excluded, not a
        mega-platform or infrastructure (unless the user `named` it), within the link
        distance. The one check every crawl state uses."""
        return bool(domain) and domain not in self.exclude \
            and (named or not is_mega_platform(domain)) and distance <= self.max_distance

    def pop(self, n: int) -> list[tuple[Candidate, int]]:
        """Release up to `n` best sites within the site budget: (candidate, distance)."""
        out: list[tuple[Candidate, int]] = []
        while self._heap and len(out) < n and len(self._released) < self.max_sites:
            entry = heapq.heappop(self._heap)
            domain = entry.candidate.domain
            if domain in self._released or self._known.get(domain) != -entry.sort_key[0]:
                continue
            self._released[domain] = entry.distance
            out.append((entry.candidate, entry.distance))
        return out

    def distance_of(self, domain: str) -> int | None:
        return self._released.get(domain)

    def is_known(self, domain: str) -> bool:
        return domain in self._released or domain in self._known

    @property
    def released(self) -> int:
        return len(self._released)

    @property
    def known(self) -> int:
        """Sites offered so far (queued or released)."""
        return len(self._known)
