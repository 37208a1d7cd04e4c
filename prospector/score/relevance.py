"""Relevance: BM25 of the keyword and its variants over each site's text, every site of
the run one document (titles count TITLE_BOOST times, body once)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

K1 = 1.2
B = 0.75
TITLE_BOOST = 3
# Word endings dropped so that "beekeeping" also matches beekeeper, beekeepers.
_SUFFIXES = ("ing", "ers", "er", "es", "s")


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(keywords: Sequence[str]) -> list[str]:
    """Distinct word stems of the keyword and its variants, in order."""
    seen: dict[str, None] = {}
    for keyword in keywords:
        for word in re.findall(r"[a-z0-9]+", keyword.lower()):
            if len(word) >= 3:
                seen.setdefault(stem(word), None)
    return list(seen)


def term_pattern(term: str) -> str:
    """A regex over lower-cased text: the stem at a word start, any word ending."""
    return r"\b" + re.escape(term) + r"[a-z]*"


def bm25(tf: Mapping[str, Mapping[str, float]], lengths: Mapping[str, float]
         ) -> dict[str, float]:
    """tf: term → site → weighted term frequency; lengths: site → words."""
    sites = sorted(lengths)
    n = len(sites)
    if n == 0:
        return {}
    avgdl = sum(lengths.values()) / n or 1.0
    out = dict.fromkeys(sites, 0.0)
    for term in sorted(tf):
        freq = tf[term]
        df = sum(1 for s in sites if freq.get(s, 0) > 0)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for site in sites:
            f = freq.get(site, 0.0)
            if f > 0:
                norm = K1 * (1 - B + B * lengths[site] / avgdl)
                out[site] += idf * f * (K1 + 1) / (f + norm)
    return {s: round(v, 9) for s, v in out.items()}


def reference(values: Sequence[float]) -> float:
    """The run's yardstick: the 75th percentile of the sites that mention the niche."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return 0.0
    return positive[min(len(positive) - 1, (3 * len(positive)) // 4)]
