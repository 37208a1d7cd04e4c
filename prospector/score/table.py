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
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring_ascii
from operator import itemgetter
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


def authority_head(raw: Any, value: Any) -> str | None:
    """The authority entry's text up to its weight (`"authority": {"raw": ..., "value":
    ...`), as entry() writes it, for both scores of a site; None when its raw or value
    is not what authority_factor gives (a str and a float)."""
    if type(raw) is not str or type(value) is not float:
        return None
    return (f'"authority": {{"raw": {encode_basestring_ascii(raw)}, '
            f'"value": {float.__repr__(round(value, 4))}')


def _around_points(weight: Any, scale: Any) -> tuple[str | None, str | None]:
    """An entry's text between its value and its points, and after them, as _finish
    writes it for float `weight` and `scale`; (None, None) for other types."""
    if type(weight) is not float or type(scale) is not float:
        return None, None
    gate = f', "gate": {float.__repr__(round(scale, 4))}' if scale < 1.0 else ""
    return f', "weight": {float.__repr__(weight)}, "points": ', gate + "}"


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

    def fixed(self, site: Mapping[str, Any], active: Factor | None) -> dict[str, Factor]:
        """Factor → (raw, value) of one site's factors other than relevance and authority
        (factor_values' result for them); `active`: its activity from dated posts, None
        to read it from the site's latest date."""
        return {
            "reachability": self.reach(site.get("channel"), site.get("role")),
            "openness": self.open(site.get("deal_signals")),
            "activity": active or self.dated(site.get("latest_date")),
            "audience": self.audience(site.get("members"), site.get("posts"),
                                      site.get("comments"), site.get("newsletter_provider")),
            "registration": self.register(site.get("registration_open")),
        }

    def plan(self, which: int, fixed: Mapping[str, Factor], gate: float, share: float
             ) -> Plan:
        """Score `which`'s breakdown with its fixed factors written: each run of them as
        one text with its points, and a step for each varying factor to fill per site."""
        steps: list[tuple[Any, ...]] = []
        texts: list[str] = []
        points: list[float] = []
        for name, weight, varies, is_relevance in self.items[which]:
            if varies:
                if texts:
                    steps.append((True, ", ".join(texts), tuple(points)))
                    texts, points = [], []
                scale = 1.0 if is_relevance else gate
                steps.append((False, name, weight, scale, share, *_around_points(weight, scale)))
                continue
            raw, value = fixed[name]
            key = (name, raw, value, weight, gate, share)
            found = self.made.get(key)
            if found is None:
                found = self.made[key] = entry(name, raw, value, weight, gate, share)
            texts.append(found[0])
            points.append(found[1])
        if texts:
            steps.append((True, ", ".join(texts), tuple(points)))
        return tuple(steps)

    def fill(self, steps: Plan, relevance: Factor, authority: Factor, head: str | None
             ) -> tuple[float, str]:
        """A score and its breakdown's text: `steps` (plan) with one site's relevance
        and authority, the points summed in the weights' order as score._weighted does.
        `head`: the authority entry's text up to its weight (authority_head), None to
        make it as entry() does."""
        parts, total, varying = [], 0.0, self.varying
        for step in steps:
            if step[0]:
                parts.append(step[1])
                for points in step[2]:
                    total += points
                continue
            _, name, weight, scale, share, before, after = step
            if name == "authority" and head is not None and before is not None:
                # Distinct site by site: written from the parts made once (the head for
                # both scores, the weight and gate for the plan), not cached.
                product = authority[1] * weight * scale * share
                if math.isfinite(product):
                    points = round(product, 2)
                    parts.append(f"{head}{before}{float.__repr__(points)}{after}")
                    total += points
                    continue
            raw, value = relevance if name == "relevance" else authority
            # Most sites of a crawl have no links and no relevance: they share these
            # entries too. Their raw and value are always float, float (relevance) and
            # str, float (authority): equal keys write equal text.
            key = (name, raw, value, weight, scale, share)
            found = varying.get(key)
            if found is None:
                found = varying[key] = _varying(name, raw, value, weight, scale, share)
            parts.append(found[0])
            total += found[1]
        return min(100.0, round(total, 2)), "{" + ", ".join(parts) + "}"

    def plans(self, site: Mapping[str, Any], fixed: Mapping[str, Factor], gate: float
              ) -> tuple[Plan, Plan]:
        """Both scores' plans for a site of this kind and status (score_site's shares)."""
        ok = site.get("status") in ("ok", None)
        kind = str(site.get("kind") or "other")
        shares = self.kind_shares
        jv_share = shares.get(kind, shares.get("other", 1.0)) if ok else 0.0
        return (self.plan(0, fixed, gate, jv_share),
                self.plan(1, fixed, gate, 1.0 if ok and kind in COMMUNITY_KINDS else 0.0))


