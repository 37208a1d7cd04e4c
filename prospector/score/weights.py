"""Score weights and the kinds each score applies to: plain data, so the config file's
`[weights]` can be checked without loading the scoring (or the store)."""

from __future__ import annotations

from collections.abc import Mapping

# The weights' reasons are in the README's scores section; keep them in step.
JV_WEIGHTS: Mapping[str, float] = {
    "openness": 25.0,      # a deal page is the owner saying yes before being asked
    "reachability": 25.0,  # a partner nobody can write to cannot be acted on
    "relevance": 15.0,     # same niche, same readers; also gates the other factors
    "activity": 15.0,      # a dormant site's owner rarely answers or has readers left
    "authority": 10.0,     # the niche links to it: its word carries weight
    "audience": 10.0,      # members, comments, a newsletter: reach the deal buys
}
COMMUNITY_WEIGHTS: Mapping[str, float] = {
    "activity": 30.0,      # a community is only worth joining while people post
    "audience": 30.0,      # members and posts: who reads what one writes there
    "relevance": 20.0,     # the niche's own forum, not a general one
    "authority": 15.0,     # the rest of the niche points people to it
    "registration": 5.0,   # open sign-up (unknown counts half)
}
# Each site kind's share of its JV score (config file `[weights.jv_kinds]`, 0..1; the
# kinds are extract/vocab/kinds.py's). Forums are communities to join, not partners;
# every other kind can be one, so all count in full unless the config says otherwise
# (e.g. `directory = 0.5` for someone who wants few link lists among the partners).
JV_KIND_WEIGHTS: Mapping[str, float] = {
    "blog": 1.0, "newsletter": 1.0, "shop": 1.0, "news": 1.0, "association": 1.0,
    "business": 1.0, "directory": 1.0, "other": 1.0, "forum": 0.0,
}
# The activity factor's parts (issue 21, score/activity.py; config `[weights.activity]`,
# 0..1 each, used as proportions): how often a site posts, how lately, how steadily.
ACTIVITY_SHARES: Mapping[str, float] = {
    "frequency": 0.5,    # how much a reader of the site finds new each month
    "recency": 0.35,     # a site that stopped is dormant, whatever it did before
    "regularity": 0.15,  # a steady rhythm outlasts bursts: the owner keeps at it
}
DEFAULT_WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "jv": JV_WEIGHTS, "community": COMMUNITY_WEIGHTS, "jv_kinds": JV_KIND_WEIGHTS,
    "activity": ACTIVITY_SHARES,
}
# Tables of shares (0..1 each, no total) rather than points adding up to 100.
SHARE_TABLES = frozenset({"jv_kinds", "activity"})

# Kinds each score applies to by default: forums are communities, not partners; a
# community is a forum or a blog.
JV_KINDS = frozenset(kind for kind, share in JV_KIND_WEIGHTS.items() if share > 0)
COMMUNITY_KINDS = frozenset({"forum", "blog"})


def check_weights(weights: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Defaults overridden by `weights`; ValueError naming the problem."""
    out = {k: dict(v) for k, v in DEFAULT_WEIGHTS.items()}
    for score, table in weights.items():
        if score not in out:
            raise ValueError(f"unknown score weights.{score} (jv, community, jv_kinds, activity)")
        for name, value in table.items():
            if name not in out[score]:
                raise ValueError(f"unknown factor weights.{score}.{name} "
                                 f"({', '.join(out[score])})")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"weights.{score}.{name} must be a number ≥ 0")
            if score in SHARE_TABLES and value > 1:
                raise ValueError(f"weights.{score}.{name} must be a share from 0 to 1")
            out[score][name] = float(value)
        if score in SHARE_TABLES:
            continue
        total = sum(out[score].values())
        if abs(total - 100.0) > 0.01:
            raise ValueError(f"weights.{score} must add up to 100 (they add up to {total:g})")
    return out
