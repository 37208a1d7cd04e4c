"""The store pipeline's DuckDB connection is bounded, and released sites are written in
the batch of their first pages rather than one transaction each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from prospector.crawl.pipeline import StorePipeline
from prospector.errors import ProspectorError
from prospector.models import Candidate, FetchedPage, PageFacts, SiteDone
from prospector.store.db import Store


def _pipeline(tmp_path: Path, **settings: Any) -> StorePipeline:
    crawler = get_crawler(settings_dict={"PROSPECTOR_DB_PATH": str(tmp_path / "p.duckdb"),
                                         **settings})
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def _settings(pipeline: StorePipeline) -> tuple[str, int]:
    """The limits of the connection the pipeline writes through (opened per batch)."""
    with pipeline.open_store() as store:
        return store.db_limits()


def _stored(tmp_path: Path, sql: str) -> list[dict[str, Any]]:
    """What a reader sees between the pipeline's writes."""
    with Store.open(tmp_path / "p.duckdb", read_only=True) as db:
        return db.rows(sql)


def test_connection_is_bounded_and_configurable(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    limit, threads = _settings(pipeline)
    assert limit.endswith("MiB") and float(limit.split()[0]) < 70 and threads == 1
    pipeline.spider_closed("finished")
    pipeline = _pipeline(tmp_path, PROSPECTOR_DB_MEMORY_LIMIT="256MB", PROSPECTOR_DB_THREADS=2)
    limit, threads = _settings(pipeline)
    assert float(limit.split()[0]) > 200 and threads == 2
    pipeline.spider_closed("finished")
    with pytest.raises(ProspectorError, match="not a memory size"):
        _pipeline(tmp_path, PROSPECTOR_DB_MEMORY_LIMIT="1GB'; DROP TABLE pages; --")


def test_candidates_are_written_with_the_first_batch(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, PROSPECTOR_BATCH_SIZE=2)
    sites = [f"bee{i}.test" for i in range(3)]
    for site in sites:
        pipeline.process_item(Candidate(url=f"http://{site}/", domain=site, source="seed",
                                        why="seed file"))
    assert _stored(tmp_path, "SELECT domain FROM sites") == []  # buffered, not one write each
    url = f"http://{sites[0]}/"
    pipeline.process_item(FetchedPage(sites[0], url, 200, "text/html", 10,
                                      PageFacts(url=url, domain=sites[0])))
    url2 = f"http://{sites[1]}/"
    pipeline.process_item(FetchedPage(sites[1], url2, 200, "text/html", 10,
                                      PageFacts(url=url2, domain=sites[1])))
    # The batch is full: the sites are written first, then their pages.
    assert {r["domain"] for r in _stored(tmp_path, "SELECT domain FROM sites")} == set(sites)
    assert len(_stored(tmp_path, "SELECT url FROM pages")) == 2
    late = "bee9.test"
    pipeline.process_item(Candidate(url=f"http://{late}/", domain=late, source="link",
                                        why="linked"))
    pipeline.process_item(SiteDone(late))
    pipeline.spider_closed("finished")
    with Store.open(tmp_path / "p.duckdb", read_only=True) as db:
        assert {r["domain"] for r in db.rows("SELECT domain FROM sites")} == {*sites, late}
