"""Score sites as JV partners and as communities: pure factors (`factors`), authority
over the crawl's link graph (`graph`), relevance by BM25 (`relevance`), one weighted
sum per score with a breakdown a person can read (`explain`).

Every factor is 0..1; a score's weights say how many of its 100 points each carries.
Relevance also gates the others: a site far below the run's typical relevance has every
other factor scaled down with it (an off-niche site is worthless however reachable).
"""

from __future__ import annotations

import gc
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from prospector.config import Config
from prospector.score import factors as f
from prospector.score import table as t
from prospector.score.activity import activity_factor, site_activity
from prospector.score.background import lanes
from prospector.score.eligibility import (
    DEFAULT_RELEVANCE_FLOOR,
    add_recurring_channels,
    gate_rows,
    relevance_floor,
)
from prospector.score.graph import (
    OTHER_SECTION,
    SECTION_WEIGHT,
    group_edges,
    owner_groups,
    site_authority,
)
from prospector.score.relevance import TITLE_BOOST, bm25, reference, term_pattern, terms
from prospector.score.weights import (
    ACTIVITY_SHARES,
    COMMUNITY_KINDS,
    DEFAULT_WEIGHTS,
    JV_KIND_WEIGHTS,
    check_weights,
)
from prospector.store.db import Store

log = logging.getLogger(__name__)
# DuckDB's memory and threads while scoring, as for the crawl's connection
# (prospector.crawl.pipeline): with DuckDB's defaults (80 % of RAM, a thread per core) the
# buffer pool keeps every block the scoring scans, so its peak grew with the pages.
SCORE_DB_MEMORY_LIMIT = "64MB"
SCORE_DB_THREADS = 1


@dataclass(frozen=True)
class Score:
    total: float
    breakdown: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class SiteScores:
    jv: Score
    community: Score
    overall: Score = field(init=False)

    def __post_init__(self) -> None:
        best = self.jv if self.jv.total >= self.community.total else self.community
        object.__setattr__(self, "overall", best)

    @property
    def total(self) -> float:
        return self.overall.total

    @property
    def breakdown(self) -> dict[str, dict[str, Any]]:
        return self.overall.breakdown


def keyword_regex(keywords: tuple[str, ...]) -> str:
    return "|".join(re.escape(k.lower()) for k in keywords if k.strip())


def factor_values(features: Mapping[str, Any]) -> dict[str, tuple[Any, float]]:
    """Factor → (raw, value) for one site's features."""
    today = features.get("today") or datetime.now(UTC).date()
    get = features.get
    return {
        "relevance": t.relevance_factor(get("bm25"), get("relevance")),
        "reachability": t.reachability_factor(get("channel"), get("role")),
        "openness": t.openness_factor(get("deal_signals")),
        # Issue 21: from the site's posts (score/activity.py), else its pages' latest date.
        "activity": activity_factor(features, today, get("activity_shares")
                                    or ACTIVITY_SHARES),
        "audience": t.audience_factor(get("members"), get("posts"), get("comments"),
                                      get("newsletter_provider")),
        "authority": t.authority_factor(get("pagerank"), get("groups"),
                                        get("hits_authority"), get("inlinks")),
        "registration": t.registration_factor(get("registration_open")),
    }


def _weighted(values: Mapping[str, tuple[Any, float]], weights: Mapping[str, float],
              gate: float, share: float) -> Score:
    breakdown: dict[str, dict[str, Any]] = {}
    for name, weight in weights.items():
        raw, value = values[name]
        scale = 1.0 if name == "relevance" else gate
        points = round(value * weight * scale * share, 2)
        entry: dict[str, Any] = {"raw": raw, "value": round(value, 4), "weight": weight,
                                 "points": points}
        if scale < 1.0:
            entry["gate"] = round(scale, 4)
        breakdown[name] = entry
    total = round(sum(float(b["points"]) for b in breakdown.values()), 2)
    return Score(min(100.0, total), breakdown)


def score_site(features: Mapping[str, Any],
               weights: Mapping[str, Mapping[str, float]] = DEFAULT_WEIGHTS) -> SiteScores:
    """Both scores of one site from its features (see `factor_values`)."""
    values = factor_values({**features, "activity_shares": weights.get("activity")})
    ok = features.get("status") in ("ok", None)
    gate = f.niche_gate(values["relevance"][1])
    kind = str(features.get("kind") or "other")
    # (A kind the shares do not name, from an older crawl, counts as 'other'.)
    shares = weights.get("jv_kinds", JV_KIND_WEIGHTS)
    jv_share = shares.get(kind, shares.get("other", 1.0)) if ok else 0.0
    return SiteScores(
        jv=_weighted(values, weights["jv"], gate, jv_share),
        community=_weighted(values, weights["community"], gate,
                            1.0 if ok and kind in COMMUNITY_KINDS else 0.0),
    )


