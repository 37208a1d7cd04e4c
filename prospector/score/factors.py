"""Pure factor functions: each maps a site's raw facts to a value in 0..1.

Nothing here reads the DB; `prospector.score` gathers the inputs and writes the scores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

# Best channel → how directly it reaches a person.
CHANNEL_VALUE: Mapping[tuple[str, str], float] = {
    ("email", "personal"): 1.0,
    ("email", "role"): 0.8,
    ("form", ""): 0.5,
    ("social", ""): 0.25,
}

# Deal signals → how directly they invite a deal. Partners pages ask for exactly what
# a JV is; advertising and sponsorship sell reach; guest posts and affiliate programmes
# are a smaller, standard door.
DEAL_VALUE: Mapping[str, float] = {
    "partners": 1.0, "sponsor": 0.9, "advertise": 0.9, "write_for_us": 0.7,
    "affiliate": 0.7,
}

# Activity: full value within FRESH_DAYS of the run, then halves every HALF_LIFE_DAYS.
FRESH_DAYS = 30
HALF_LIFE_DAYS = 180
# A site that shows no date at all (catalogue shops, directories) is not known stale.
UNKNOWN_ACTIVITY = 0.25

# Audience: members on a log scale from AUDIENCE_FLOOR (0) to AUDIENCE_FULL (1).
MEMBERS_FLOOR, MEMBERS_FULL = 100, 20_000
POSTS_FLOOR, POSTS_FULL = 1_000, 500_000
COMMENTS_FULL = 20  # comments on one post at which a blog's audience is full
NEWSLETTER_VALUE = 0.6  # a list of readers the owner can mail

# Relevance below this share of the run's typical relevance scales every other factor
# down: an off-niche site is worthless however reachable.
NICHE_GATE = 0.5
# PageRank × groups at which authority saturates (8 × the average site).
AUTHORITY_SATURATION = 8.0


def clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def reachability(channel: str | None, role: str | None) -> float:
    """Best channel: personal email > role email > contact form > social only > none."""
    if not channel:
        return 0.0
    if channel == "email":
        return CHANNEL_VALUE.get(("email", role or "role"), 0.8)
    return CHANNEL_VALUE.get((channel, ""), 0.0)


def deal_list(signals: str | None) -> list[str]:
    return sorted({s.strip() for s in (signals or "").split(",") if s.strip() in DEAL_VALUE})


def openness(signals: str | None) -> float:
    """The best deal signal's value, plus 0.1 for each further kind of deal."""
    deals = deal_list(signals)
    if not deals:
        return 0.0
    return clamp(max(DEAL_VALUE[d] for d in deals) + 0.1 * (len(deals) - 1))


def days_since(latest: str | None, today: date) -> int | None:
    if not latest:
        return None
    try:
        day = date.fromisoformat(str(latest)[:10])
    except ValueError:
        return None
    return max(0, (today - day).days)


def activity(days: int | None) -> float:
    """Recency of the latest post: 1 within a month, halving every six months after."""
    if days is None:
        return UNKNOWN_ACTIVITY
    if days <= FRESH_DAYS:
        return 1.0
    return float(0.5 ** ((days - FRESH_DAYS) / HALF_LIFE_DAYS))


def _log_scale(x: float | None, floor: float, full: float) -> float:
    if not x or x <= floor:
        return 0.0
    return clamp(math.log(x / floor) / math.log(full / floor))


def audience(members: int | None, posts: int | None, comments: int | None,
             newsletter: str | None) -> float:
    """Forum members and posts, comments per post, a newsletter: the largest of them."""
    forum = 0.6 * _log_scale(members, MEMBERS_FLOOR, MEMBERS_FULL) + 0.4 * _log_scale(
        posts, POSTS_FLOOR, POSTS_FULL)
    if members and not posts:
        forum = _log_scale(members, MEMBERS_FLOOR, MEMBERS_FULL)
    talk = clamp((comments or 0) / COMMENTS_FULL)
    mail = NEWSLETTER_VALUE if newsletter else 0.0
    return round(max(forum, talk, mail), 6)


def registration(is_open: bool | None) -> float:
    """Open 1, unknown 0.5 (most forums do not say until one tries), closed 0."""
    if is_open is None:
        return 0.5
    return 1.0 if is_open else 0.0


def relevance(bm25: float, reference: float) -> float:
    """BM25 against the run's reference (the 75th percentile of on-topic sites)."""
    if bm25 <= 0 or reference <= 0:
        return 0.0
    return clamp(bm25 / reference)


def niche_gate(relevance_value: float) -> float:
    return clamp(relevance_value / NICHE_GATE)


def authority(pagerank: float, groups: int, hits_authority: float) -> float:
    """PageRank relative to the average site, log-scaled, blended with HITS authority."""
    ratio = pagerank * max(groups, 1)
    pr = clamp(math.log1p(ratio) / math.log1p(AUTHORITY_SATURATION))
    return round(0.5 * pr + 0.5 * clamp(hits_authority), 6)
