"""Score sites as prospects: pure factor functions, one weighted sum, a readable breakdown.

A first cut; each factor is 0..1, the weights say how many of the 100 points it carries.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prospector.config import Config
from prospector.store.db import Store

DEFAULT_WEIGHTS: Mapping[str, float] = {
    # Off-niche sites are worthless however reachable: relevance carries the most.
    "relevance": 45.0,
    # A prospect nobody can contact cannot be acted on.
    "reachability": 35.0,
    # Communities and publishers (forums, blogs, newsletters) are what the user seeks.
    "kind": 20.0,
}

# Best channel → how directly it reaches a person.
CHANNEL_VALUE: Mapping[tuple[str, str], float] = {
    ("email", "personal"): 1.0,
    ("email", "role"): 0.8,
    ("form", ""): 0.5,
    ("social", ""): 0.25,
}

KIND_VALUE: Mapping[str, float] = {
    "forum": 1.0, "blog": 1.0, "newsletter": 1.0, "association": 0.8, "directory": 0.6,
    "shop": 0.6, "other": 0.2,
}

# Keyword hits at which relevance saturates: a site that names the niche 30 times on a
# handful of pages is as relevant as one that names it 300 times.
RELEVANCE_SATURATION = 30


@dataclass(frozen=True)
class Score:
    total: float
    breakdown: dict[str, dict[str, float]]


def keyword_regex(keywords: tuple[str, ...]) -> str:
    return "|".join(re.escape(k.lower()) for k in keywords if k.strip())


def relevance(hits: int) -> float:
    return min(1.0, math.log1p(max(hits, 0)) / math.log1p(RELEVANCE_SATURATION))


def reachability(channel: str | None, role: str | None) -> float:
    if not channel:
        return 0.0
    if channel == "email":
        return CHANNEL_VALUE.get(("email", role or "role"), 0.8)
    return CHANNEL_VALUE.get((channel, ""), 0.0)


def score_site(features: Mapping[str, Any], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> Score:
    raw = {
        "relevance": float(features.get("hits") or 0),
        "reachability": reachability(features.get("channel"), features.get("role")),
        "kind": KIND_VALUE.get(str(features.get("kind") or "other"), 0.2),
    }
    factor = {
        "relevance": relevance(int(raw["relevance"])),
        "reachability": raw["reachability"],
        "kind": raw["kind"],
    }
    if features.get("status") not in ("ok", None):
        factor = {name: 0.0 for name in factor}
    breakdown = {
        name: {"raw": raw[name], "value": round(factor[name], 4), "weight": weights[name],
               "points": round(factor[name] * weights[name], 2)}
        for name in weights
    }
    total = round(sum(b["points"] for b in breakdown.values()), 2)
    return Score(min(100.0, total), breakdown)


def rescore(store: Store, config: Config | None = None,
            weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> int:
    """Score every site in the DB for the last run's keyword; returns sites scored."""
    if config is not None:
        keywords = config.keywords
    else:
        row = store.rows("SELECT keyword FROM runs ORDER BY run_id DESC LIMIT 1")
        keywords = (str(row[0]["keyword"]),) if row else ()
    pattern = keyword_regex(keywords) or "$^"
    results = []
    for features in store.site_features(pattern):
        s = score_site(features, weights)
        results.append((str(features["domain"]), s.total, json.dumps(s.breakdown)))
    store.write_scores(store.last_run_id(), results)
    return len(results)
