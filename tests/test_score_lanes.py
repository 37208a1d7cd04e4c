"""The scoring's two lanes (score.background): the graph and the writes in a thread on the
store's connection, relevance, gates and breakdowns in the caller's thread. A failure in
either lane, or a Ctrl-C, leaves the previous scores whole and the store usable; the
site inputs numbered in SQL (Store.score_keys) are the sites' own."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import prospector.score as score
from prospector.score import rescore
from prospector.score.background import Lane, lanes
from prospector.score.table import SITE_INPUTS, site_inputs
from prospector.store.db import Store
from tests.test_score_rescore import _rows
from tests.test_score_scale import _random_store


def _varied(store: Store, seed: int) -> None:
    """Sites' inputs varied (NULLs among them), so that they make many distinct rows."""
    rng = random.Random(seed)
    for (domain,) in store.query("SELECT domain FROM sites")[1]:
        store.con.execute(
            "UPDATE sites SET kind = ?, status = ?, members = ?, posts = ?, comments = ?,"
            " registration_open = ?, latest_date = ?, deal_signals = ?,"
            " newsletter_provider = ? WHERE domain = ?",
            [rng.choice(["blog", "forum", "shop", "other"]), rng.choice(["ok", "ok", "error"]),
             rng.choice([None, 0, 1, 5000]), rng.choice([None, 7]), rng.choice([None, 3]),
             rng.choice([None, True, False]), rng.choice(["", "2024-05-01", "2026-01-02"]),
             rng.choice(["", "advertise", "sponsor, write_for_us"]),
             rng.choice(["", "substack"]), domain])
    # Half the sites on the niche, all with one text: their relevance is exactly 1.0, the
    # others' 0.0 (eligibility keeps it to 4 places, compared below as it is).
    store.con.execute(
        "INSERT INTO pages (url, domain, run_id, status, title, text)"
        " SELECT url, domain, 1, 200, 'Bees', 'beekeeping hives and honey' FROM sites"
        " WHERE hash(domain) % 2 = 0")


@pytest.mark.parametrize("seed", [1, 2])
def test_score_keys_number_each_sites_own_inputs(seed: int) -> None:
    store, _ = _random_store(seed, 300)
    with store:
        _varied(store, seed)
        domains = store.score_domains()
        rows, keys = store.score_keys(SITE_INPUTS)
        columns = ", ".join(SITE_INPUTS)
        own = store.query(f"SELECT {columns} FROM score_sites ORDER BY n")[1]
        assert len(keys) == len(domains) == len(own) == 300
        assert [rows[k] for k in keys.tolist()] == own
        assert len(set(rows)) == len(rows) > 20  # distinct, and many of them
        # The same grouping the Python numbering gives.
        python = site_inputs(("domain", *SITE_INPUTS), [(d, *r) for d, r in
                                                        zip(domains, own, strict=True)])
        assert len(python.rows) == len(rows)
        assert [python.rows[k] for k in python.keys] == own
        with pytest.raises(ValueError, match="not score_sites columns"):
            store.score_keys(["kind", "1; DROP TABLE sites"])


def test_a_rescore_of_varied_inputs_gives_the_per_site_scores() -> None:
    """The breakdowns stored equal score_site's for each site (the lanes and the SQL
    numbering change how they are made, not what)."""
    store, _ = _random_store(3, 200)
    with store:
        _varied(store, 3)
        assert rescore(store) == 200
        stored = store.query("SELECT s.domain, s.jv_breakdown, s.community_breakdown,"
                             " m.bm25, m.pagerank, m.authority, m.inlinks"
                             " FROM scores s JOIN site_metrics m USING (domain)"
                             " ORDER BY s.domain")[1]
        facts = {r["domain"]: r for r in store.rows(
            "SELECT s.*, b.kind AS channel, b.role FROM sites s"
            " LEFT JOIN best_contacts b USING (domain)")}
        groups = store.query("SELECT count(DISTINCT owner_group) FROM site_metrics")[1][0][0]
        relevance = {r[0]: r[1] for r in store.query(
            "SELECT domain, relevance FROM eligibility WHERE relevance IS NOT NULL")[1]}

    assert 0.0 in relevance.values() and 1.0 in relevance.values()
    checked = 0
    for domain, jv, community, bm25, pagerank, authority, inlinks in stored:
        expected = score.score_site({
            **facts[domain], "today": date(2024, 6, 1), "bm25": bm25, "relevance": relevance[domain],
            "pagerank": pagerank, "groups": groups, "hits_authority": authority,
            "inlinks": inlinks}, score.DEFAULT_WEIGHTS)
        assert relevance[domain] in (0.0, 1.0)
        assert json.loads(jv) == json.loads(json.dumps(expected.jv.breakdown)), domain
        assert json.loads(community) == json.loads(
            json.dumps(expected.community.breakdown)), domain
        checked += 1
    assert checked == 200


