"""Feeds read by a real crawl of the sample web (issue 21): the posts stored against the
truth's feed entries (precision and recall), posting frequency against the truth's
rhythm, and a second crawl that asks conditionally and writes no post twice."""

from __future__ import annotations

import json
import shutil
import statistics
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from prospector.sampleweb.proc import SampleWebProcess
from prospector.score.activity import measure
from prospector.store.db import Store
from tests.conftest import run_cli

pytestmark = pytest.mark.crawl

PR_FLOOR = 0.98
FREQUENCY_TOLERANCE = 0.10


def crawl_sample_web(sampleweb: SampleWebProcess, db: Path, *extra: str) -> None:
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--search", sampleweb.url,
                     "--backend", "sampleweb", "--proxy", sampleweb.url, "--fast",
                     "--no-progress", *extra)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("feeds") / "bees.duckdb"
    crawl_sample_web(sampleweb, db)
    return db


def _reached(store: Store, truth: dict[str, Any]) -> list[dict[str, Any]]:
    """Truth sites the crawl fetched pages of and whose feed a polite crawler may read."""
    crawled = {str(r["domain"]) for r in store.rows(
        "SELECT domain FROM sites WHERE status = 'ok'")}
    return [s for s in truth["sites"] if s["domain"] in crawled
            and not s["robots_disallow_all"] and s["feed_posts"]]


def test_posts_precision_recall_against_truth(crawled: Path, truth: dict[str, Any]) -> None:
    with Store.open(crawled, read_only=True) as store:
        sites = _reached(store, truth)
        stored = {(str(r["domain"]), str(r["key"])) for r in store.rows(
            "SELECT domain, key FROM posts")}
    expected = {(s["domain"], p["key"]) for s in sites for p in s["feed_posts"]}
    in_scope = {k for k in stored if k[0] in {s["domain"] for s in sites}}
    hits = len(expected & stored)
    precision = hits / len(in_scope) if in_scope else 0.0
    recall = hits / len(expected) if expected else 0.0
    print(f"\nposts: precision {precision:.3f} ({hits}/{len(in_scope)}), "
          f"recall {recall:.3f} ({hits}/{len(expected)}) over {len(sites)} sites' feeds")
    assert len(sites) >= 40  # the crawl reached the web: the figure means something
    assert precision >= PR_FLOOR and recall >= PR_FLOOR
    assert stored <= expected | {k for k in stored if k[0] not in {s["domain"] for s in sites}}


def test_posting_frequency_within_ten_percent(crawled: Path, truth: dict[str, Any]) -> None:
    with Store.open(crawled, read_only=True) as store:
        sites = _reached(store, truth)
        dates = store.post_dates()
        now = store.run_date() or datetime.now()
    worst, misses, checked = 0.0, [], 0
    for s in sites:
        got = measure(dates.get(s["domain"], []), now)
        want = float(s["posts_per_30d"])
        for label, value, true in (("posts/30d", got.per_30_days, want),
                                   ("threads/week", got.threads_per_week,
                                    float(s["threads_per_week"])),
                                   ("replies/week", got.replies_per_week,
                                    float(s["replies_per_week"]))):
            error = abs(value - true) / true if true else (0.0 if value == 0 else 1.0)
            worst = max(worst, error)
            checked += 1
            if error > FREQUENCY_TOLERANCE:
                misses.append(f"{s['domain']} {s['rhythm']} {label}: {value} vs {true}")
    print(f"\nposting frequency: {checked} figures of {len(sites)} sites, worst error "
          f"{worst:.1%}, {len(misses)} over {FREQUENCY_TOLERANCE:.0%}")
    for line in misses[:10]:
        print("  ", line)
    assert not misses


