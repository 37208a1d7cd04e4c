"""When the crawl's sink writes (issue 23): it gathers quick batches up to
COALESCE_BATCHES while its last write is under flush_seconds old, leaves a just-released
file alone for a moment so waiting readers get in, and a held file's open waits by the
clock. Real DuckDB files; the holder of a file is a real second process."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from prospector.config.scrapy import CrawlSettings
from prospector.crawl import sink as sink_module
from prospector.crawl.sink import COALESCE_BATCHES, REOPEN_GAP_SECONDS, StoreSink, write_opener
from prospector.errors import LockedError
from prospector.models import FetchedPage, PageFacts
from prospector.store import connection
from prospector.store.db import Store

REPO = Path(__file__).resolve().parents[1]


def _page(i: int) -> FetchedPage:
    url = f"http://bee{i}.test/"
    return FetchedPage(f"bee{i}.test", url, 200, "text/html", 10,
                       PageFacts(url=url, domain=f"bee{i}.test", title="Bees"))


def _stored(db: Path) -> int:
    with Store.open(db, read_only=True) as store:
        return int(store.query("SELECT count(*) FROM pages")[1][0][0])


def _sink(tmp_path: Path, batch: int, flush_seconds: float) -> tuple[StoreSink, Path]:
    db = tmp_path / "p.duckdb"
    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
    job = CrawlSettings(db_path=str(db), batch_size=batch, flush_seconds=flush_seconds)
    return StoreSink(write_opener(db, job), run), db


def test_quick_batches_are_gathered_until_flush_seconds(tmp_path: Path) -> None:
    sink, db = _sink(tmp_path, batch=2, flush_seconds=60.0)
    n = 0
    for n in range(2):
        sink.add(_page(n))
    assert sink.flush(wait=False)  # the first batch is written at once
    sink.release()
    for n in range(2, 2 + COALESCE_BATCHES * 2 - 1):
        sink.add(_page(n))
        time.sleep(REOPEN_GAP_SECONDS)  # not the reopen gap that holds it back
        assert not sink.flush(wait=False), f"written at {len(sink)} pages"
    assert _stored(db) == 2 and len(sink) == COALESCE_BATCHES * 2 - 1
    sink.add(_page(n + 1))  # COALESCE_BATCHES full batches: written
    assert sink.flush(wait=False)
    sink.release()
    assert _stored(db) == 2 + COALESCE_BATCHES * 2 and len(sink) == 0
    sink.add(_page(100))
    assert sink.flush(wait=True)  # a forced write (a full buffer, the run's end) is never held
    sink.close("done")
    assert _stored(db) == 3 + COALESCE_BATCHES * 2


def test_a_write_flush_seconds_after_the_last_one_happens(tmp_path: Path) -> None:
    sink, db = _sink(tmp_path, batch=200, flush_seconds=0.3)
    sink.add(_page(0))
    assert sink.flush(wait=False)
    sink.add(_page(1))
    assert not sink.flush(wait=False)  # one page, the last write just now
    time.sleep(0.35)
    assert sink.flush(wait=False)
    sink.close("done")
    assert _stored(db) == 2


def test_a_released_file_is_left_to_readers_for_a_moment(tmp_path: Path) -> None:
    sink, db = _sink(tmp_path, batch=1, flush_seconds=0.0)
    sink.add(_page(0))
    assert sink.flush(wait=False)
    sink.release()
    sink.add(_page(1))
    assert not sink.flush(wait=False)  # inside the gap: buffered, tried again later
    time.sleep(REOPEN_GAP_SECONDS)
    assert sink.flush(wait=False)
    sink.release()
    sink.add(_page(2))
    started = time.monotonic()
    assert sink.flush(wait=True)  # a forced write waits out the gap
    assert time.monotonic() - started >= REOPEN_GAP_SECONDS * 0.9
    sink.close("done")
    assert _stored(db) == 3


def test_the_gap_lets_a_polling_reader_in() -> None:
    """A reader polling every LOCK_RETRY_SECONDS tries at least twice inside the gap."""
    assert REOPEN_GAP_SECONDS >= 2 * connection.LOCK_RETRY_SECONDS


@pytest.fixture
def held_db(tmp_path: Path) -> Iterator[Path]:
    """A DB file another process holds open for writing."""
    path = tmp_path / "held.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]);"
         " print('ok', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        yield path
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_a_held_file_is_waited_for_by_the_clock(held_db: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Each attempt on the held file is made slow (the real DuckDB call, 0.2 s later): the
    wait still ends on time, where counting only the sleeps between attempts made a
    0.6 s wait last 12 attempts (≈ 3 s)."""
    real_connect = duckdb.connect

    def slow_connect(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        time.sleep(0.2)
        return real_connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(duckdb, "connect", slow_connect)  # the module connection.py calls
    started = time.monotonic()
    with pytest.raises(LockedError, match="in use"):
        connection.connect(str(held_db), read_only=True, wait=0.6)
    took = time.monotonic() - started
    print(f"a 0.6 s wait for a held file, 0.2 s an attempt, took {took:.2f} s")
    assert 0.6 <= took < 1.2


def test_each_write_logs_what_bench_batches_reads(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """bench/batches.py learns a real crawl's batch sizes from this INFO line."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from batches import FLUSH
    finally:
        sys.path.remove(str(REPO / "bench"))
    sink, _ = _sink(tmp_path, batch=2, flush_seconds=0.0)
    for n in range(3):
        sink.add(_page(n))
    with caplog.at_level(logging.INFO, logger=sink_module.__name__):
        sink.close("done")
    found = [FLUSH.search(r.getMessage()) for r in caplog.records]
    assert [int(m.group(1)) for m in found if m] == [3]
