"""`prospector explain DOMAIN`: why a site ranks where it does, from the stored scores."""

from __future__ import annotations

import json
from typing import Any

from prospector.errors import InputError
from prospector.store.db import Store
from prospector.urls import registered_domain

# (view, title, breakdown column, score column, which score): each figure says its list.
LISTS = (("jv_partners", "JV partners", "jv_breakdown", "jv_score", "JV"),
         ("communities", "communities", "community_breakdown", "community_score", "community"),
         ("newsletters", "newsletters", "jv_breakdown", "jv_score", "JV"))


def explain(store: Store, target: str) -> str:
    """Each score of `target`: its rank, and per factor raw value, value, weight, points."""
    text = target.strip().lower()
    domain = registered_domain(text.split("/")[2] if "://" in text else text) or text
    site = store.site_scores(domain)
    if site is None:
        raise InputError(f"no site {domain} in {store.path}")
    m = store.site_metrics(domain)
    lines = [f"{domain}  kind {site['kind']}, status {site['status']}"]
    if m is not None:
        linking = store.linking_sites(domain, limit=5)
        group = ("" if m["owner_group"] == domain
                 else f"; same owner as {m['owner_group']} (links between them ignored)")
        lines.append(f"  bm25 {m['bm25']:.3f}, pagerank {m['pagerank']:.5f}, hub {m['hub']:.3f},"
                     f" authority {m['authority']:.3f}, {m['inlinks']} linking owners{group}")
        if linking:
            lines.append("  linked from " + ", ".join(
                f"{r['source_domain']} ({'/'.join(r['sections'])}, {r['weight']:g})"
                for r in linking))
    if site.get("unranked_reason"):
        lines.append(f"  not ranked in any list: {site['unranked_reason']}"
                     f" ({site['unranked_detail']})")
    for view, title, column, score_column, score_name in LISTS:
        where = store.list_rank(view, domain)
        place = f"#{where[0]} of {where[1]}" if where else "not listed"
        lines.append(f"{title}: {float(site[score_column] or 0):.1f}/100 ({score_name} score),"
                     f" {place}")
        if view != "newsletters":  # the JV score's factors are listed once, above
            lines += _factor_lines(site[column])
    return "\n".join(lines)


def _factor_lines(breakdown: Any) -> list[str]:
    parts = json.loads(breakdown) if isinstance(breakdown, str) else breakdown or {}
    if not isinstance(parts, dict) or not parts:
        return ["  (not scored: run `prospector crawl` to score the sites)"]
    width = max(len(name) for name in parts)
    out = []
    for name, part in parts.items():
        gate = f"  × niche gate {part['gate']:.2f}" if "gate" in part else ""
        out.append(f"  {name:<{width}}  {float(part['points']):5.1f} pts = value "
                   f"{float(part['value']):.2f} × weight {float(part['weight']):g}{gate}"
                   f"   raw: {part['raw']}")
    return out
