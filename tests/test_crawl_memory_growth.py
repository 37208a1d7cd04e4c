"""What the crawl process keeps must not grow with the pages crawled (issue 23, memory):
the claimed URLs go with their site, robots.txt parsers are kept for recent hosts only,
the domain memo is keyed by host, and the write path looks keys up by index rather than
by reading every row group of a table the crawl left in one row group a write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from twisted.internet.defer import Deferred

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.middlewares.recent import RecentParsers
from prospector.crawl.sink import WRITE_BATCHES, StoreSink, write_opener
from prospector.crawl.spider import domain_of
from prospector.crawl.state import LocalState
from prospector.discover.frontier import Frontier
from prospector.models import Candidate, Contact, FetchedPage, PageFacts, SiteDone
from prospector.store.batch import BatchWrites
from prospector.store.connection import INDEX_SCAN_KEYS, keys_in, skip_row_group_merges
from prospector.store.db import Store
from prospector.urls import registered_domain


def _state(*domains: str) -> LocalState:
    state = LocalState(Frontier(max_sites=10, max_distance=3))
    for domain in domains:
        state.push(Candidate(f"http://{domain}/", domain, "seed", "seed"), 10.0, 0)
    return state


def test_claimed_urls_go_with_their_site() -> None:
    state = _state("a.test", "b.test")
    assert {c.domain for c, _ in state.refill(2)} == {"a.test", "b.test"}
    start = state.begin_page("a.test", "http://a.test/", 1.0,
                             ["http://a.test/x", "http://a.test/x", "http://a.test/y"], 10)
    assert start.follow == ["http://a.test/x", "http://a.test/y"]
    # Claimed once: asked again from another page of the site, nothing is followed.
    assert not state.end_page("a.test", [], 2).done
    again = state.begin_page("a.test", "http://a.test/x", 1.0,
                             ["http://a.test/", "http://a.test/y", "http://a.test/z"], 10)
    assert again.follow == ["http://a.test/z"]
    for _ in range(2):
        assert not state.end_page("a.test", [], 2).done
    assert "a.test" in state._claimed
    assert state.end_page("a.test", [], 2).done
    # The finished site's URLs are let go; the site still in flight keeps its own.
    assert "a.test" not in state._claimed
    assert "b.test" in state._claimed


def test_recent_parsers_evict_the_oldest_host_not_one_being_fetched() -> None:
    parsers = RecentParsers(limit=3)
    fetching: Deferred[None] = Deferred()
    parsers["a:80"] = fetching
    parsers["b:80"] = "parser b"
    parsers["c:80"] = "parser c"
    parsers["d:80"] = "parser d"
    assert list(parsers) == ["a:80", "c:80", "d:80"]  # b went, a is still being fetched
    parsers["a:80"] = "parser a"  # its robots.txt came: replaced in place, nothing evicted
    assert list(parsers) == ["a:80", "c:80", "d:80"]
    parsers["e:80"] = None  # (no robots.txt: None, as Scrapy stores it)
    assert list(parsers) == ["c:80", "d:80", "e:80"]


@pytest.mark.parametrize("url", [
    "http://www.bee-forum.test/x?y=1", "https://Shop.Example.co.uk:8443/a", "http://127.0.0.1/",
    "http://bee.test./", "http://xn--bcher-kva.test/p", "http://bücher.test/p", "not a url", "",
])
def test_domain_of_is_registered_domain(url: str) -> None:
    assert domain_of(url) == registered_domain(url)


def test_domain_memo_holds_a_host_not_a_url() -> None:
    registered_domain.cache_clear()
    for page in range(200):
        assert domain_of(f"http://www.bees.test/topic/{page}") == "bees.test"
    assert registered_domain.cache_info().currsize == 1


def _scan(con: duckdb.DuckDBPyConnection, keys: list[str]) -> tuple[str, str]:
    """(scan type, row groups read) of a lookup of `keys` on the key of `sites`."""
    where, params = keys_in("domain", keys)
    plan = con.execute("EXPLAIN ANALYZE SELECT domain FROM sites WHERE " + where,
                       params).fetchall()[0][1]
    # The plan's boxes: the first box of each line is the table scan's.
    cells = [line.strip("│ ").split("│")[0].strip() for line in plan.splitlines()]
    kind = next(cell for cell in cells if cell.startswith("Type:"))
    groups = next(cell for cell in cells if cell.startswith("Row Groups Scanned:"))
    return kind.split(":", 1)[1].strip(), groups.split(":", 1)[1].strip()


def test_key_lookups_read_the_index_not_every_row_group(tmp_path: Path) -> None:
    db = str(tmp_path / "k.duckdb")
    with duckdb.connect(db) as con:
        con.execute("CREATE TABLE sites (domain VARCHAR PRIMARY KEY, url VARCHAR)")
    # A row group a write, as the crawl leaves its tables (skip_row_group_merges).
    for group in range(6):
        with duckdb.connect(db) as con:
            assert skip_row_group_merges(con)
            con.executemany("INSERT INTO sites VALUES (?, ?)",
                            [(f"{(group * 7919 + i) % 1000:03d}-{group}.test", "u")
                             for i in range(80)])
    with duckdb.connect(db, read_only=True) as con:
        groups = con.execute("SELECT count(DISTINCT row_group_id) "
                             "FROM pragma_storage_info('sites')").fetchone()
        assert groups == (6,)
        # More keys than DuckDB turns a join's into a filter (dynamic_or_filter_threshold,
        # 50): the unnest form then reads every row group.
        wanted = [f"{(3 * 7919 + i) % 1000:03d}-3.test" for i in range(60)]
        assert _scan(con, wanted) == ("Index Scan", "0 / 6")
        where, params = keys_in("domain", wanted)
        found = con.execute("SELECT domain FROM sites WHERE " + where, params).fetchall()
        assert sorted(d for (d,) in found) == sorted(wanted)
        # More keys than an index scan is tried for: the one-parameter form.
        many = [f"x{i}" for i in range(INDEX_SCAN_KEYS + 1)]
        assert keys_in("domain", many) == ("domain IN (SELECT unnest(?::VARCHAR[]))", [many])
        assert _scan(con, many)[0] == "Sequential Scan"


def test_the_sink_keeps_what_the_write_path_knows_across_reopens(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site's contact, on pages written in two holds of the file: the second write
    knows it is stored, so it is not taken for new, refused by its key and written again
    after a lookup that reads every row group of `pages` and `contacts`."""
    db = tmp_path / "p.duckdb"
    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
    sink = StoreSink(write_opener(db, CrawlSettings(db_path=str(db))), run)
    modes: list[str] = []
    write = BatchWrites._write_batch

    def spy(self: BatchWrites, run_id: int, by_url: dict[str, FetchedPage], mode: str,
            *rest: Any) -> None:
        modes.append(mode)
        write(self, run_id, by_url, mode, *rest)

    monkeypatch.setattr(BatchWrites, "_write_batch", spy)
    contact = Contact("email", "bees@bee.test", "http://bee.test/")
    for n in range(2):
        url = f"http://bee.test/{n}"
        sink.add(FetchedPage("bee.test", url, 200, "text/html", 10,
                             PageFacts(url=url, domain="bee.test", contacts=(contact,))))
        sink.flush()
        sink.release()  # the next write opens the file again
    assert modes == ["guess", "guess"]
    with Store.open(db, read_only=True) as store:
        assert store.rows("SELECT value FROM contacts") == [{"value": "bees@bee.test"}]
        assert len(store.rows("SELECT url FROM pages")) == 2


