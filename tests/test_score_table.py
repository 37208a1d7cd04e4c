"""The scoring of all sites at once (score.table, issue 23) gives what the per-site
reference gives: for random sites (every kind and status, channels, deal signals, dates,
audience figures as ints and floats, posts, registration states) and random weights,
each score and the breakdown's JSON text equal score_site's and json.dumps of its
breakdown."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from prospector.score import score_site
from prospector.score.activity import measure
from prospector.score.table import ScoreTable, score_columns, site_inputs
from prospector.score.weights import check_weights

TODAY = date(2026, 11, 30)
KINDS = ("blog", "forum", "shop", "newsletter", "directory", "other", "linkfarm", None)


def _site(rng: random.Random, i: int) -> dict[str, Any]:
    pick = rng.choice
    return {
        "domain": f"s{i:05d}.test", "kind": pick(KINDS),
        "status": pick(["ok", "ok", "ok", "error", None, "queued"]),
        "channel": pick([None, "email", "form", "social", "phone"]),
        "role": pick([None, "", "personal", "role", "newsletter"]),
        "deal_signals": pick([None, "", "advertise", "partners, sponsor", "write_for_us",
                              "affiliate,advertise, bogus", "sponsor"]),
        "latest_date": pick([None, "", "2026-11-20", "2025-03-01", "not a date",
                             "2026-12-31", "2019-01-01T10:00"]),
        "members": pick([None, 0, 50, 150, 20_000, 90_000, rng.randrange(1, 60_000)]),
        "posts": pick([None, 0, 2_000, rng.randrange(1, 900_000)]),
        "comments": pick([None, 0, 3, 25, rng.randrange(0, 40)]),
        "newsletter_provider": pick([None, "", "mailchimp", "Sübstack"]),
        "registration_open": pick([None, True, False, 1, 0]),
    }


def _activity(rng: random.Random) -> Any:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    posts = [(now - timedelta(days=rng.uniform(0, 400)), rng.choice(["post", "thread",
                                                                      "reply"]))
             for _ in range(rng.randrange(0, 12))]
    return measure(posts, now)


def _twins(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Sites in pairs that share every input the table caches plans by but one: a
    figure as an int in one and a float (or bool) in the other, or (set by the caller)
    dated posts in one only."""
    sites = []
    for i in range(0, n, 2):
        site = _site(rng, i)
        twin = {**site, "domain": f"s{i + 1:05d}.test"}
        field = rng.choice(["members", "posts", "comments", "registration_open", None])
        if field == "registration_open":
            site[field], twin[field] = 1, True
        elif field:
            site[field] = rng.randrange(1, 60_000)
            twin[field] = float(site[field])
        sites += [site, twin]
    return sites


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_table_gives_the_per_site_scores_and_breakdown_texts(seed: int) -> None:
    rng = random.Random(seed)
    weights = check_weights({} if seed == 1 else {
        "jv": {"openness": 20, "reachability": 30.5, "relevance": 15, "activity": 15,
               "authority": 9.5, "audience": 10},
        "jv_kinds": {"directory": 0.5, "other": 0.25},
        "activity": {"frequency": 1.0, "recency": 0.0, "regularity": 0.3}})
    n = 600
    # Seed 4: twins (one input apart, or posts in one only), which a plan must not mix.
    sites = _twins(rng, n) if seed == 4 else [_site(rng, i) for i in range(n)]
    bm25 = [rng.choice([0.0, 0.0, 3.2, rng.uniform(0, 9)]) for _ in range(n)]
    relevance = [min(1.0, b / 6.0) if b > 0 else 0.0 for b in bm25]
    # With twins, only the second of each pair may have dated posts.
    dated, share = (sites[1::2], 0.7) if seed == 4 else (sites, 0.3)
    activity = {s["domain"]: _activity(rng) for s in dated if rng.random() < share}
    pagerank = [rng.choice([1 / 5000, rng.uniform(0, 0.01)]) for _ in range(n)]
    hits = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(n)]
    inlinks = [rng.choice([0, 1, rng.randrange(0, 300)]) for _ in range(n)]
    table = ScoreTable(weights, TODAY, 5000)
    inputs = site_inputs(list(sites[0]), [tuple(s.values()) for s in sites])
    got = score_columns(table, inputs, 0, n, bm25, relevance, activity, pagerank, hits,
                        inlinks)
    assert got["domain"] == [s["domain"] for s in sites]
    for i, site in enumerate(sites):
        s = score_site({**site, "today": TODAY, "bm25": bm25[i], "relevance": relevance[i],
                        "activity": activity.get(site["domain"]), "pagerank": pagerank[i],
                        "groups": 5000, "hits_authority": hits[i], "inlinks": inlinks[i]},
                       weights)
        jv, community = json.dumps(s.jv.breakdown), json.dumps(s.community.breakdown)
        assert got["score"][i] == s.total, site
        # The breakdown the views give beside `score` (migration 013 dropped the column
        # that repeated it): the JV one when jv_score >= community_score.
        picked = got["jv_breakdown"][i] if got["jv_score"][i] >= got["community_score"][i] \
            else got["community_breakdown"][i]
        assert picked == (jv if s.overall is s.jv else community), site
        assert (got["jv_score"][i], got["jv_breakdown"][i]) == (s.jv.total, jv), site
        assert (got["community_score"][i], got["community_breakdown"][i]) == (
            s.community.total, community), site
    # The table exercised what it caches: gates below 1, both overall choices.
    assert any('"gate"' in b for b in got["jv_breakdown"])
    assert any(j != c for j, c in zip(got["jv_score"], got["community_score"], strict=True))