# A score's breakdown as steps: (True, text, points) for a run of fixed factors written,
# (False, name, weight, scale, share, before, after) for relevance or authority, filled
# per site (before, after: _around_points).
Plan = tuple[tuple[Any, ...], ...]
# The site's own fields the fixed factors, the kind's shares and the status read.
SITE_INPUTS = ("channel", "role", "deal_signals", "latest_date", "members", "posts",
               "comments", "newsletter_provider", "registration_open", "kind", "status")
SCORE_COLUMNS = ("score", "jv_score", "jv_breakdown", "community_score",
                 "community_breakdown")


@dataclass(frozen=True)
class SiteInputs:
    """Every site's SITE_INPUTS as few distinct rows: `rows[keys[i]]` is site i's (its
    fields named by `names`), `domains[i]` its domain. The store numbers the distinct rows
    in SQL (Store.score_keys); `site_inputs` does it from whole rows."""
    names: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    keys: Sequence[int]
    domains: Sequence[str]


def site_inputs(names: Sequence[str], sites: Sequence[Sequence[Any]]) -> SiteInputs:
    """SiteInputs of whole site rows (with at least `domain` and SITE_INPUTS among
    `names`). Rows are one when their inputs are equal and of equal types: 1, 1.0 and
    True are equal keys, but written apart."""
    pick = itemgetter(*(list(names).index(name) for name in SITE_INPUTS))
    at = list(names).index("domain")
    seen: dict[tuple[Any, ...], int] = {}
    rows: list[tuple[Any, ...]] = []
    keys: list[int] = []
    for site in sites:
        inputs = pick(site)
        key = (*inputs, *map(type, inputs))
        if key not in seen:
            seen[key] = len(rows)
            rows.append(inputs)
        keys.append(seen[key])
    return SiteInputs(SITE_INPUTS, rows, keys, [str(site[at]) for site in sites])


def score_columns(table: ScoreTable, inputs: SiteInputs, first: int, last: int,
                  bm25: Sequence[float], relevance: Sequence[float],
                  activity: Mapping[str, Activity], pagerank: Sequence[float],
                  hits: Sequence[float], inlinks: Sequence[int]) -> dict[str, list[Any]]:
    """Both scores of sites first..last-1 (of `inputs`' order; the per-site sequences
    are indexed over all sites) as the columns Store.write_scores takes.

    Sites with the same inputs row (or their activity from posts besides) and the same
    niche gate share both plans (few distinct in a crawl); only relevance and authority
    are worked out site by site. A site's inputs come as its row's number: no row, key
    or dict per site (a row per site read from the store and its inputs hashed as a
    key cost ≈0.4 CPU-s at 100,000 sites)."""
    columns: dict[str, list[Any]] = {"domain": []} | {name: [] for name in SCORE_COLUMNS}
    domains, scores, jv_scores, jv_texts, community_scores, community_texts = (
        columns[name] for name in ("domain", *SCORE_COLUMNS))
    table.varying.clear()
    fixed_by: dict[Any, dict[str, Factor]] = {}
    plans_by: dict[tuple[Any, float], tuple[Plan, Plan]] = {}
    groups, shares, names = table.groups, table.activity_shares, inputs.names
    for i in range(first, last):
        domain = inputs.domains[i]
        key: Any = inputs.keys[i]
        posted = activity.get(domain)
        active = activity_factor({"activity": posted}, table.today, shares) \
            if isinstance(posted, Activity) and posted.posts else None
        if active is not None:
            key = (key, active)
        rel = relevance_factor(bm25[i], relevance[i])
        gate = f.niche_gate(rel[1])
        plans = plans_by.get((key, gate))
        if plans is None:
            site = dict(zip(names, inputs.rows[inputs.keys[i]], strict=True))
            fixed = fixed_by.get(key)
            if fixed is None:
                fixed = fixed_by[key] = table.fixed(site, active)
            plans = plans_by[(key, gate)] = table.plans(site, fixed, gate)
        auth = authority_factor(pagerank[i], groups, hits[i], inlinks[i])
        head = authority_head(*auth)
        jv, jv_text = table.fill(plans[0], rel, auth, head)
        community, community_text = table.fill(plans[1], rel, auth, head)
        domains.append(domain)
        scores.append(jv if jv >= community else community)
        jv_scores.append(jv)
        jv_texts.append(jv_text)
        community_scores.append(community)
        community_texts.append(community_text)
    return columns
