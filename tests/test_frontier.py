"""The focused crawl's frontier and link priorities: pure, tested by tables."""

from __future__ import annotations

import pytest

from prospector.discover.frontier import (
    Frontier,
    is_mega_platform,
    keyword_pattern,
    link_priority,
    relevance,
)
from prospector.models import Candidate, Link

BEES = keyword_pattern(("beekeeping", "honey bees"))


def _c(domain: str) -> Candidate:
    return Candidate(url=f"http://{domain}/", domain=domain, why="test")


def _link(section: str, anchor: str = "A site", url: str = "http://t.test/") -> Link:
    return Link("http://s.test/", url, "t.test", anchor, section)


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        (_link("blogroll"), _link("footer")),
        (_link("signature"), _link("nav")),
        (_link("resources"), _link("content")),
        (_link("content", "Beekeeping tips"), _link("content", "Click here")),
        (_link("content", url="http://beekeeping-shop.test/"), _link("content")),
    ],
)
def test_link_priority_order(better: Link, worse: Link) -> None:
    assert link_priority(better, 0.5, BEES) > link_priority(worse, 0.5, BEES)


def test_relevant_source_lifts_its_links() -> None:
    link = _link("content")
    assert link_priority(link, 1.0, BEES) > link_priority(link, 0.0, BEES)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("nothing here", 0.0, 0.0), ("beekeeping", 0.1, 0.5), ("beekeeping " * 50, 1.0, 1.0)],
)
def test_relevance_bounds(text: str, low: float, high: float) -> None:
    assert low <= relevance(text, BEES) <= high


@pytest.mark.parametrize(
    ("domain", "mega"),
    [("facebook.com", True), ("wikipedia.org", True), ("bit.ly", True), ("phpbb.com", True),
     ("bee-forum.test", False), ("honeynotes.wordpress.com", False)],
)
def test_mega_platforms(domain: str, mega: bool) -> None:
    assert is_mega_platform(domain) is mega


def test_frontier_is_best_first_within_budget() -> None:
    frontier = Frontier(max_sites=2)
    frontier.push(_c("low.test"), 1.0)
    frontier.push(_c("high.test"), 9.0)
    frontier.push(_c("mid.test"), 5.0)
    released = [c.domain for c, _ in frontier.pop(10)]
    assert released == ["high.test", "mid.test"]
    assert frontier.pop(10) == [] and frontier.released == 2


def test_frontier_refuses_known_far_excluded_and_mega() -> None:
    frontier = Frontier(max_sites=10, max_distance=1, exclude=frozenset({"no.test"}))
    assert frontier.push(_c("a.test"), 1.0)
    assert not frontier.push(_c("a.test"), 0.5)  # a worse offer for a queued site
    assert frontier.push(_c("a.test"), 3.0)  # a better one replaces it
    assert not frontier.push(_c("far.test"), 9.0, distance=2)
    assert not frontier.push(_c("no.test"), 9.0)
    assert not frontier.push(_c("facebook.com"), 9.0)
    assert [(c.domain, d) for c, d in frontier.pop(10)] == [("a.test", 0)]
    assert not frontier.push(_c("a.test"), 9.0)  # released sites never come back
