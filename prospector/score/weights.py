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
DEFAULT_WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "jv": JV_WEIGHTS, "community": COMMUNITY_WEIGHTS,
}

# Kinds each score applies to: forums are communities, not partners; a community
# is a forum or a blog.
JV_KINDS = frozenset({"blog", "newsletter", "shop", "other"})
COMMUNITY_KINDS = frozenset({"forum", "blog"})


def check_weights(weights: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Defaults overridden by `weights`; ValueError naming the problem."""
    out = {k: dict(v) for k, v in DEFAULT_WEIGHTS.items()}
    for score, table in weights.items():
        if score not in out:
            raise ValueError(f"unknown score weights.{score} (jv, community)")
        for name, value in table.items():
            if name not in out[score]:
                raise ValueError(f"unknown factor weights.{score}.{name} "
                                 f"({', '.join(out[score])})")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"weights.{score}.{name} must be a number ≥ 0")
            out[score][name] = float(value)
        total = sum(out[score].values())
        if abs(total - 100.0) > 0.01:
            raise ValueError(f"weights.{score} must add up to 100 (they add up to {total:g})")
    return out
