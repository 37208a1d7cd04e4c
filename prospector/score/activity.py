"""Activity from a site's posts (issue 21): how often it posts, how regularly, how lately.

The figures, from the dated entries of its feed stored in `posts`:
- posts per 30 days over the last 90 days. A feed shows only its newest entries (10 on
  WordPress), so when the stored posts do not reach 90 days back, the days before the
  oldest are filled at the pace of the posts shown (`_rate`);
- the median gap between posts, in days;
- a forum's threads and replies per week (its feed gives both), over the last 28 days
  the same way;
- the age of the latest post, in days, and of the one before it.

The factor's value blends them with the `[weights.activity]` shares of the config file:
frequency (log scale: one post a month 0.4, daily 1), recency (of the second-newest post:
1 within FRESH_DAYS, halving every HALF_LIFE_DAYS; one post after a year of silence is not
a return), regularity (median gap: a week or less 1, falling to 0 at
a year). A site with no dated post falls back on the latest date its pages show
(`factors.activity`), as before: catalogue shops and directories have no feed.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prospector.score import factors as f
from prospector.score.weights import ACTIVITY_SHARES

WINDOW_DAYS = 90
WEEK_WINDOW_DAYS = 28
# Frequency: posts per 30 days at which the value is full (daily) and its log floor.
FULL_RATE = 30.0
# Regularity: a median gap this short is regular; this long is no rhythm at all.
REGULAR_GAP_DAYS, NO_RHYTHM_GAP_DAYS = 7.0, 365.0
@dataclass(frozen=True)
class Activity:
    posts: int  # dated posts stored
    per_30_days: float
    median_gap_days: float | None
    threads_per_week: float
    replies_per_week: float
    latest_age_days: float | None
    # The second-newest post's age: recency is read from it, so one post after a long
    # silence does not make a dormant site look active (None: a single post).
    second_age_days: float | None = None

    def describe(self) -> str:
        """The raw figures, as `explain` shows them."""
        gap = "—" if self.median_gap_days is None else f"{self.median_gap_days:.1f} d"
        age = "—" if self.latest_age_days is None else f"{self.latest_age_days:.0f} d"
        text = (f"{self.per_30_days:.1f} posts/30d, median gap {gap}, latest {age} ago"
                f" ({self.posts} posts)")
        if self.threads_per_week or self.replies_per_week:
            text += (f", {self.threads_per_week:.1f} threads and "
                     f"{self.replies_per_week:.1f} replies/week")
        return text


def _days(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds() / 86400


def _rate(ages: Sequence[float], window: float, per: float) -> float:
    """Entries per `per` days over the last `window` days (ages: days since each one).
    A feed shows its newest entries only: when they do not reach `window` days back,
    the entries before the oldest shown are taken at the pace of those shown (the
    oldest instant's entries excluded: they open the span, they do not fill it)."""
    if not ages:
        return 0.0
    oldest, newest = max(ages), min(ages)
    if oldest >= window or len(ages) < 2:
        return sum(1 for a in ages if a < window) / window * per
    span = oldest - newest
    opening = sum(1 for a in ages if a == oldest)
    pace = (len(ages) - opening) / span if span > 0 else 0.0
    return (len(ages) + pace * (window - oldest)) / window * per


def measure(posts: Sequence[tuple[datetime, str]], now: datetime) -> Activity:
    """The activity figures of one site's dated posts ((published, kind), any order)."""
    when = sorted(p for p, _ in posts)
    if not when:
        return Activity(0, 0.0, None, 0.0, 0.0, None)
    gaps = [_days(b, a) for a, b in itertools.pairwise(when)]
    gap = statistics.median(gaps) if gaps else None
    ages = [max(0.0, _days(now, p)) for p in when]
    by_kind: dict[str, list[float]] = {}
    for published, kind in posts:
        by_kind.setdefault(kind, []).append(max(0.0, _days(now, published)))

    def weekly(kind: str) -> float:
        ages_k = by_kind.get(kind, [])
        if not ages_k:
            return 0.0
        return round(_rate(ages_k, WEEK_WINDOW_DAYS, 7.0), 3)

    return Activity(
        posts=len(when), per_30_days=round(_rate(ages, WINDOW_DAYS, 30.0), 3),
        median_gap_days=None if gap is None else round(gap, 3),
        threads_per_week=weekly("thread"), replies_per_week=weekly("reply"),
        latest_age_days=round(min(ages), 3),
        second_age_days=round(sorted(ages)[1], 3) if len(ages) > 1 else None)


def frequency_value(per_30_days: float) -> float:
    """Log scale: 0 posts 0, one a month 0.4, daily (30) 1."""
    if per_30_days <= 0:
        return 0.0
    return f.clamp(0.4 + 0.6 * math.log(per_30_days) / math.log(FULL_RATE))


def regularity_value(median_gap: float | None) -> float:
    if median_gap is None:
        return 0.0
    if median_gap <= REGULAR_GAP_DAYS:
        return 1.0
    return f.clamp(1 - math.log(median_gap / REGULAR_GAP_DAYS)
                   / math.log(NO_RHYTHM_GAP_DAYS / REGULAR_GAP_DAYS))


def value(activity: Activity, shares: Mapping[str, float] = ACTIVITY_SHARES) -> float:
    """The activity factor, 0..1, from the figures and the shares."""
    age = (activity.second_age_days if activity.second_age_days is not None
           else activity.latest_age_days)
    parts = {
        "frequency": frequency_value(activity.per_30_days),
        "recency": f.activity(None if age is None else int(age)),
        "regularity": regularity_value(activity.median_gap_days),
    }
    total = sum(shares.get(k, 0.0) for k in parts) or 1.0
    return round(sum(parts[k] * shares.get(k, 0.0) for k in parts) / total, 6)


def activity_factor(features: Mapping[str, Any], today: Any,
                    shares: Mapping[str, float] = ACTIVITY_SHARES) -> tuple[str, float]:
    """(raw, value) of the activity factor for one site's features: from its posts
    (`features['activity']`, an Activity) when it has dated posts, else from the latest
    date its pages show."""
    found = features.get("activity")
    if isinstance(found, Activity) and found.posts:
        return found.describe(), value(found, shares)
    days = f.days_since(features.get("latest_date"), today)
    raw = f"{features.get('latest_date')} ({days} days, no feed)" if days is not None \
        else "no date"
    return raw, f.activity(days)


def site_activity(post_dates: Mapping[str, Sequence[tuple[datetime, str]]],
                  now: datetime) -> dict[str, Activity]:
    """domain → its Activity, for every site with dated posts."""
    return {domain: measure(posts, now) for domain, posts in post_dates.items()}
