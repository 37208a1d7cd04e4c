"""The niche's link map, laid out in Python so the report draws it as plain inline SVG.

Deterministic and O(n): one angular sector per kind (sized by its count), and inside a
sector a sunflower spiral in authority order, so the most linked-to sites sit near the
centre and none depends on a random seed or on JS. Capped at 150 sites to stay readable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

KIND_ORDER = ("forum", "blog", "newsletter", "news", "association", "business", "shop",
              "directory", "other")
KIND_COLOURS = {
    "forum": "#2b6cb0", "blog": "#2f855a", "newsletter": "#b7791f", "news": "#c05621",
    "association": "#6b46c1", "business": "#2c7a7b", "shop": "#c53030", "directory": "#4a5568",
    "other": "#a0aec0",
}
UNKNOWN_COLOUR = "#718096"
GOLDEN = (math.sqrt(5) - 1) / 2

WIDTH, HEIGHT = 960, 720
INNER, OUTER = 70.0, 320.0  # radii of the ring the nodes are spread over
GAP = 0.08  # radians left empty between kind sectors


@dataclass(frozen=True)
class SiteNode:
    domain: str
    kind: str
    inlinks: int
    score: float


@dataclass(frozen=True)
class Node:
    domain: str
    kind: str
    inlinks: int
    x: float
    y: float
    r: float
    colour: str
    label: bool
    anchor: str  # text-anchor of its label: labels point away from the centre


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class LinkMap:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    total: int  # sites in the DB, of which `nodes` are the best linked
    legend: tuple[tuple[str, str, int], ...]  # (kind, colour, nodes shown)


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind)


def _label(nodes: list[Node], ranked: list[str], wanted: int, always: int = 5) -> list[Node]:
    """Label the best linked sites where a label overlaps no other label nor circle,
    trying both sides; the `always` best get one even if it must cross circles."""
    boxes: list[tuple[float, float, float, float]] = []
    placed: dict[str, str] = {}
    where = {n.domain: n for n in nodes}

    def box_of(n: Node, anchor: str) -> tuple[float, float, float, float]:
        width = 7.0 * len(n.domain)  # ~12 px sans-serif
        x0 = n.x + n.r + 3 if anchor == "start" else n.x - n.r - 3 - width
        return (x0, n.y - 9, x0 + width, n.y + 6)

    def clear(box: tuple[float, float, float, float], others: list[tuple[float, ...]]) -> bool:
        return not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in others)

    for rank, domain in enumerate(ranked):
        if len(placed) >= wanted:
            break
        n = where[domain]
        circles: list[tuple[float, ...]] = [
            (o.x - o.r, o.y - o.r, o.x + o.r, o.y + o.r) for o in nodes if o is not n]
        sides = (n.anchor, "end" if n.anchor == "start" else "start")
        for anchor in sides:
            if clear(box_of(n, anchor), [*boxes, *circles]):
                break
        else:
            anchor = next((a for a in sides if clear(box_of(n, a), list(boxes))), "")
            if rank >= always or not anchor:
                continue
        boxes.append(box_of(n, anchor))
        placed[domain] = anchor
    return [replace(n, label=True, anchor=placed[n.domain]) if n.domain in placed else n
            for n in nodes]


def choose(sites: Sequence[SiteNode], limit: int = 150) -> list[SiteNode]:
    """The `limit` most linked-to sites, best first (ties: score, then name)."""
    return sorted(sites, key=lambda s: (-s.inlinks, -s.score, s.domain))[:limit]


def layout(sites: Sequence[SiteNode], pairs: Iterable[tuple[str, str]], limit: int = 150,
           labels: int = 15, max_edges: int = 2000, total: int | None = None) -> LinkMap:
    """Place the `limit` most linked-to sites; `pairs` are (source, target) domains;
    `total` is how many sites there are in all, when `sites` was chosen already."""
    chosen = choose(sites, limit)
    by_kind: dict[str, list[SiteNode]] = {}
    for site in chosen:
        by_kind.setdefault(site.kind, []).append(site)
    kinds = sorted(by_kind, key=_kind_rank)
    top_inlinks = max((s.inlinks for s in chosen), default=0) or 1
    cx, cy = WIDTH / 2, HEIGHT / 2
    # Sectors share the circle by count, with a floor so a lone newsletter stays visible.
    shares = {k: max(len(by_kind[k]), len(chosen) / 25) for k in kinds}
    total_share = sum(shares.values()) or 1.0
    nodes: list[Node] = []
    start = -math.pi / 2
    for kind in kinds:
        width = 2 * math.pi * shares[kind] / total_share
        members = by_kind[kind]
        span = max(width - GAP, 0.01)
        for i, site in enumerate(members):
            radius = INNER + (OUTER - INNER) * math.sqrt((i + 0.5) / len(members))
            angle = start + GAP / 2 + span * ((i * GOLDEN + 0.5) % 1.0)
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            nodes.append(Node(
                domain=site.domain, kind=kind, inlinks=site.inlinks,
                x=round(x, 1), y=round(y, 1),
                r=round(4 + 10 * math.sqrt(site.inlinks / top_inlinks), 1),
                colour=KIND_COLOURS.get(kind, UNKNOWN_COLOUR),
                label=False, anchor="start" if x >= cx else "end",
            ))
        start += width
    nodes = _label(nodes, [s.domain for s in chosen], labels)
    where = {n.domain: n for n in nodes}
    edges: list[Edge] = []
    for source, target in sorted(set(pairs)):
        a, b = where.get(source), where.get(target)
        if a is None or b is None or a is b:
            continue
        edges.append(Edge(a.x, a.y, b.x, b.y))
        if len(edges) >= max_edges:
            break
    legend = tuple((k, KIND_COLOURS.get(k, UNKNOWN_COLOUR), len(by_kind[k])) for k in kinds)
    return LinkMap(WIDTH, HEIGHT, tuple(nodes), tuple(edges),
                   len(sites) if total is None else total, legend)
