"""Only real prospects are ranked (issue 24): the gates as a table, then one real crawl of
the sample web through the CLI: no ranked row is unreachable, off-topic, infrastructure or
(JV, newsletters) without a channel of its own; the not-ranked counts match the truth;
NDCG@10 of both lists stays at 0.95 or more."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from prospector.extract.vocab.infrastructure import infrastructure_kind
from prospector.sampleweb.proc import SampleWebProcess
from prospector.score.eligibility import DEFAULT_RELEVANCE_FLOOR, gate, relevance_floor
from prospector.store.db import Store
from tests.conftest import run_cli
from tests.test_score_crawl import ndcg

NDCG_FLOOR = 0.95
LISTS = ("jv_partners", "communities", "newsletters")
GENERAL = ("unreachable", "off-topic", "infrastructure")


def crawl_sample_web(sampleweb: SampleWebProcess, folder: Path) -> Path:
    """One crawl of the sample web through the CLI, as a user runs it; its DB."""
    db = folder / "bees.duckdb"
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--search", sampleweb.url,
                     "--backend", "sampleweb", "--proxy", sampleweb.url, "--fast",
                     "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    return db


@pytest.mark.parametrize(("domain", "url", "status", "relevance", "reason"), [
    ("bees.test", "http://bees.test/", "ok", 0.9, ""),
    ("bees.test", "http://bees.test/", "error", 0.9, "unreachable"),
    ("bees.test", "http://bees.test/", "queued", 0.0, "unreachable"),
    ("cars.test", "http://cars.test/", "ok", 0.05, "off-topic"),
    ("cars.test", "http://cars.test/", "ok", DEFAULT_RELEVANCE_FLOOR, ""),  # at the floor
    ("statcounter.com", "https://statcounter.com/", "ok", 0.9, "infrastructure"),
    ("githubusercontent.com", "https://raw.githubusercontent.com/a/b", "error", 0.0,
     "infrastructure"),  # infrastructure first: it is never a prospect, fetched or not
    ("springer.com", "https://link.springer.com/x", "ok", 0.9, "infrastructure"),
    ("google.de", "https://www.google.de/", "ok", 0.9, "infrastructure"),  # tracker list
    ("bbc.co.uk", "https://www.bbc.co.uk/", "ok", 0.9, "infrastructure"),  # popular site
    ("foo.wordpress.com", "https://foo.wordpress.com/", "ok", 0.9, ""),  # a user's blog
])
def test_gate(domain: str, url: str, status: str, relevance: float, reason: str) -> None:
    assert gate(domain, url, status, relevance, DEFAULT_RELEVANCE_FLOOR)[0] == reason


@pytest.mark.parametrize(("config", "floor"), [
    ('{"relevance_floor": 0.35}', 0.35), ("{}", DEFAULT_RELEVANCE_FLOOR),
    ("not json", DEFAULT_RELEVANCE_FLOOR), ('{"relevance_floor": true}', DEFAULT_RELEVANCE_FLOOR),
    (None, DEFAULT_RELEVANCE_FLOOR)])
def test_relevance_floor_from_the_runs_config(config: str | None, floor: float) -> None:
    assert relevance_floor(config) == floor


def test_infrastructure_sources() -> None:
    # The bundled snapshot (WhoTracks.Me) and the hand lists both answer.
    assert infrastructure_kind("quantserve.com").startswith("tracker")
    assert infrastructure_kind("youtube.com") == "platform"
    assert infrastructure_kind("utteranc.es") == "widget"
    assert infrastructure_kind("t.me") == "messenger"
    assert infrastructure_kind("nectar-blog.test") == ""


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl_sample_web(sampleweb, tmp_path_factory.mktemp("eligibility"))


def _rows(db: Path, sql: str) -> list[dict[str, Any]]:
    with Store.open(db, read_only=True) as store:
        return store.rows(sql)


def test_no_ranked_row_is_a_non_prospect(crawled: Path, truth: dict[str, Any]) -> None:
    sites = {s["domain"]: s for s in truth["sites"]}
    for view in LISTS:
        rows = _rows(crawled, f"SELECT domain, unranked_reason, contacts FROM {view}")
        bad = [r["domain"] for r in rows if r["unranked_reason"]
               or r["domain"] not in sites  # infrastructure: no site of the sample web
               or sites[r["domain"]]["rank_reason"]
               or (view != "communities" and not sites[r["domain"]]["own_channel"])]
        print(f"{view}: {len(rows)} ranked rows, {len(bad)} unreachable, off-topic, "
              f"infrastructure or without a channel")
        assert rows and not bad, (view, bad)


def _expected(truth: dict[str, Any], crawled_domains: set[str], kinds: dict[str, str]
              ) -> dict[str, Counter[str]]:
    """Per list, the not-ranked counts the truth gives for what the crawl discovered."""
    sites = [s for s in truth["sites"] if s["domain"] in crawled_domains]
    general = Counter(s["rank_reason"] for s in sites if s["rank_reason"])
    general["infrastructure"] = len(truth["infrastructure"])
    out = {view: Counter(general) for view in LISTS}
    for s in sites:
        if s["rank_reason"] or s["own_channel"]:
            continue
        kind = kinds[s["domain"]]
        if kind != "forum":
            out["jv_partners"]["no channel"] += 1
        if kind == "newsletter":
            out["newsletters"]["no channel"] += 1
    return out


def test_not_ranked_counts_match_the_truth(crawled: Path, truth: dict[str, Any]) -> None:
    kinds = {r["domain"]: r["kind"] for r in _rows(crawled, "SELECT domain, kind FROM sites")}
    expected = _expected(truth, set(kinds), kinds)
    found: dict[str, Counter[str]] = {view: Counter() for view in LISTS}
    for r in _rows(crawled, "SELECT list, reason, count(*) AS n FROM not_ranked GROUP BY ALL"):
        found[r["list"]][r["reason"]] = r["n"]
    for view in LISTS:
        print(f"{view} not ranked: found {dict(sorted(found[view].items()))}, "
              f"truth {dict(sorted(expected[view].items()))}")
    assert found == expected
    assert all(found[view][reason] > 0 for view in LISTS for reason in GENERAL)
    assert found["jv_partners"]["no channel"] > 0


@pytest.mark.parametrize(("view", "grade"), [("jv_partners", "partner_grade"),
                                             ("communities", "community_grade")])
def test_ndcg_at_10_stays_high(crawled: Path, truth: dict[str, Any], view: str,
                               grade: str) -> None:
    sites = {s["domain"]: s for s in truth["sites"]}
    ranked = _rows(crawled, f"SELECT domain FROM {view} ORDER BY rank")
    value = ndcg([sites[r["domain"]][grade] if r["domain"] in sites else 0 for r in ranked],
                 [s[grade] for s in truth["sites"]])
    print(f"{view}: NDCG@10 = {value:.3f} with only real prospects ranked")
    assert value >= NDCG_FLOOR


@pytest.mark.parametrize(("domain", "source", "distance", "taken"), [
    ("statcounter.com", "link", 1, False),  # linked infrastructure: never crawled
    ("unsplash.com", "search", 0, False),  # a search result is not a choice
    ("statcounter.com", "seed", 0, True),  # the user named it: crawled
    ("bees.test", "link", 1, True),
])
def test_infrastructure_is_crawled_only_when_named(domain: str, source: str, distance: int,
                                                   taken: bool) -> None:
    from prospector.discover.frontier import Frontier
    from prospector.models import Candidate

    frontier = Frontier(max_sites=10)
    candidate = Candidate(f"https://{domain}/", domain, why="test", source=source)
    assert frontier.push(candidate, 1.0, distance) == taken


def test_the_crawl_never_fetched_infrastructure(crawled: Path, truth: dict[str, Any]) -> None:
    fetched = {r["domain"] for r in _rows(crawled, "SELECT DISTINCT domain FROM pages")}
    linked = set(truth["infrastructure"])
    print(f"infrastructure linked from the sample web: {len(linked)} domains, fetched: "
          f"{sorted(fetched & linked)}")
    assert linked and not fetched & linked
