"""Both scores of every site at once (issue 23): the columns `Store.write_scores` takes,
with each breakdown written as the JSON text `json.dumps(score_site(...).breakdown)` gives,
without a dict per factor or a json.dumps per site.

Most factors take few distinct inputs across a crawl (a channel and role, a set of deal
signals, a latest date, a registration state, no audience figures), and a breakdown entry
is fixed by (factor, raw, value, weight, gate, share): each is worked out once per
distinct input and reused. Only relevance and authority vary site by site. The per-site
`score_site` stays the reference; tests/test_score_table.py checks the two agree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date
from json.encoder import encode_basestring_ascii
from typing import Any

from prospector.score import factors as f
from prospector.score.activity import Activity, activity_factor
from prospector.score.weights import ACTIVITY_SHARES, COMMUNITY_KINDS, JV_KIND_WEIGHTS

Factor = tuple[Any, float]  # (raw, value), as factor_values gives them


def relevance_factor(bm25: Any, relevance: Any) -> Factor:
    return round(float(bm25 or 0), 4), float(relevance or 0)


def reachability_factor(channel: Any, role: Any) -> Factor:
    return (f"{channel} ({role})" if channel and role else channel or "none",
            f.reachability(channel, role))


def openness_factor(signals: Any) -> Factor:
    return ", ".join(f.deal_list(signals)) or "none", f.openness(signals)


def audience_factor(members: Any, posts: Any, comments: Any, letter: Any) -> Factor:
    parts = [f"{name} {value}" for name, value in
             (("members", members), ("posts", posts), ("comments", comments)) if value]
    if letter:
        parts.append(f"newsletter {letter}")
    return ", ".join(parts) or "none", f.audience(members, posts, comments, letter)


def authority_factor(pagerank: Any, groups: Any, hits_authority: Any, inlinks: Any) -> Factor:
    pr, n, hits = float(pagerank or 0), int(groups or 1), float(hits_authority or 0)
    return (f"pagerank {pr * n:.2f}x average, hits {hits:.2f}, "
            f"{int(inlinks or 0)} linking sites", f.authority(pr, n, hits))


def registration_factor(is_open: Any) -> Factor:
    return ("unknown" if is_open is None else "open" if is_open else "closed",
            f.registration(is_open))


def _json(x: Any) -> str:
    """`x` as json.dumps writes it (a str through the same C encoder, ASCII-escaped)."""
    if type(x) is str:
        return encode_basestring_ascii(x)
    return float.__repr__(x) if type(x) is float and math.isfinite(x) else json.dumps(x)


def entry(name: str, raw: Any, value: float, weight: float, scale: float, share: float
          ) -> tuple[str, float]:
    """One factor of a breakdown as JSON text (`"name": {...}`) and its points: what
    score._weighted makes of it, as json.dumps writes it."""
    return _finish(f'{_json(name)}: {{"raw": {_json(raw)}', value, weight, scale, share, _json)


def _finish(head: str, value: float, weight: float, scale: float, share: float,
            number: Callable[[Any], str]) -> tuple[str, float]:
    """An entry's text after its raw (`head`: name and raw, written), and its points."""
    points = round(value * weight * scale * share, 2)
    text = (f'{head}, "value": {number(round(value, 4))}, "weight": {number(weight)}'
            f', "points": {number(points)}')
    if scale < 1.0:
        text += f', "gate": {number(round(scale, 4))}'
    return text + "}", points


# The factors that differ site by site; the others take few distinct values in a crawl.
VARYING = frozenset({"relevance", "authority"})


def _varying(name: str, raw: Any, value: float, weight: float, scale: float, share: float
             ) -> tuple[str, float]:
    """entry() of relevance or authority, which differ site by site: the same text made
    with fewer steps for what they hold (floats, and a str raw for authority)."""
    if type(raw) is float and math.isfinite(raw):
        written = float.__repr__(raw)
    elif type(raw) is str:
        written = encode_basestring_ascii(raw)
    else:
        return entry(name, raw, value, weight, scale, share)
    if type(value) is not float or type(weight) is not float or type(scale) is not float \
            or not math.isfinite(value * weight * scale * share):
        return entry(name, raw, value, weight, scale, share)
    return _finish(f'"{name}": {{"raw": {written}', value, weight, scale, share,
                   float.__repr__)


