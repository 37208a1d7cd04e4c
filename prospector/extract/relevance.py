"""A page's relevance to the niche: keyword hits in its title and visible text.

Here, in extract, so that extraction workers (prospector.crawl.workers) compute it
beside the page's facts: counting hits over a page's text was 3 % of the crawl's one
busy thread on the bulk sample web. prospector.discover.frontier re-exports both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

# Keyword hits on a page at which its relevance saturates (1.0).
PAGE_RELEVANCE_SATURATION = 10


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str]:
    words = [re.escape(k.strip().lower()) for k in keywords if k.strip()]
    return re.compile("|".join(words) if words else r"(?!x)x")


def relevance(text: str, pattern: re.Pattern[str]) -> float:
    """0..1 from keyword hits, log-scaled: the first mentions matter most."""
    hits = len(pattern.findall(text.lower()))
    return min(1.0, math.log1p(hits) / math.log1p(PAGE_RELEVANCE_SATURATION))


@lru_cache(maxsize=16)
def compiled(source: str) -> re.Pattern[str]:
    """A keyword pattern sent to a worker as its source text, compiled once there."""
    return re.compile(source)
