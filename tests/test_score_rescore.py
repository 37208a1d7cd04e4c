"""A re-score (issue 23): the score tables, full from the last scoring, are emptied by
dropping and making them again from their own DDL (store.scoring.empty_table) rather
than by DELETE. Their definitions (primary keys, NOT NULLs, defaults) stay as the
migrations made them, the rows come out the same, and a scoring that fails half-way
leaves the previous rows whole."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from prospector.score import rescore
from prospector.store.db import Store
from tests.test_score_scale import _random_store

TABLES = ("site_links", "site_metrics", "scores", "eligibility")


def _definitions(store: Store) -> list[tuple[object, ...]]:
    return store.query(
        "SELECT table_name, sql FROM duckdb_tables() WHERE table_name IN"
        " (SELECT unnest(?::VARCHAR[])) ORDER BY table_name", [list(TABLES)])[1] + store.query(
        "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints()"
        " WHERE table_name IN (SELECT unnest(?::VARCHAR[])) ORDER BY ALL", [list(TABLES)])[1]


def _rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY ALL")[1] for t in TABLES}


def test_a_rescore_keeps_the_tables_definitions_and_rows(tmp_path: Path) -> None:
    memory, _ = _random_store(3, 200)
    db = tmp_path / "again.duckdb"
    with memory:
        memory.con.execute(f"ATTACH '{db}' AS f")
        memory.con.execute("COPY FROM DATABASE memory TO f")
    with Store.open(db) as store:
        defined = _definitions(store)
        assert any(c[1] == "PRIMARY KEY" for c in defined[len(TABLES):])
        assert rescore(store) == 200
        first = _rows(store)
        assert all(first[t] for t in TABLES)  # full: the second scoring drops and makes them
        assert rescore(store) == 200
        assert _rows(store) == first
        assert _definitions(store) == defined
        with pytest.raises(duckdb.ConstraintException):
            # Still a primary key after the re-score: a second row for a domain is refused.
            store.con.execute("INSERT INTO scores SELECT * FROM scores LIMIT 1")


def test_a_failed_rescore_leaves_the_previous_rows(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = _random_store(4, 120)
    with store:
        assert rescore(store) == 120
        before = _rows(store)

        def broken(*_: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(Store, "write_metrics", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            rescore(store)
        assert _rows(store) == before


def test_migration_012_keeps_site_links_rows_without_the_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file scored before migration 012 keeps its site graph: the same columns (types,
    NOT NULLs) and rows, without the primary key, and a rescore writes it again."""
    import prospector.store.migrations as schema

    every = schema.migrations()
    assert every[-1].version >= 12
    db = tmp_path / "old.duckdb"
    # The graph this scoring writes for the data, put in a file of the schema before 012
    # (this scoring cannot write that schema's `scores`, changed by 013).
    scored, _ = _random_store(5, 80)
    with scored:
        assert rescore(scored) == 80
        graph = scored.query("SELECT * FROM site_links")[1]
    with monkeypatch.context() as before_012:
        before_012.setattr(schema, "migrations", lambda: [m for m in every if m.version < 12])
        memory, _ = _random_store(5, 80)
        with memory:
            memory.con.executemany("INSERT INTO site_links VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   graph)
            memory.con.execute(f"ATTACH '{db}' AS f")
            memory.con.execute("COPY FROM DATABASE memory TO f")
    columns = ("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
               " WHERE table_name = 'site_links' ORDER BY ordinal_position")
    keys = ("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'site_links'"
            " AND constraint_type = 'PRIMARY KEY'")
    rows = "SELECT * FROM site_links ORDER BY ALL"
    with duckdb.connect(str(db)) as old:
        assert 12 not in [r[0] for r in old.execute("FROM schema_migrations").fetchall()]
        assert old.execute(keys).fetchall() == [(1,)]
        defined, kept = old.execute(columns).fetchall(), old.execute(rows).fetchall()
    assert kept  # the graph has edges: the test compares something
    with Store.open(db) as store:
        assert 12 in store.applied_versions()
        assert store.query(keys)[1] == [(0,)]
        assert store.query(columns)[1] == defined
        assert store.query(rows)[1] == kept
        assert rescore(store) == 80
        assert store.query(rows)[1] == kept


def test_migration_013_keeps_the_breakdowns_as_text(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written before migration 013 keeps both breakdowns, the same text as VARCHAR,
    loses the `breakdown` column that repeated the better one, and its views give that
    one as `breakdown` (the JV one on a tie, as the scoring picked it)."""
    import prospector.store.migrations as schema

    every = schema.migrations()
    db = tmp_path / "old.duckdb"
    jv, community = '{"relevance": {"points": 9.5}}', '{"relevance": {"points": 3.25}}'
    with monkeypatch.context() as before_013:
        before_013.setattr(schema, "migrations", lambda: [m for m in every if m.version < 13])
        with Store.open(db) as old:
            for domain, jv_score, community_score in (("a.test", 9.5, 3.25),
                                                      ("b.test", 1.0, 3.25),
                                                      ("c.test", 2.0, 2.0)):
                old.con.execute("INSERT INTO sites (domain, url) VALUES (?, ?)",
                                [domain, f"http://{domain}/"])
                better = jv if jv_score >= community_score else community
                old.con.execute(
                    "INSERT INTO scores (domain, score, breakdown, jv_score, jv_breakdown,"
                    " community_score, community_breakdown) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [domain, max(jv_score, community_score), better, jv_score, jv,
                     community_score, community])
            assert 13 not in old.applied_versions()
            assert old.query("SELECT DISTINCT typeof(jv_breakdown) FROM scores")[1] == [
                ("JSON",)]
    with Store.open(db) as store:
        assert 13 in store.applied_versions()
        columns = store.query("SELECT column_name, data_type FROM information_schema.columns"
                              " WHERE table_name = 'scores' AND column_name LIKE '%breakdown'"
                              " ORDER BY ALL")[1]
        assert columns == [("community_breakdown", "VARCHAR"), ("jv_breakdown", "VARCHAR")]
        ddl = store.query("SELECT sql FROM duckdb_tables() WHERE table_name = 'scores'")[1]
        assert str(ddl[0][0]).count("USING COMPRESSION ZSTD") == 2  # both breakdowns'
        links = store.query("SELECT sql FROM duckdb_tables() WHERE table_name = 'site_links'")[1]
        assert str(links[0][0]).count("USING COMPRESSION ZSTD") == 2  # both domains
        assert store.query("SELECT constraint_type, constraint_column_names"
                           " FROM duckdb_constraints() WHERE table_name = 'scores'"
                           " ORDER BY ALL")[1] == [
            ("NOT NULL", ["domain"]), ("NOT NULL", ["score"]), ("PRIMARY KEY", ["domain"])]
        assert store.query("SELECT domain, jv_breakdown, community_breakdown FROM scores"
                           " ORDER BY domain")[1] == [
            ("a.test", jv, community), ("b.test", jv, community), ("c.test", jv, community)]
        assert store.query("SELECT domain, score, breakdown FROM prospects ORDER BY domain"
                           )[1] == [("a.test", 9.5, jv), ("b.test", 3.25, community),
                                    ("c.test", 2.0, jv)]


def test_the_cyclic_gc_is_off_while_scoring_and_set_back(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """The scoring turns Python's cyclic collector off (millions of short-lived tuples,
    no cycles) and leaves it as it found it, also when the scoring fails."""
    import gc

    import prospector.score.table as table

    seen: list[bool] = []
    columns = table.score_columns

    def spy(*args: object) -> dict[str, list[object]]:
        seen.append(gc.isenabled())
        return columns(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(table, "score_columns", spy)
    store, _ = _random_store(6, 60)
    with store:
        assert gc.isenabled()
        assert rescore(store) == 60
        assert seen and not any(seen)
        assert gc.isenabled()
        gc.disable()
        try:
            assert rescore(store) == 60
            assert not gc.isenabled()  # off before: still off
        finally:
            gc.enable()

        def broken(*_: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(Store, "write_metrics", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            rescore(store)
        assert gc.isenabled()
