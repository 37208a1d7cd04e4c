"""Authority inside the niche: the crawl's domain graph, owners collapsed, then
PageRank and HITS by power iteration over scipy.sparse matrices (deterministic: nodes
sorted, fixed iteration caps, results rounded). The scoring runs them on the integer
columns the store reads back (`pagerank_arrays`, `hits_arrays`); `analyse` does the same
from Python objects, for small graphs and the tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

# Where a link sits → its vote. Blogrolls, resource lists and body text are chosen by a
# person; signatures are a member's; sidebars and navigation are furniture; footer links
# are sitewide boilerplate (often paid or a theme credit), so they count least.
SECTION_WEIGHT: Mapping[str, float] = {
    "blogroll": 1.0, "resources": 1.0, "content": 1.0, "signature": 0.8,
    "sidebar": 0.6, "nav": 0.5, "footer": 0.3,
}
OTHER_SECTION = 0.5
DAMPING = 0.85
MAX_ITERATIONS = 100
TOLERANCE = 1e-10
# HITS converges slowly on large graphs: at most 20 rounds (deterministic either way),
# fewer once no node moves by more than 1e-5 of the maximum.
HITS_ITERATIONS = 20
HITS_TOLERANCE = 1e-5


@dataclass(frozen=True, slots=True)  # one a pair of linked sites: 88 bytes, not 136
class Edge:
    source: str
    target: str
    links: int
    pages: int
    anchors: tuple[str, ...]
    sections: tuple[str, ...]


@dataclass(frozen=True)
class GraphResult:
    group: dict[str, str]  # domain → owner group (its first domain)
    weights: dict[tuple[str, str], float]  # domain edge → weight (0 within one owner)
    pagerank: dict[str, float]  # per domain: its group's PageRank
    hub: dict[str, float]
    authority: dict[str, float]
    inlinks: dict[str, int]  # distinct linking owner groups
    groups: int


def edge_weight(sections: Iterable[str]) -> float:
    """A site votes once per target, with its best placement."""
    return max((SECTION_WEIGHT.get(s, OTHER_SECTION) for s in sections), default=OTHER_SECTION)


def owner_groups(domains: Iterable[str], shared: Iterable[Sequence[str]]) -> dict[str, str]:
    """Union-find: sites that publish one contact address have one owner."""
    parent = {d: d for d in domains}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in shared:
        known = sorted(m for m in members if m in parent)
        for other in known[1:]:
            a, b = find(known[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {d: find(d) for d in parent}


def _matrix(n: int, sources: Any, targets: Any, weights: Any) -> sparse.csr_array:
    """The n×n weighted adjacency matrix (row: source, column: target)."""
    return sparse.csr_array((np.asarray(weights, dtype=np.float64),
                             (np.asarray(sources, dtype=np.int64),
                              np.asarray(targets, dtype=np.int64))), shape=(n, n))


def pagerank_arrays(n: int, sources: Any, targets: Any, weights: Any) -> np.ndarray:
    """Weighted PageRank over nodes 0..n-1 and positive edges (three equal-length
    arrays), unrounded. A node passes its rank along its edges in proportion to their
    weights, over at least 1.0: a site whose only vote is a footer link (0.3) passes 0.3
    of its rank through it and spreads the rest evenly, as a node without out-links does."""
    if n == 0:
        return np.zeros(0)
    src = np.asarray(sources, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    out_total = np.bincount(src, weights=w, minlength=n)
    denominator = np.maximum(out_total, 1.0)
    leak = 1.0 - out_total / denominator  # the share a node spreads evenly
    # Transposed: (M @ rank)[t] is what flows into t.
    flow = _matrix(n, targets, src, w / denominator[src])
    rank = np.full(n, 1.0 / n)
    for _ in range(MAX_ITERATIONS):
        base = (1 - DAMPING) / n + DAMPING * float(rank @ leak) / n
        new = base + DAMPING * (flow @ rank)
        delta = float(np.abs(new - rank).sum())
        rank = new
        if delta < TOLERANCE:
            break
    return rank


def hits_arrays(n: int, sources: Any, targets: Any, weights: Any
                ) -> tuple[np.ndarray, np.ndarray]:
    """Weighted HITS over nodes 0..n-1: (hub, authority), each scaled to max 1, unrounded."""
    hub, auth = np.ones(n), np.zeros(n)
    if n == 0:
        return hub, auth
    forward = _matrix(n, sources, targets, weights)
    backward = forward.T.tocsr()
    for _ in range(HITS_ITERATIONS):
        auth = backward @ hub
        auth = auth / (float(auth.max()) or 1.0)
        new_hub = forward @ auth
        new_hub = new_hub / (float(new_hub.max()) or 1.0)
        delta = float(np.abs(new_hub - hub).max())
        hub = new_hub
        if delta < HITS_TOLERANCE:
            break
    return hub, auth


def rounded(values: np.ndarray, digits: int) -> list[float]:
    """Python's round (correctly rounded decimals, as the scores were always stored)
    of each value: NumPy's round scales by 10**digits and can differ in the last digit."""
    return [round(v, digits) for v in values.tolist()]


