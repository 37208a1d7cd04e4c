"""Authority inside the niche: the crawl's domain graph, owners collapsed, then
PageRank and HITS by power iteration in pure Python (deterministic: nodes sorted,
fixed iteration caps, results rounded).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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


def _flows(index: Mapping[str, int], edges: Mapping[tuple[str, str], float]
           ) -> tuple[array[int], array[int], array[float]]:
    """The positive edges in sorted order as three compact arrays (source index, target
    index, weight): 24 bytes an edge, where a tuple of the three took 160."""
    sources, targets, weights = array("l"), array("l"), array("d")
    for key in sorted(edges):
        w = edges[key]
        if w > 0:
            sources.append(index[key[0]])
            targets.append(index[key[1]])
            weights.append(w)
    return sources, targets, weights


def pagerank(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """Weighted PageRank. A node passes its rank along its edges in proportion to their
    weights, over at least 1.0: a site whose only vote is a footer link (0.3) passes 0.3
    of its rank through it and spreads the rest evenly, as a node without out-links does."""
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


def hits(nodes: Sequence[str], edges: Mapping[tuple[str, str], float]
         ) -> tuple[dict[str, float], dict[str, float]]:
    """Weighted HITS: (hub, authority), each scaled to max 1."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    sources, targets, weights = _flows(index, edges)
    hub = [1.0] * n
    auth = [0.0] * n
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