def _bee_pages(sink: StoreSink, n: int) -> None:
    sink.add(Candidate("http://bee.test/", "bee.test", "seed", "seed"))
    for i in range(n):
        url = f"http://bee.test/{i}"
        sink.add(FetchedPage("bee.test", url, 200, "text/html", 10,
                             PageFacts(url=url, domain="bee.test")))
    sink.add(SiteDone("bee.test"))


def _crawled(db: Path) -> tuple[int, bool]:
    with Store.open(db, read_only=True) as store:
        pages = len(store.rows("SELECT url FROM pages"))
        site = store.rows("SELECT crawled_at FROM sites WHERE domain = 'bee.test'")
        return pages, site[0]["crawled_at"] is not None


MOST = WRITE_BATCHES * 2  # the pages a write takes at most, with batches of 2 pages


@pytest.mark.parametrize(("pages", "first"), [
    (MOST + 4, MOST),  # more than a write takes, less than twice that: capped
    (2 * MOST + 1, 2 * MOST + 1),  # more than twice: written whole
    (MOST, MOST),
])
def test_a_write_takes_at_most_its_batches_and_marks_a_site_with_its_last_page(
        tmp_path: Path, pages: int, first: int) -> None:
    """Batches of 2 pages: a write takes WRITE_BATCHES batches, unless more than twice
    that is buffered; the site is marked crawled in the write of its last page."""
    assert WRITE_BATCHES >= 2
    db = tmp_path / "p.duckdb"
    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
    sink = StoreSink(write_opener(db, CrawlSettings(db_path=str(db), batch_size=2)), run)
    _bee_pages(sink, pages)
    assert sink.flush()
    sink.release()
    assert _crawled(db) == (first, first == pages)
    assert len(sink) == pages - first
    sink.close("finished")
    assert _crawled(db) == (pages, True)
