"""Real crawls of the sample web on loopback, through the real CLI in a subprocess.
Stored contacts are compared with the sample web's ground truth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.conftest import REPO, run_cli

pytestmark = pytest.mark.crawl

# Floors for the skeleton crawl, measured on the sample web and kept a little below.
PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.95
COVERAGE_FLOOR = 0.9


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crawl") / "bees.duckdb"
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--search", sampleweb.url,
                     "--backend", "sampleweb",
                     "--proxy", sampleweb.url, "--fast")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    print(result.stdout.strip())
    return db


def _emails_by_site(db: Path) -> dict[str, set[str]]:
    with Store.open(db, read_only=True) as store:
        rows = store.rows("SELECT domain, value FROM contacts WHERE kind = 'email'")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["domain"], set()).add(row["value"])
    return found


def test_contacts_match_ground_truth(crawled: Path, truth: dict[str, Any]) -> None:
    sites = {s["domain"]: s for s in truth["sites"]}
    with Store.open(crawled, read_only=True) as store:
        crawled_ok = {r["domain"] for r in store.rows("SELECT domain FROM sites WHERE status = 'ok'")}
    found = _emails_by_site(crawled)
    true_positive = false_positive = expected_total = 0
    wrong: list[str] = []
    for domain in crawled_ok:
        expected = set(sites[domain]["emails"]) if domain in sites else set()
        got = found.get(domain, set())
        true_positive += len(got & expected)
        false_positive += len(got - expected)
        expected_total += len(expected)
        wrong += [f"{domain}: {e}" for e in sorted(got - expected)]
    decoys = {d for s in truth["sites"] for d in s["decoys"]}
    taken_decoys = {e for emails in found.values() for e in emails} & decoys
    precision = true_positive / max(1, true_positive + false_positive)
    recall = true_positive / max(1, expected_total)
    print(f"crawl contacts: precision={precision:.3f} recall={recall:.3f} "
          f"({true_positive} right, {false_positive} wrong, {expected_total} expected "
          f"over {len(crawled_ok)} crawled sites)")
    assert not taken_decoys
    assert precision >= PRECISION_FLOOR, wrong
    assert recall >= RECALL_FLOOR


def test_discovery_recall_and_focus(crawled: Path, truth: dict[str, Any]) -> None:
    """Issue 3's floors, on the default budgets: the niche found, including sites only
    links lead to, and few off-topic sites crawled."""
    # The link farm (issue 5) is on topic by its words and worthless by design: its sites
    # count neither as niche sites to find nor as off-topic, and not in the crawled total.
    farm = {s["domain"] for s in truth["sites"] if s["kind"] == "linkfarm"}
    real = [s for s in truth["sites"] if s["domain"] not in farm]
    niche = {s["domain"] for s in real if s["in_niche"]}
    link_only = {s["domain"] for s in real if s["in_niche"] and s["link_only"]}
    offtopic = {s["domain"] for s in real if not s["in_niche"]}
    with Store.open(crawled, read_only=True) as store:
        stored = {r["domain"] for r in store.rows("SELECT domain FROM sites")} - farm
        linked = store.rows("SELECT domain, why, via, distance FROM sites WHERE source = 'link'")
    recall = len(stored & niche) / len(niche)
    link_recall = len(stored & link_only) / len(link_only)
    off_share = len(stored & offtopic) / len(stored)
    print(f"discovery: in-niche recall={recall:.3f} ({len(stored & niche)}/{len(niche)}), "
          f"link-only recall={link_recall:.3f} ({len(stored & link_only)}/{len(link_only)}), "
          f"off-topic share={off_share:.3f} ({len(stored & offtopic)}/{len(stored)})")
    assert recall >= 0.95
    assert link_recall >= 0.90
    assert off_share <= 0.15
    # Every site found through a link says which site and anchor led to it.
    assert linked and all(r["via"] and r["why"].startswith("linked from ") and r["distance"] >= 1
                          for r in linked)


def test_kind_and_platform_match_truth(crawled: Path, truth: dict[str, Any]) -> None:
    sites = {s["domain"]: s for s in truth["sites"]}
    with Store.open(crawled, read_only=True) as store:
        rows = store.rows("SELECT domain, kind, platform FROM sites WHERE status = 'ok'")
    judged = [r for r in rows if r["domain"] in sites and sites[r["domain"]]["platform"] != "none"]
    platform_ok = sum(r["platform"] == sites[r["domain"]]["platform"] for r in judged)
    print(f"platform accuracy: {platform_ok}/{len(judged)}")
    assert platform_ok / max(1, len(judged)) >= 0.9
    kinds = ("forum", "blog", "newsletter", "shop")
    judged = [r for r in rows if r["domain"] in sites and sites[r["domain"]]["kind"] in kinds]
    kind_ok = sum(r["kind"] == sites[r["domain"]]["kind"] for r in judged)
    print(f"kind accuracy: {kind_ok}/{len(judged)}")
    assert kind_ok / max(1, len(judged)) >= 0.9


def test_robots_disallow_all_site_is_not_fetched(crawled: Path, truth: dict[str, Any]) -> None:
    blocked = [s["domain"] for s in truth["sites"] if s["robots_disallow_all"]]
    assert blocked
    with Store.open(crawled, read_only=True) as store:
        pages = store.rows("SELECT url, status, error FROM pages WHERE domain = ?", [blocked[0]])
    # The site was reached (released and asked for), and refused by its robots.txt: a
    # site the crawl never got to would pass a test that only looks for fetched pages.
    assert pages, f"{blocked[0]} was never reached"
    assert all(not 200 <= int(p["status"] or 0) < 300 for p in pages), pages
    assert any("robots" in str(p["error"] or "").lower() for p in pages), pages


def test_run_is_recorded(crawled: Path) -> None:
    with Store.open(crawled, read_only=True) as store:
        run = store.rows("SELECT * FROM runs")[0]
        pages = store.rows("SELECT max(n) AS most FROM (SELECT count(*) AS n FROM pages GROUP BY domain)")
    assert run["status"] == "done" and run["finished_at"] is not None
    assert run["sites"] > 0 and run["pages"] > run["sites"] and run["contacts"] > 0
    assert pages[0]["most"] <= 6  # the per-site budget


def test_sql_count_prints_a_number(crawled: Path) -> None:
    result = run_cli("sql", "select count(*) from contacts", "--db", str(crawled))
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.splitlines()[-1].strip()) > 0


def test_report_lists_niche_sites_with_contacts(crawled: Path, truth: dict[str, Any],
                                                tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run_cli("report", "--db", str(crawled), "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text("utf-8")
    found = _emails_by_site(crawled)
    listed = [d for d, emails in found.items() if emails]
    assert listed
    for domain in listed:
        assert f'data-domain="{domain}"' in html
        for email in found[domain]:
            assert email in html


def test_scrapy_crawl_through_scrapy_cfg(sampleweb: SampleWebProcess, tmp_path: Path) -> None:
    db = tmp_path / "scrapy.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "prospect",
         "-a", "keyword=beekeeping", "-a", f"search={sampleweb.url}", "-a", "max_sites=5",
         "-s", f"PROSPECTOR_DB_PATH={db}", "-s", f"PROSPECTOR_PROXY={sampleweb.url}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with Store.open(db, read_only=True) as store:
        assert store.query("SELECT count(*) FROM sites")[1][0][0] == 5
        assert store.query("SELECT count(*) FROM pages")[1][0][0] >= 5
        assert store.rows("SELECT status FROM runs")[0]["status"] == "done"


def test_demo_command(tmp_path: Path) -> None:
    db, out = tmp_path / "demo.duckdb", tmp_path / "demo.html"
    result = run_cli("demo", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == str(out) and out.exists()
    assert "sites" in lines[-1] and "contacts" in lines[-1] and "top prospect" in lines[-1]


def test_queries_are_recorded_and_a_rerun_spends_no_quota(
        crawled: Path, sampleweb: SampleWebProcess, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "again.duckdb"
    shutil.copy(crawled, db)
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--search", sampleweb.url,
                     "--backend", "sampleweb",
                     "--proxy", sampleweb.url, "--fast", "--max-sites", "3")
    assert result.returncode == 0, result.stderr[-3000:]
    with Store.open(db, read_only=True) as store:
        asked = store.rows("SELECT run_id, bool_and(cached) AS all_cached, count(*) AS n,"
                           " count(DISTINCT query) AS queries FROM search_queries GROUP BY run_id"
                           " ORDER BY run_id")
        runs = store.rows("SELECT run_id, status FROM runs ORDER BY run_id")
    print(f"search queries: {asked}")
    assert [r["run_id"] for r in asked] == [1, 2]
    assert not asked[0]["all_cached"] and asked[0]["queries"] >= 10
    assert asked[1]["all_cached"]
    assert [r["status"] for r in runs] == ["done", "done"]


def test_bad_config_file_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "p.toml"
    config.write_text("[budgets]\nmax_sites = 'lots'\n")
    result = run_cli("crawl", "beekeeping", "--db", str(tmp_path / "p.duckdb"),
                     "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "wrong type" in result.stderr
