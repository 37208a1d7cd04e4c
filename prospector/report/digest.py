"""`prospector digest`: an e-zine issue drafted from the niche's posts of a period.

Ranking (pure, `rank_posts`): each post of the period gets points from its site's
standing (authority in the niche's link graph, its better score), the post's relevance to
the keyword (its stems in the title and summary), its recency within the period and the
talk it drew (comments); at most `per_site` posts a site and `limit` in all.

Grouping: posts of sites the latest run found for the first time ("New sites found this
run"), then the forums' ("From the forums") and everyone else's ("From the blogs"); and a
featured partner: the best JV prospect not contacted yet, with its latest post.

Suppressed sites never appear (the store's read leaves them out). Each item keeps the
feed's short summary (capped at extraction), never a post's full text, and credits its
author and site. Rendering is `digest_render`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# What a post's points are made of (they add up to 1).
RANK_WEIGHTS: Mapping[str, float] = {
    "standing": 0.35,   # the niche links to the site and it scores well: a safe pick
    "relevance": 0.30,  # the issue is about the niche; an off-topic post is filler
    "recency": 0.20,    # newer is news; older within the week is still fair
    "comments": 0.15,   # readers talked about it: worth a look
}
COMMENTS_FULL = 20
SUMMARY_CHARS = 240  # what an item quotes of the feed's summary (a teaser, never the post)
GROUPS = (("new", "New sites found this run"), ("forum", "From the forums"),
          ("blog", "From the blogs"))


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    site: str  # domain
    site_title: str
    site_url: str
    published: datetime
    summary: str
    author: str
    comments: int | None
    points: float
    group: str  # new | forum | blog

    @property
    def date(self) -> str:
        return self.published.strftime("%d %b %Y").lstrip("0")


@dataclass(frozen=True)
class Issue:
    keyword: str
    start: datetime
    end: datetime
    groups: list[tuple[str, list[Item]]]  # (heading, items), empty groups left out
    featured: dict[str, Any] | None = None
    sites: set[str] = field(default_factory=set)

    @property
    def items(self) -> list[Item]:
        return [i for _, items in self.groups for i in items]


def stems(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """The keywords' word stems ('beekeeping' → beekeep, 'honey bees' → honey, bee)."""
    words = {w[:7] if len(w) > 7 else w.rstrip("s") for k in keywords
             for w in re.findall(r"\w{3,}", k.lower())}
    return re.compile("|".join(sorted(map(re.escape, words)))) if words else None


def relevance(text: str, pattern: re.Pattern[str] | None) -> float:
    if pattern is None:
        return 0.0
    return min(1.0, len(pattern.findall(text.lower())) / 2)


def _points(row: Mapping[str, Any], pattern: re.Pattern[str] | None, start: datetime,
            end: datetime) -> float:
    span = max((end - start).total_seconds(), 1.0)
    score = max(float(row.get("jv_score") or 0), float(row.get("community_score") or 0))
    standing = 0.5 * min(1.0, float(row.get("authority") or 0)) + 0.5 * score / 100
    rel = relevance(f"{row['title']} {row['title']} {row.get('summary') or ''}", pattern)
    recency = max(0.0, min(1.0, float((row["published"] - start).total_seconds()) / span))
    comments = min(1.0, math.log1p(float(row.get("comments") or 0))
                   / math.log1p(COMMENTS_FULL))
    parts: dict[str, float] = {"standing": standing, "relevance": rel, "recency": recency,
                               "comments": comments}
    return round(sum(RANK_WEIGHTS[k] * v for k, v in parts.items()), 4)


def _teaser(summary: str) -> str:
    if len(summary) <= SUMMARY_CHARS:
        return summary
    return summary[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(".,;: ") + "…"


def _group(row: Mapping[str, Any]) -> str:
    if row.get("new_site"):
        return "new"
    return "forum" if row.get("site_kind") == "forum" or row.get("kind") in (
        "thread", "reply") else "blog"


def rank_posts(rows: Sequence[Mapping[str, Any]], keywords: Sequence[str], start: datetime,
               end: datetime, limit: int = 12, per_site: int = 2) -> list[Item]:
    """The best posts of the period, at most `per_site` a site and `limit` in all."""
    pattern = stems(keywords)
    scored = sorted(((_points(r, pattern, start, end), r) for r in rows),
                    key=lambda pr: (-pr[0], str(pr[1]["domain"]), str(pr[1]["url"])))
    taken: dict[str, int] = {}
    seen_urls: set[str] = set()
    out: list[Item] = []
    for points, r in scored:
        domain = str(r["domain"])
        if taken.get(domain, 0) >= per_site or r["url"] in seen_urls or not r["title"]:
            continue
        taken[domain] = taken.get(domain, 0) + 1
        seen_urls.add(str(r["url"]))
        out.append(Item(
            title=str(r["title"]), url=str(r["url"]), site=domain,
            site_title=str(r.get("site_title") or domain), site_url=str(r.get("site_url") or ""),
            published=r["published"], summary=_teaser(str(r.get("summary") or "")),
            author=str(r.get("author") or ""), comments=r.get("comments"), points=points,
            group=_group(r)))
        if len(out) >= limit:
            break
    return out


def build_issue(store: Any, days: int = 7, limit: int = 12, per_site: int = 2,
                now: datetime | None = None) -> Issue:
    """The issue of the `days` before `now` (the latest run's start by default)."""
    end = now or store.run_date() or datetime.now()
    start = end - timedelta(days=days)
    run = store.latest_run()
    keyword = str(run["keyword"]) if run else ""
    rows = store.posts_between(start, end)
    items = rank_posts(rows, [keyword], start, end, limit, per_site)
    groups = [(heading, [i for i in items if i.group == key]) for key, heading in GROUPS]
    featured = store.featured_partner() if items else None
    if featured:
        featured = {**featured, "post": store.latest_post(str(featured["domain"]))}
    return Issue(keyword=keyword, start=start, end=end,
                 groups=[(h, g) for h, g in groups if g], featured=featured,
                 sites={i.site for i in items})


def week_panel(store: Any, limit: int = 5) -> list[Item]:
    """The report's "this week in the niche": the issue's best items, one a site."""
    return build_issue(store, days=7, limit=limit, per_site=1).items
