"""Score factors at their edges and exact values: the cases that mutation testing
(scripts/mutate.py) showed test_score.py let through (a bound, a default, a rounding)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from prospector.score import factors as f


@pytest.mark.parametrize(("x", "expected"), [(-0.5, 0.0), (-1e-9, 0.0), (0.25, 0.25), (1.5, 1.0)])
def test_clamp(x: float, expected: float) -> None:
    assert f.clamp(x) == expected


@pytest.mark.parametrize(("channel", "role", "expected"), [
    ("email", "editor", 0.8),  # a role the table does not know: a role box
    ("email", None, 0.8),
    ("phone", None, 0.0),  # a channel the table does not know reaches no one
    ("phone", "personal", 0.0),
])
def test_reachability_of_unknown_roles_and_channels(channel: str, role: str | None,
                                                    expected: float) -> None:
    assert f.reachability(channel, role) == expected


@pytest.mark.parametrize(("latest", "expected"), [
    ("2024-03-01T10:00:00", 0),  # a datetime counts by its date
    ("2024-03-01", 0),  # the same day is no day ago
    ("2024-03-05", 0),  # a date in the future is not negative
    ("2024-02-29", 1),
    ("not a date", None),
])
def test_days_since(latest: str, expected: int | None) -> None:
    assert f.days_since(latest, date(2024, 3, 1)) == expected


def test_audience_blends_members_and_posts_when_both_are_known() -> None:
    members = math.log(500 / f.MEMBERS_FLOOR) / math.log(f.MEMBERS_FULL / f.MEMBERS_FLOOR)
    posts = math.log(5000 / f.POSTS_FLOOR) / math.log(f.POSTS_FULL / f.POSTS_FLOOR)
    assert f.audience(500, 5000, None, None) == round(0.6 * members + 0.4 * posts, 6)
    alone = math.log(700 / f.MEMBERS_FLOOR) / math.log(f.MEMBERS_FULL / f.MEMBERS_FLOOR)
    assert f.audience(700, None, None, None) == round(alone, 6)  # members alone: full weight
    # Six decimals, no more: the stored breakdown and the report round alike.
    assert f.audience(700, None, None, None) != round(alone, 7)


@pytest.mark.parametrize(("bm25", "reference", "expected"), [
    (1.0, 2.0, 0.5), (3.0, 4.0, 0.75), (4.0, 2.0, 1.0), (0.0, 2.0, 0.0), (1.0, 0.0, 0.0),
])
def test_relevance_is_a_share_of_the_reference(bm25: float, reference: float, expected: float) -> None:
    assert f.relevance(bm25, reference) == expected


@pytest.mark.parametrize(("pagerank", "groups", "hits"), [(0.5, 1, 0.0), (0.5, 0, 0.3), (2.0, 3, 0.7)])
def test_authority_exact(pagerank: float, groups: int, hits: float) -> None:
    pr = min(1.0, math.log1p(pagerank * max(groups, 1)) / math.log1p(f.AUTHORITY_SATURATION))
    exact = 0.5 * pr + 0.5 * hits
    assert f.authority(pagerank, groups, hits) == round(exact, 6) != round(exact, 7)