def test_second_crawl_is_conditional_and_writes_no_post_twice(
        crawled: Path, sampleweb: SampleWebProcess, tmp_path: Path) -> None:
    db = tmp_path / "again.duckdb"
    shutil.copy(crawled, db)
    with Store.open(db, read_only=True) as store:
        before = store.post_count()
        fed = store.rows("SELECT count(*) AS n FROM feeds WHERE status = 200")[0]["n"]
    crawl_sample_web(sampleweb, db, "--max-age", "0")
    with Store.open(db, read_only=True) as store:
        after = store.post_count()
        feeds = store.rows("SELECT status, new_items FROM feeds"
                           " WHERE run_id = (SELECT max(run_id) FROM runs)")
        twice = store.rows("SELECT count(*) AS n FROM (SELECT domain, key FROM posts"
                           " GROUP BY ALL HAVING count(*) > 1)")[0]["n"]
        seen_again = store.rows("SELECT count(*) AS n FROM posts WHERE last_run > first_run"
                                )[0]["n"]
    unchanged = sum(1 for f in feeds if f["status"] == 304)
    print(f"\nsecond crawl: {unchanged} of {len(feeds)} feeds asked answered 304, posts "
          f"{before} -> {after}")
    assert fed >= 40
    assert after == before and twice == 0
    # Asked with If-None-Match: the sample web's ETag matched.
    assert len(feeds) >= 0.9 * fed and unchanged == len(feeds)
    assert sum(int(f["new_items"]) for f in feeds) == 0
    assert seen_again == 0  # a 304 rewrites nothing


def test_dormant_site_with_a_one_off_post_ranks_below_steady_posters(
        crawled: Path, truth: dict[str, Any]) -> None:
    rhythm = {s["domain"]: s["rhythm"] for s in truth["sites"] if s["kind"] == "blog"
              and s["in_niche"]}
    with Store.open(crawled, read_only=True) as store:
        ranked = store.rows("SELECT rank, domain, breakdown FROM communities ORDER BY rank")
    activity = {r["domain"]: json.loads(r["breakdown"])["activity"] for r in ranked
                if r["domain"] in rhythm}
    rank = {r["domain"]: int(r["rank"]) for r in ranked}
    oneoff = [d for d in activity if rhythm[d] == "oneoff"]
    steady = [d for d in activity if rhythm[d] in ("daily", "weekly")]
    for d in sorted(oneoff + steady, key=lambda d: rank[d]):
        print(f"  {rank[d]:>3} {d:<28} {rhythm[d]:<8} activity {activity[d]['value']:.3f}"
              f"  {activity[d]['raw']}")
    assert oneoff and steady
    assert max(activity[d]["value"] for d in oneoff) < min(activity[d]["value"] for d in steady)
    assert statistics.median(rank[d] for d in oneoff) > statistics.median(rank[d] for d in steady)
    assert min(rank[d] for d in oneoff) > min(rank[d] for d in steady)


def test_newsletters_list_their_own_columns(crawled: Path, truth: dict[str, Any]) -> None:
    from prospector.report.render import SITE_FIELDS, report_data

    letters = [s for s in truth["sites"] if s["newsletter_subscribers"]]
    with Store.open(crawled, read_only=True) as store:
        rows = {r["domain"]: r for r in store.rows(
            "SELECT domain, newsletter_signup, newsletter_subscribers, posts_30d, latest_post"
            " FROM newsletters")}
        data = report_data(store)
    records = {r[SITE_FIELDS.index("domain")]: dict(zip(SITE_FIELDS, r, strict=True))
               for r in data["payload"]["sites"]}
    assert len(letters) >= 2
    for s in letters:
        row = rows[s["domain"]]
        print(f"  {s['domain']:<22} signup {row['newsletter_signup']}, "
              f"{row['newsletter_subscribers']} readers, {row['posts_30d']} issues/30d "
              f"(truth {s['posts_per_30d']}), latest {row['latest_post']}")
        assert row["newsletter_signup"] == s["newsletter_signup"]
        assert row["newsletter_subscribers"] == s["newsletter_subscribers"]
        assert abs(row["posts_30d"] - s["posts_per_30d"]) <= 0.1 * s["posts_per_30d"]
        assert row["latest_post"].isoformat()[:10] == s["latest_feed_post"][:10]
        shown = records[s["domain"]]
        assert shown["subscribers"] == s["newsletter_subscribers"]
        assert shown["signup"] == s["newsletter_signup"] and shown["posts_30d"]
    week = data["week"]
    assert len(week) == 5 and len({i.site for i in week}) == 5