def _positive(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]
              ) -> tuple[dict[str, int], list[int], list[int], list[float]]:
    index = {v: i for i, v in enumerate(nodes)}
    keys = sorted(k for k, w in edges.items() if w > 0)
    return (index, [index[a] for a, _ in keys], [index[b] for _, b in keys],
            [edges[k] for k in keys])


def pagerank(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """Weighted PageRank of named nodes (see pagerank_arrays), rounded to 12 places."""
    index, src, dst, w = _positive(nodes, edges)
    rank = rounded(pagerank_arrays(len(nodes), src, dst, w), 12)
    return {v: rank[i] for v, i in index.items()}


def hits(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]
         ) -> tuple[dict[str, float], dict[str, float]]:
    """Weighted HITS of named nodes: (hub, authority), each scaled to max 1, rounded to 9."""
    index, src, dst, w = _positive(nodes, edges)
    hub, auth = (rounded(a, 9) for a in hits_arrays(len(nodes), src, dst, w))
    return ({v: hub[i] for v, i in index.items()}, {v: auth[i] for v, i in index.items()})


def analyse(domains: Sequence[str], edges: Sequence[Edge],
            shared: Iterable[Sequence[str]]) -> GraphResult:
    """Collapse owners, weigh edges, and rank the owner groups."""
    group = owner_groups(domains, shared)
    weights: dict[tuple[str, str], float] = {}
    collapsed: dict[tuple[str, str], float] = {}
    for e in edges:
        if e.source not in group or e.target not in group:
            continue
        gs, gt = group[e.source], group[e.target]
        w = 0.0 if gs == gt else edge_weight(e.sections)
        weights[(e.source, e.target)] = w
        if w > 0:
            # One owner votes once for a target, however many of its sites link to it.
            collapsed[(gs, gt)] = max(collapsed.get((gs, gt), 0.0), w)
    nodes = sorted(set(group.values()))
    pr = pagerank(nodes, collapsed)
    hub, auth = hits(nodes, collapsed)
    # Each (source group, target group) is one key: counting keys counts distinct
    # linking groups, without a set of them per target.
    linking = Counter(gt for _, gt in collapsed)
    return GraphResult(
        group=group, weights=weights,
        pagerank={d: pr[g] for d, g in group.items()},
        hub={d: hub[g] for d, g in group.items()},
        authority={d: auth[g] for d, g in group.items()},
        inlinks={d: linking[g] for d, g in group.items()},
        groups=len(nodes),
    )


def group_edges(gid: Any, edges: dict[str, Any]) -> dict[str, Any]:
    """One edge per (source group, target group) of the site edges `edges` (s, t: site
    ids; weight > 0; the columns are let go as they are used) whose sites' groups (`gid`,
    by site id) differ: one owner votes once, with its best link; in (source, target)
    order: site_authority's `edges`. In NumPy, not a GROUP BY with two joins in the store
    (0.4-0.65 CPU-s at 1,500,000 edges), each array let go once the next is made: all of
    them alive at once were ≈160 MB at 1,500,000 edges, the scoring's peak."""
    n = max(len(gid), 1)
    key = gid[np.asarray(edges.pop("s"), dtype=np.int64)]
    target = gid[np.asarray(edges.pop("t"), dtype=np.int64)]
    apart = key != target
    key *= n
    key += target
    del target
    key = key[apart]
    weight = np.asarray(edges.pop("weight"), dtype=np.float64)[apart]
    del apart
    order = np.argsort(key, kind="stable")
    key = key[order]
    weight = weight[order]
    del order
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else \
        np.zeros(0, dtype=np.int64)
    first = key[starts]
    del key
    return {"source": first // n, "target": first % n,
            "weight": np.maximum.reduceat(weight, starts) if len(starts) else weight}


@dataclass(frozen=True)
class SiteAuthority:
    """The graph's metrics per site, in the order of the store's nodes (by domain)."""
    pagerank: list[float]  # its owner group's
    hub: list[float]
    authority: list[float]
    inlinks: list[int]  # distinct linking owner groups
    groups: int


def site_authority(gid: Any, edges: Mapping[str, Any]) -> SiteAuthority:
    """PageRank, HITS and in-links of the owner-group graph the store made (`gid`: each
    site's group index; `edges`: source, target, weight as group indexes), per site;
    the same values `analyse` gives for the same graph."""
    gid = np.asarray(gid, dtype=np.int64)
    n = int(gid.max()) + 1 if len(gid) else 0
    src, dst, w = edges["source"], edges["target"], edges["weight"]
    rank = np.array(rounded(pagerank_arrays(n, src, dst, w), 12))
    hub, auth = (np.array(rounded(a, 9)) for a in hits_arrays(n, src, dst, w))
    # Each edge is one (source group, target group): counting edges counts linking groups.
    linking = np.bincount(np.asarray(dst, dtype=np.int64), minlength=n)
    return SiteAuthority(
        pagerank=rank[gid].tolist(), hub=hub[gid].tolist(), authority=auth[gid].tolist(),
        inlinks=linking[gid].tolist(), groups=n)
