"""The posts store (store/posts.py): entries deduplicated by guid or URL across runs, only
new ones written, a 304 rewriting nothing, the latest post of a site (issue 22's drafts
open with it), validators for the next run, and suppressed sites out of the digest."""

from __future__ import annotations

from datetime import datetime

from prospector.extract.feeds import FeedEntry, FeedFetched, FeedRead
from prospector.models import Candidate
from prospector.store.db import Store


def _entry(key: str, day: int, title: str = "", url: str = "") -> FeedEntry:
    return FeedEntry(key=key, url=url or f"http://b.test/{key}", guid=key,
                     title=title or f"Post {key}", published=f"2026-12-0{day}T09:30:00")


def _feed(*entries: FeedEntry, status: int = 200, etag: str = '"v1"') -> FeedFetched:
    return FeedFetched("b.test", "http://b.test/feed", status,
                       FeedRead("http://b.test/feed", "rss20", "B", entries), "blog", etag)


def test_entries_are_written_once_across_runs_and_a_304_writes_nothing() -> None:
    with Store.open(":memory:") as store:
        one = store.start_run("beekeeping", "{}")
        assert store.write_feeds(one, [_feed(_entry("a", 1), _entry("b", 2))]) == 2
        two = store.start_run("beekeeping", "{}")
        assert store.write_feeds(two, [_feed(_entry("b", 2), _entry("c", 3))]) == 1
        assert store.write_feeds(two, [_feed(status=304)]) == 0
        rows = store.rows("SELECT key, first_run, last_run FROM posts ORDER BY key")
        feed = store.feed_rows()[0]
    assert [(r["key"], r["first_run"], r["last_run"]) for r in rows] == [
        ("a", one, one), ("b", one, two), ("c", two, two)]
    assert feed["status"] == 304 and feed["new_items"] == 0 and feed["run_id"] == two


def test_latest_post_and_validators() -> None:
    with Store.open(":memory:") as store:
        run = store.start_run("beekeeping", "{}")
        store.write_feeds(run, [_feed(_entry("a", 1, "Old"), _entry("b", 5, "Newest"),
                                      _entry("c", 3, "Middle"))])
        latest = store.latest_post("b.test")
        assert store.latest_post("none.test") is None
        assert store.feed_validators(set()) == {"http://b.test/feed": ('"v1"', "")}
        assert store.feed_validators({"b.test"}) == {}
    assert latest is not None and latest["title"] == "Newest"
    assert latest["url"] == "http://b.test/b" and latest["published"] == datetime(2026, 12, 5, 9, 30)


def test_suppressed_site_has_no_post_in_a_period() -> None:
    with Store.open(":memory:") as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate("http://b.test/", "b.test", "seed")])
        store.write_feeds(run, [_feed(_entry("a", 2))])
        period = (datetime(2026, 12, 1), datetime(2026, 12, 6))
        assert [p["title"] for p in store.posts_between(*period)] == ["Post a"]
        store.suppress([("b.test", "domain")])
        assert store.posts_between(*period) == []