class _Memo:
    """A function's results by argument, for one scoring. The arguments' types are part
    of the key: 1, 1.0 and True are equal, but an f-string writes them apart."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.seen: dict[tuple[Hashable, ...], Any] = {}

    def __call__(self, *args: Hashable) -> Any:
        key = (*args, *map(type, args))
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self.fn(*args)
        return found


class ScoreTable:
    """Both scores of many sites with one set of weights and one day (see score_site)."""

    def __init__(self, weights: Mapping[str, Mapping[str, float]], today: date,
                 groups: int) -> None:
        self.weights = (tuple(weights["jv"].items()), tuple(weights["community"].items()))
        # Per score: (factor, weight, whether it varies site by site, whether relevance).
        self.items = tuple(tuple((name, weight, name in VARYING, name == "relevance")
                                 for name, weight in table) for table in self.weights)
        self.kind_shares = weights.get("jv_kinds", JV_KIND_WEIGHTS)
        self.activity_shares = weights.get("activity") or ACTIVITY_SHARES
        self.today, self.groups = today, groups
        # Entries of the other factors by (name, raw, value, weight, gate, share): their
        # raws are strings and their values floats, so equal keys write equal text.
        self.made: dict[tuple[Any, ...], tuple[str, float]] = {}
        # The same for relevance and authority, for one slice of sites (score_columns
        # empties it): kept for every site, their distinct entries held 90 MB at 100,000.
        self.varying: dict[tuple[Any, ...], tuple[str, float]] = {}
        self.reach = _Memo(reachability_factor)
        self.open = _Memo(openness_factor)
        self.audience = _Memo(audience_factor)
        self.register = _Memo(registration_factor)
        self.dated = _Memo(lambda latest: activity_factor(
            {"latest_date": latest}, self.today, self.activity_shares))

    def values(self, site: Mapping[str, Any], bm25: float, relevance: float,
               activity: Activity | None, pagerank: float, hits: float, inlinks: int
               ) -> dict[str, Factor]:
        """Factor → (raw, value) of one site: factor_values' result."""
        if isinstance(activity, Activity) and activity.posts:
            active = activity_factor({"activity": activity}, self.today, self.activity_shares)
        else:
            active = self.dated(site.get("latest_date"))
        return {
            "relevance": relevance_factor(bm25, relevance),
            "reachability": self.reach(site.get("channel"), site.get("role")),
            "openness": self.open(site.get("deal_signals")),
            "activity": active,
            "audience": self.audience(site.get("members"), site.get("posts"),
                                      site.get("comments"), site.get("newsletter_provider")),
            "authority": authority_factor(pagerank, self.groups, hits, inlinks),
            "registration": self.register(site.get("registration_open")),
        }

    def _weighted(self, which: int, values: Mapping[str, Factor], gate: float,
                  share: float) -> tuple[float, str]:
        parts, total, made, varying = [], 0.0, self.made, self.varying
        for name, weight, varies, is_relevance in self.items[which]:
            raw, value = values[name]
            if varies:
                scale = 1.0 if is_relevance else gate
                # Most sites of a crawl have no links and no relevance: they share these
                # entries too. Their raw and value are always float, float (relevance) and
                # str, float (authority): equal keys write equal text.
                key = (name, raw, value, weight, scale, share)
                found = varying.get(key)
                if found is None:
                    found = varying[key] = _varying(name, raw, value, weight, scale, share)
            else:
                key = (name, raw, value, weight, gate, share)
                found = made.get(key)
                if found is None:
                    found = made[key] = entry(name, raw, value, weight, gate, share)
            parts.append(found[0])
            total += found[1]  # in the weights' order, as score._weighted sums them
        return min(100.0, round(total, 2)), "{" + ", ".join(parts) + "}"

    def score(self, site: Mapping[str, Any], values: Mapping[str, Factor]
              ) -> tuple[float, float, str, float, str]:
        """(score, jv_score, jv_breakdown, community_score, community_breakdown) of one
        site, the breakdowns as JSON text; `score` is the better of the two (the
        breakdown that goes with it is the JV one when jv_score >= community_score, as
        the views pick it since migration 013)."""
        ok = site.get("status") in ("ok", None)
        gate = f.niche_gate(values["relevance"][1])
        kind = str(site.get("kind") or "other")
        shares = self.kind_shares
        jv_share = shares.get(kind, shares.get("other", 1.0)) if ok else 0.0
        jv, jv_text = self._weighted(0, values, gate, jv_share)
        community, community_text = self._weighted(
            1, values, gate, 1.0 if ok and kind in COMMUNITY_KINDS else 0.0)
        return jv if jv >= community else community, jv, jv_text, community, community_text


SCORE_COLUMNS = ("score", "jv_score", "jv_breakdown", "community_score",
                 "community_breakdown")


def score_columns(table: ScoreTable, sites: Sequence[Mapping[str, Any]], first: int,
                  bm25: Sequence[float], relevance: Sequence[float],
                  activity: Mapping[str, Activity], pagerank: Sequence[float],
                  hits: Sequence[float], inlinks: Sequence[int]) -> dict[str, list[Any]]:
    """Both scores of `sites` as the columns Store.write_scores takes; the per-site
    sequences are indexed over all sites, the first of `sites` at `first`."""
    columns: dict[str, list[Any]] = {"domain": []} | {name: [] for name in SCORE_COLUMNS}
    out = [columns[name] for name in SCORE_COLUMNS]
    table.varying.clear()
    domains = columns["domain"]
    for i, site in enumerate(sites, first):
        domain = str(site["domain"])
        values = table.values(site, bm25[i], relevance[i], activity.get(domain),
                              pagerank[i], hits[i], inlinks[i])
        domains.append(domain)
        for column, value in zip(out, table.score(site, values), strict=True):
            column.append(value)
    return columns