@contextmanager
def bounded(store: Store) -> Iterator[None]:
    """Cap the connection's memory and threads for the scoring; restore them after.
    An in-memory DB is left alone: its tables live in that memory, a cap would fail it."""
    if store.path == ":memory:":
        yield
        return
    saved = store.db_limits()
    store.set_db_limits(SCORE_DB_MEMORY_LIMIT, SCORE_DB_THREADS)
    try:
        yield
    finally:
        store.restore_db_limits(saved)


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off while scoring: the scoring makes millions of
    tuples and strings and no reference cycle, and each collection walked every object
    alive (100,000 sites' lists and dicts): ≈25 % of score_columns' time. Reference
    counting still frees everything; the collector is set back as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _today(store: Store) -> date:
    started = store.run_date()
    return started.date() if started else datetime.now(UTC).date()


def rescore(store: Store, config: Config | None = None,
            weights: Mapping[str, Mapping[str, float]] | None = None) -> int:
    """Score every site in the DB for the last run's keyword; returns sites scored.

    Stores the domain graph (`site_links`), each site's metrics (`site_metrics`) and
    both scores with their breakdowns (`scores`)."""
    if config is not None:
        keywords = config.keywords
        weights = weights or config.weights
        floor = config.relevance_floor
    else:
        run = store.latest_run()
        keywords = (str(run["keyword"]),) if run else ()
        if run and weights is None:
            weights = _stored_weights(run.get("config"))
        floor = relevance_floor(run.get("config") if run else None)
    used = check_weights(weights or {})
    add_recurring_channels(store)  # issue 24: before reachability reads the contacts
    try:
        with bounded(store), without_cyclic_gc():
            return _score_all(store, keywords, used, floor)
    except duckdb.OutOfMemoryException:
        # Beyond the cap (a slice of the link graph can be one site linking to tens of
        # thousands): scored as before the cap, unbounded. The write is one transaction,
        # rolled back on the error, so nothing of the failed attempt stays.
        log.warning("scoring needed more than %s of DuckDB memory: scoring again "
                    "without the cap", SCORE_DB_MEMORY_LIMIT)
        with without_cyclic_gc():
            return _score_all(store, keywords, used, floor)


def _score_all(store: Store, keywords: Sequence[str],
               used: Mapping[str, Mapping[str, float]],
               floor: float = DEFAULT_RELEVANCE_FLOOR) -> int:
    domains = store.score_domains()
    # Authority: the site graph is made from the links in SQL (owners collapsed, edges
    # weighed), PageRank and HITS run on its integer columns (score.graph).
    group = owner_groups(domains, [list(r["domains"]) for r in store.shared_contacts()])
    owners = {d: g for d, g in group.items() if d != g}
    today = _today(store)
    activity = site_activity(store.post_dates(), store.run_date() or datetime.now(UTC))
    run_id = store.last_run_id()
    with store.replacing_scores(), lanes(store) as (lane, other):
        # From here the store's connection is the lane's (score.background): the graph
        # is made there while relevance and the gates are read on the other connection,
        # then stored while PageRank, HITS and the breakdowns are worked out here.
        graph = lane.submit(_site_graph, store, owners)
        keyed = lane.submit(store.score_keys, t.SITE_INPUTS)
        lane.submit(store.write_site_links)
        relevance_raw = _relevance(other, keywords, domains)
        bm25 = [relevance_raw.get(d, 0.0) for d in domains]
        yardstick = reference(list(relevance_raw.values()))
        relevance = [f.relevance(r, yardstick) for r in bm25]
        # Issue 24: which sites the ranked lists may take (score.eligibility), in a
        # transaction of its own on the other connection, while the graph is made: the
        # gates read the crawl's facts and relevance, nothing the graph or scores hold.
        other.write_eligibility(run_id, gate_rows(
            other, dict(zip(domains, relevance, strict=True)), floor))
        # The graph's nodes are score_domains' sites, in the same order.
        gid, site_edges = graph.result()
        g = site_authority(gid, group_edges(gid, site_edges))
        lane.submit(store.write_metrics, {
            "domain": domains, "owner_group": [group[d] for d in domains],
            "pagerank": g.pagerank, "hub": g.hub,
            "authority": g.authority, "inlinks": g.inlinks, "bm25": bm25})
        table = t.ScoreTable(used, today, g.groups)
        rows, keys = keyed.result()
        inputs = t.SiteInputs(t.SITE_INPUTS, rows, keys.tolist(), domains)
        for low in range(0, len(domains), store.SCORE_STEP):
            # One slice of breakdowns at a time, written behind the graph (at most
            # background.PENDING slices waiting), not every site's in memory.
            lane.submit(store.write_scores, run_id, t.score_columns(
                table, inputs, low, min(low + store.SCORE_STEP, len(domains)), bm25,
                relevance, activity, g.pagerank, g.authority, g.inlinks))
    return len(domains)


def _site_graph(store: Store, owners: Mapping[str, str]) -> tuple[Any, dict[str, Any]]:
    """The site graph in SQL (owners collapsed, edges weighed) and its edges for
    PageRank and HITS (site_links stores it, next in the lane)."""
    store.make_site_graph(owners, SECTION_WEIGHT, OTHER_SECTION)
    return store.site_edges()


def _relevance(store: Store, keywords: Sequence[str], domains: Sequence[str]
               ) -> dict[str, float]:
    """BM25 of each keyword stem over titles (boosted) and text, per site."""
    tf: dict[str, dict[str, float]] = {}
    lengths: dict[str, float] = dict.fromkeys(domains, 0.0)
    for term in terms(keywords):
        counts = store.term_counts(term_pattern(term))
        tf[term] = {str(domain): float(TITLE_BOOST * (title or 0) + (text or 0))
                    for domain, title, text, _ in counts}
        for domain, _, _, words in counts:
            lengths[str(domain)] = float(words or 0)
    return bm25(tf, lengths)


def _stored_weights(config_json: Any) -> Mapping[str, Mapping[str, float]] | None:
    """The weights the last run was configured with (a re-score keeps them)."""
    try:
        data = json.loads(config_json) if isinstance(config_json, str) else {}
    except ValueError:
        return None
    found = data.get("weights") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else None


__all__ = ["DEFAULT_WEIGHTS", "Score", "SiteScores", "check_weights", "keyword_regex",
           "rescore", "score_site"]
