from __future__ import annotations

import pytest

from prospector.score import DEFAULT_WEIGHTS, reachability, relevance, score_site


@pytest.mark.parametrize(
    ("channel", "role", "expected"),
    [("email", "personal", 1.0), ("email", "role", 0.8), ("form", None, 0.5),
     ("social", "facebook", 0.25), (None, None, 0.0)],
)
def test_reachability_order(channel: str | None, role: str | None, expected: float) -> None:
    assert reachability(channel, role) == expected


def test_relevance_is_monotone_and_saturates() -> None:
    values = [relevance(h) for h in (0, 1, 5, 30, 300)]
    assert values == sorted(values)
    assert values[0] == 0.0 and values[-1] == 1.0


def test_breakdown_adds_up() -> None:
    s = score_site({"hits": 12, "channel": "email", "role": "personal", "kind": "forum",
                    "status": "ok"})
    assert set(s.breakdown) == set(DEFAULT_WEIGHTS)
    assert s.total == pytest.approx(sum(f["points"] for f in s.breakdown.values()))
    assert 0 < s.total <= 100


def test_niche_reachable_forum_beats_offtopic_shop() -> None:
    forum = score_site({"hits": 25, "channel": "email", "role": "role", "kind": "forum", "status": "ok"})
    cars = score_site({"hits": 0, "channel": "email", "role": "personal", "kind": "shop", "status": "ok"})
    assert forum.total > cars.total


def test_failed_site_scores_zero() -> None:
    assert score_site({"hits": 25, "channel": "email", "kind": "forum", "status": "error"}).total == 0
