"""No writer of the store merges stored row groups at its checkpoints (issue 23's memory,
store/connection.py skip_row_group_merges): each time the crawl's sink lets go of the
DB, DuckDB checkpoints it, and by default that checkpoint also merged the small row
group the batches made into the ones stored, rewriting them: the more pages stored, the
longer and the larger every release (over a minute at 41,000 pages). Real DuckDB files,
written through the crawl's own opener and sink."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.sink import StoreSink, write_opener
from prospector.models import FetchedPage, PageFacts
from prospector.store.db import Store

BATCHES, PAGES = 3, 40


def _pages(batch: int) -> list[FetchedPage]:
    pages = []
    for i in range(PAGES):
        site = f"bee{batch}-{i}.test"
        url = f"http://{site}/"
        pages.append(FetchedPage(site, url, 200, "text/html", 10,
                                 PageFacts(url=url, domain=site, title="Bees",
                                           text=f"hive {batch} {i} " * 50)))
    return pages


def _row_groups(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info(?)",
                          [table]).fetchone()
    assert row is not None
    return int(row[0])


def _write_released(db: Path, opener: Callable[[float], Store]) -> int:
    """BATCHES writes, the DB let go (checkpointed) after each; the pages stored."""
    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
    sink = StoreSink(opener, run)
    for batch in range(BATCHES):
        for page in _pages(batch):
            sink.add(page)
        sink.flush()
        sink.release()
    with Store.open(db, read_only=True) as store:
        return int(store.query("SELECT count(*) FROM pages")[1][0][0])


def test_the_crawls_checkpoints_leave_stored_row_groups_alone(tmp_path: Path) -> None:
    db = tmp_path / "crawl.duckdb"
    Store.open(db).close()  # created and migrated, as the crawl's start does
    opener = write_opener(db, CrawlSettings(db_path=str(db)))
    with opener(0.0) as store:
        assert store.query("SELECT current_setting('max_vacuum_tasks')")[1][0][0] == 0
    stored = _write_released(db, opener)
    groups = _row_groups(db, "pages")
    # DuckDB's default, a checkpoint after new rows: it merges them with the stored ones
    # (else the figure above would prove nothing).
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO pages (url, domain, run_id, status) VALUES "
                    "('http://one-more.test/', 'one-more.test', 1, 200)")
    merged = _row_groups(db, "pages")
    print(f"pages' row groups after {BATCHES} released writes: {groups}; "
          f"after one more checkpoint with DuckDB's default: {merged}")
    assert stored == BATCHES * PAGES  # nothing lost, nothing twice
    assert groups == BATCHES
    assert merged == 1


def test_a_table_rewritten_whole_does_not_grow(tmp_path: Path) -> None:
    """What the scoring does to its tables (all rows deleted, new ones inserted) leaves
    no dead row group behind without the merges."""
    db = tmp_path / "scores.duckdb"
    Store.open(db).close()
    sizes = []
    for _ in range(4):
        with Store.open(db) as store:
            store.con.execute("DELETE FROM scores")
            store.con.execute("INSERT INTO scores (domain, score, jv_breakdown) "
                              "SELECT 'd' || i || '.test', 1.0, '{}' FROM range(20000) t(i)")
        sizes.append(_row_groups(db, "scores"))
    assert sizes[-1] == sizes[0] == 1
