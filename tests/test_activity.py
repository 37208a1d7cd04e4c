"""Activity from posts (score/activity.py): the figures of each posting rhythm, the
factor's order between them, its weights from the config file, and `explain`'s raw."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from prospector.score import score_site
from prospector.score.activity import Activity, activity_factor, measure, value
from prospector.score.weights import check_weights

NOW = datetime(2026, 12, 6, 12)


def _days(*ages: float, kind: str = "post") -> list[tuple[datetime, str]]:
    return [(NOW - timedelta(days=a), kind) for a in ages]


DAILY = _days(*range(10))                       # a WordPress feed's 10 newest
WEEKLY = _days(*(2 + 7 * i for i in range(10)))
DORMANT = _days(*(420 + 9 * i for i in range(10)))
ONEOFF = _days(3, *(420 + 9 * i for i in range(9)))


@pytest.mark.parametrize(("posts", "per_30", "gap", "latest"), [
    (DAILY, 30.0, 1.0, 0.0),
    (WEEKLY, 30 * 13 / 90, 7.0, 2.0),  # 13 posts in 90 days: 4.33 a month
    (DORMANT, 0.0, 9.0, 420.0),
    (ONEOFF, 1 / 3, 9.0, 3.0),
    ([], 0.0, None, None),
])
def test_figures(posts: list[tuple[datetime, str]], per_30: float, gap: float | None,
                 latest: float | None) -> None:
    got = measure(posts, NOW)
    assert got.per_30_days == pytest.approx(per_30, rel=0.05)
    assert got.median_gap_days == gap and got.latest_age_days == latest


def test_forum_threads_and_replies_per_week() -> None:
    posts = _days(*range(0, 20, 2), kind="thread") + _days(*range(20), kind="reply")
    got = measure(posts, NOW)
    assert got.threads_per_week == pytest.approx(3.5, rel=0.1)
    assert got.replies_per_week == pytest.approx(7.0, rel=0.1)


def test_steady_beats_one_off_beats_dormant() -> None:
    daily, weekly, oneoff, dormant = (value(measure(p, NOW))
                                      for p in (DAILY, WEEKLY, ONEOFF, DORMANT))
    assert daily > weekly > oneoff > dormant
    assert weekly - oneoff > 0.3  # one post after a year's silence is not a return


def test_no_posts_falls_back_on_the_pages_date() -> None:
    raw, got = activity_factor({"latest_date": "2026-12-01"}, NOW.date())
    assert got == 1.0 and "no feed" in raw
    assert activity_factor({}, NOW.date()) == ("no date", 0.25)


def test_shares_come_from_the_config_and_explain_shows_the_figures() -> None:
    weights = check_weights({"activity": {"frequency": 1.0, "recency": 0.0,
                                          "regularity": 0.0}})
    oneoff = measure(ONEOFF, NOW)
    features = {"status": "ok", "kind": "blog", "activity": oneoff, "today": NOW.date()}
    only_frequency = score_site(features, weights).community.breakdown["activity"]
    default = score_site(features).community.breakdown["activity"]
    assert only_frequency["value"] < default["value"]
    assert default["raw"].startswith("0.3 posts/30d, median gap 9.0 d, latest 3 d ago")
    with pytest.raises(ValueError, match="share from 0 to 1"):
        check_weights({"activity": {"recency": 2}})
    assert isinstance(oneoff, Activity)
