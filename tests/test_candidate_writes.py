"""A flush's candidates (issue 23): their site rows and this run's discoveries, written by
lookup and appender, are the rows the ON CONFLICT upserts they replace stored."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from prospector.models import Candidate
from prospector.store import batch
from prospector.store.db import Store

_SITE_COLUMNS = ("domain, url, source, why, status, first_run, last_run, first_seen, last_seen,"
                 " distance, via")
_DISCOVERY_COLUMNS = "run_id, domain, url, source, why, rank, distance, via"
# The statements _upsert_candidates made before (kept as the reference it must agree with).
_SITES_UPSERT = (f"INSERT INTO sites ({_SITE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                 " ON CONFLICT (domain) DO UPDATE SET last_run = excluded.last_run,"
                 " last_seen = excluded.last_seen, url = excluded.url")
_DISCOVERIES_UPSERT = (f"INSERT INTO discoveries ({_DISCOVERY_COLUMNS})"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")


def _reference(store: Store, run: int, candidates: list[Candidate], stamp: datetime) -> None:
    store.con.execute("BEGIN TRANSACTION")
    for c in batch._unique(candidates):
        store.con.execute(_SITES_UPSERT, [c.domain, c.url, c.source, c.why, "queued", run, run,
                                          stamp, stamp, c.distance, c.via])
        store.con.execute(_DISCOVERIES_UPSERT, [run, c.domain, c.url, c.source, c.why, c.rank,
                                                c.distance, c.via])
    store.con.execute("COMMIT")


def _random_flushes(seed: int) -> list[tuple[int, list[Candidate]]]:
    """Flushes over a few runs whose sites recur: found again at another URL, by another
    source, twice in one flush, in a later run."""
    rnd = random.Random(seed)
    flushes = []
    for run in (1, 1, 2, 2, 2, 3):
        flushes.append((run, [
            Candidate(f"http://s{n}.test/{rnd.randint(0, 3)}", f"s{n}.test",
                      why=f"why {rnd.randint(0, 9)}", source=rnd.choice(("seed", "search", "link")),
                      rank=rnd.randint(0, 9), distance=rnd.randint(0, 2),
                      via=rnd.choice(("", "hub.test")))
            for n in (rnd.randint(0, 9) for _ in range(rnd.randint(1, 8)))]))
    return flushes


@pytest.mark.parametrize("seed", range(10))
def test_candidates_match_the_plain_upserts(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = Store.open(":memory:"), Store.open(":memory:")
    for store in (fast, reference):
        for _ in range(3):
            store.start_run("beekeeping", "{}")
    start = datetime(2026, 12, 6, 10, 0, 0)
    for n, (run, candidates) in enumerate(_random_flushes(seed)):
        stamp = start + timedelta(minutes=n)
        monkeypatch.setattr(batch, "now", lambda stamp=stamp: stamp)
        fast.add_candidates(run, candidates)
        _reference(reference, run, candidates, stamp)
    for table, order in (("sites", "domain"), ("discoveries", "run_id, domain")):
        sql = f"SELECT * FROM {table} ORDER BY {order}"
        assert fast.query(sql) == reference.query(sql), table
    assert fast.query("SELECT count(*) FROM sites WHERE first_seen < last_seen")[1][0][0] > 0
