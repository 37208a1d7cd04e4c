"""Scoring at scale (issue 23): PageRank and HITS over scipy.sparse give what the
pure-Python power iteration gave (kept here only, as the oracle), and the site graph the
store builds in SQL (site_links, site_metrics) is what the Python aggregation of the same
links gives. The time and memory at 100,000 sites are bench/score.py's."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import pytest

from prospector.score import rescore
from prospector.score.graph import (
    DAMPING,
    HITS_ITERATIONS,
    HITS_TOLERANCE,
    MAX_ITERATIONS,
    SECTION_WEIGHT,
    TOLERANCE,
    Edge,
    analyse,
    hits,
    pagerank,
)
from prospector.store.db import Store

# -- the oracle: PageRank and HITS as prospector/score/graph.py had them before issue 23
# (commit 9a370de), plain lists and loops.


def _flows(index: Mapping[str, int], edges: Mapping[tuple[str, str], float]
           ) -> tuple[list[int], list[int], list[float]]:
    sources, targets, weights = [], [], []
    for key in sorted(edges):
        if edges[key] > 0:
            sources.append(index[key[0]])
            targets.append(index[key[1]])
            weights.append(edges[key])
    return sources, targets, weights


def oracle_pagerank(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]
                    ) -> dict[str, float]:
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    sources, targets, shares = _flows(index, edges)
    out_total = [0.0] * n
    for a, w in zip(sources, shares, strict=True):
        out_total[a] += w
    denominator = [max(total, 1.0) for total in out_total]
    for k, a in enumerate(sources):
        shares[k] = shares[k] / denominator[a]
    kept = [total / d for total, d in zip(out_total, denominator, strict=True)]
    rank = [1.0 / n] * n
    for _ in range(MAX_ITERATIONS):
        dangling = sum(rank[i] * (1.0 - kept[i]) for i in range(n))
        base = (1 - DAMPING) / n + DAMPING * dangling / n
        new = [base] * n
        for a, b, share in zip(sources, targets, shares, strict=True):
            new[b] += DAMPING * rank[a] * share
        delta = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if delta < TOLERANCE:
            break
    return {v: round(rank[i], 12) for v, i in index.items()}


def oracle_hits(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]
                ) -> tuple[dict[str, float], dict[str, float]]:
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    sources, targets, weights = _flows(index, edges)
    hub, auth = [1.0] * n, [0.0] * n
    for _ in range(HITS_ITERATIONS):
        auth = [0.0] * n
        for s, t, w in zip(sources, targets, weights, strict=True):
            auth[t] += w * hub[s]
        top = max(auth, default=0.0) or 1.0
        auth = [a / top for a in auth]
        new_hub = [0.0] * n
        for s, t, w in zip(sources, targets, weights, strict=True):
            new_hub[s] += w * auth[t]
        top = max(new_hub, default=0.0) or 1.0
        new_hub = [h / top for h in new_hub]
        delta = max((abs(a - b) for a, b in zip(new_hub, hub, strict=True)), default=0.0)
        hub = new_hub
        if delta < HITS_TOLERANCE:
            break
    return ({v: round(hub[i], 9) for v, i in index.items()},
            {v: round(auth[i], 9) for v, i in index.items()})


def random_graph(seed: int, n: int, m: int) -> tuple[list[str], dict[tuple[str, str], float]]:
    """n nodes, about m weighted edges: hubs (a power law of targets), dangling nodes,
    weights of every section (a node's out-weights add up above and below 1), some 0."""
    rng = random.Random(seed)
    nodes = [f"n{i:04d}" for i in range(n)]
    weights = [*SECTION_WEIGHT.values(), 0.5, 0.0]
    edges: dict[tuple[str, str], float] = {}
    for _ in range(m):
        a = nodes[rng.randrange(n // 2, n) if rng.random() < 0.3 else rng.randrange(n)]
        b = nodes[int(n * rng.random() ** 3)]
        if a != b:
            edges[(a, b)] = rng.choice(weights)
    return nodes, edges


@pytest.mark.parametrize(("seed", "n", "m"), [(1, 300, 2_000), (2, 1_000, 12_000), (3, 50, 40)])
def test_sparse_pagerank_and_hits_equal_the_pure_python_ones(seed: int, n: int, m: int) -> None:
    nodes, edges = random_graph(seed, n, m)
    ranks, expected = pagerank(nodes, edges), oracle_pagerank(nodes, edges)
    assert list(ranks) == list(expected)
    assert max(abs(ranks[v] - expected[v]) for v in nodes) < 1e-9
    assert sum(ranks.values()) == pytest.approx(1.0)
    (hub, auth), (hub0, auth0) = hits(nodes, edges), oracle_hits(nodes, edges)
    assert max(abs(hub[v] - hub0[v]) for v in nodes) < 1e-9
    assert max(abs(auth[v] - auth0[v]) for v in nodes) < 1e-9
    # The same order, which is what the rankings read.
    assert sorted(nodes, key=lambda v: (-ranks[v], v)) == sorted(
        nodes, key=lambda v: (-expected[v], v))


def test_empty_graphs() -> None:
    assert pagerank([], {}) == {} == oracle_pagerank([], {})
    assert hits(["a"], {}) == oracle_hits(["a"], {}) == ({"a": 0.0}, {"a": 0.0})


# -- the site graph built in SQL against the Python aggregation ---------------------------

SECTIONS = ("blogroll", "content", "footer", "nav", "sidebar", "signature", "resources",
            "weird", "")


def _random_store(seed: int, sites: int) -> tuple[Store, list[tuple[str, str, str, str, str]]]:
    """A store of `sites` sites, two pages each, random links (repeated targets, empty
    anchors, unknown sections, self links, links to unstored domains) and owner groups
    from shared addresses; returns it with the links written."""
    rng = random.Random(seed)
    store = Store.open(":memory:")
    store.con.execute("INSERT INTO runs (keyword, started_at, status) VALUES"
                      " ('beekeeping', TIMESTAMP '2024-06-01 00:00:00', 'done')")
    store.con.execute(
        "INSERT INTO sites (domain, url, kind, status) SELECT 's' || i || '.test',"
        " 'http://s' || i || '.test/', 'blog', 'ok' FROM range(?) t(i)", [sites])
    links: dict[tuple[str, str], tuple[str, str, str, str, str]] = {}
    for _ in range(sites * 8):
        i, j = rng.randrange(sites), int(sites * 1.05 * rng.random() ** 2)
        source = f"http://s{i}.test/{rng.choice(['', 'about'])}"
        target = f"http://s{j}.test/{rng.choice(['', 'p1', 'p2'])}"
        anchor = rng.choice(["", "", "bees", "hives", "Honey", "a", "z", "read more"])
        links[(source, target)] = (source, target, f"s{i}.test", f"s{j}.test", anchor)
    rows = [(*v, rng.choice(SECTIONS)) for v in links.values()]
    store.con.execute(
        "INSERT INTO links (source_url, target_url, source_domain, target_domain, anchor,"
        " section) SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5),"
        " unnest($6)", [list(c) for c in zip(*rows, strict=True)])
    for k in range(sites // 10):
        for member in rng.sample(range(sites), 3):
            store.con.execute("INSERT INTO contacts (domain, kind, value, source_url) VALUES"
                              " (?, 'email', ?, '') ON CONFLICT DO NOTHING",
                              [f"s{member}.test", f"owner{k}@x.test"])
    return store, rows  # type: ignore[return-value]


def _python_edges(rows: Sequence[tuple[str, ...]], stored: set[str]) -> list[Edge]:
    """The aggregation the scoring did in Python before issue 23 (link_edges' SQL, one
    row per site pair), from the raw links."""
    grouped: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for row in rows:
        if row[2] != row[3] and row[2] in stored and row[3] in stored:
            grouped.setdefault((row[2], row[3]), []).append(row)
    return [Edge(s, t, len(rs), len({r[0] for r in rs}),
                 tuple(sorted({r[4] for r in rs if r[4]})[:5]), tuple(sorted({r[5] for r in rs})))
            for (s, t), rs in sorted(grouped.items())]


@pytest.mark.parametrize("seed", [1, 2])
def test_site_graph_in_sql_equals_the_python_aggregation(seed: int) -> None:
    store, rows = _random_store(seed, 300)
    with store:
        assert rescore(store) == 300
        domains = sorted(f"s{i}.test" for i in range(300))
        shared = [list(r["domains"]) for r in store.shared_contacts()]
        edges = _python_edges(rows, set(domains))
        g = analyse(domains, edges, shared)
        assert any(s != t for s, t in ((g.group[e.source], g.group[e.target]) for e in edges))
        assert any(g.group[d] != d for d in domains)  # owner groups are exercised
        expected_links = [(e.source, e.target, e.links, e.pages, list(e.anchors),
                           list(e.sections), g.weights[(e.source, e.target)],
                           g.group[e.source] == g.group[e.target]) for e in edges]
        assert store.query("SELECT * FROM site_links ORDER BY source_domain, target_domain"
                           )[1] == expected_links
        metrics = store.query("SELECT domain, owner_group, pagerank, hub, authority, inlinks"
                              " FROM site_metrics ORDER BY domain")[1]
        assert metrics == [(d, g.group[d], g.pagerank[d], g.hub[d], g.authority[d],
                            g.inlinks[d]) for d in domains]