def _failing(message: str) -> Callable[..., None]:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError(message)
    return broken


@pytest.mark.parametrize("where", ["graph", "scores", "relevance", "gates"])
def test_a_failure_in_either_lane_keeps_the_previous_rows(
        monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """The site graph, metrics and scores are one transaction. The gates (eligibility)
    are their own, written while the graph is made: from the same facts they come out
    the same, so every table compares equal."""
    store, _ = _random_store(5, 150)
    with store:
        assert rescore(store) == 150
        before = _rows(store)
        with monkeypatch.context() as patch:
            if where == "graph":  # in the lane, first job
                patch.setattr(Store, "make_site_graph", _failing("graph broke"))
            elif where == "scores":  # in the lane, behind the graph
                patch.setattr(Store, "write_scores", _failing("scores broke"))
            elif where == "relevance":  # in the caller's thread, while the graph runs
                patch.setattr(score, "_relevance", _failing("relevance broke"))
            else:
                patch.setattr(score, "gate_rows", _failing("gates broke"))
            with pytest.raises(RuntimeError, match=f"{where} broke"):
                rescore(store)
        assert _rows(store) == before
        assert not [t for t in threading.enumerate() if t.name == "prospector-score-lane"]
        assert rescore(store) == 150  # usable after
        assert _rows(store) == before


def test_ctrl_c_while_the_graph_runs_stops_it_and_rolls_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyboardInterrupt in the caller's thread while the lane's statement runs: the
    statement is interrupted, the thread ends, the transaction is rolled back, and the
    file scores again afterwards."""
    db = tmp_path / "lanes.duckdb"
    store, _ = _random_store(7, 150)
    with store:
        store.con.execute(f"ATTACH '{db}' AS f")
        store.con.execute("COPY FROM DATABASE memory TO f")
        store.con.execute("DETACH f")
    with Store.open(db) as store:
        assert rescore(store) == 150
        before = _rows(store)
        started = threading.Event()
        make = Store.make_site_graph

        def slow_graph(self: Store, *args: object) -> None:
            make(self, *args)  # type: ignore[arg-type]
            started.set()
            # A statement long enough to be interrupted in: ≈85 s on one core here,
            # uninterrupted (3·10^8 rows took 2.6 s).
            self.con.execute("SELECT sum(hash(i) % 1000) FROM range(10000000000) t(i)"
                             ).fetchall()

        def interrupted(*_: object) -> None:
            assert started.wait(30)
            time.sleep(0.2)
            raise KeyboardInterrupt

        with monkeypatch.context() as patch:
            patch.setattr(Store, "make_site_graph", slow_graph)
            patch.setattr(score, "_relevance", interrupted)
            begun = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                rescore(store)
            # The interrupt stopped the lane's statement (it alone would run for many
            # seconds on this machine).
            assert time.monotonic() - begun < 20
        assert not [t for t in threading.enumerate() if t.name == "prospector-score-lane"]
        assert _rows(store) == before
        assert rescore(store) == 150
        assert _rows(store) == before


def test_a_lane_runs_jobs_in_order_and_fails_the_later_ones() -> None:
    store = Store.open(":memory:")
    # (the lane's error is raised again on leaving)
    with store, pytest.raises(RuntimeError, match="job broke"), lanes(store) as (lane, other):
            assert other.con is not store.con
            first = lane.submit(lambda: store.con.execute("SELECT 1").fetchall())
            broken = lane.submit(_failing("job broke"))
            later = lane.submit(lambda: "never")
            assert first.result() == [(1,)]
            with pytest.raises(RuntimeError, match="job broke"):
                broken.result()
            with pytest.raises(RuntimeError, match="job broke"):
                later.result()  # not run: it came after a failed one
    assert not [t for t in threading.enumerate() if t.name == "prospector-score-lane"]


def test_a_lane_waits_when_its_queue_is_full() -> None:
    """submit waits while PENDING jobs are queued (the breakdowns waiting behind the graph
    stay bounded)."""
    store = Store.open(":memory:")
    gate = threading.Event()
    with store:
        lane = Lane(store, pending=2)
        lane.submit(gate.wait)  # running
        lane.submit(lambda: None)
        lane.submit(lambda: None)  # queue full now
        done = threading.Event()
        waiting = threading.Thread(target=lambda: (lane.submit(lambda: None), done.set()))
        waiting.start()
        assert not done.wait(0.3)
        gate.set()
        assert done.wait(10)
        waiting.join()
        lane.finish()
