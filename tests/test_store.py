"""The DuckDB store: migrations, idempotent batched writes, one-line errors. Real DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from prospector.errors import DatabaseError, LockedError
from prospector.models import Candidate, Contact, FetchedPage, Link, PageFacts
from prospector.store.db import Store, migrations


def _page(url: str, site: str, emails: tuple[str, ...] = (), links: tuple[str, ...] = ()) -> FetchedPage:
    facts = PageFacts(
        url=url, domain=site, title="Bees", text="beekeeping beekeeping hives",
        contacts=tuple(Contact("email", e, url, "mailto", 0.9, "personal") for e in emails),
        links=tuple(Link(url, f"http://{d}/", d, d, "blogroll") for d in links),
        platform="wordpress", kind="blog",
    )
    return FetchedPage(site=site, url=url, status=200, content_type="text/html", size=10,
                       facts=facts)


def test_migrations_are_numbered_and_recorded(tmp_path: Path) -> None:
    versions = [m.version for m in migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    with Store.open(tmp_path / "p.duckdb") as store:
        assert store.applied_versions() == versions
    # Reopening applies nothing twice.
    with Store.open(tmp_path / "p.duckdb") as store:
        assert store.migrate() == []


def test_public_schema_columns(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.duckdb") as store:
        def cols(table: str) -> set[str]:
            return {r[0] for r in store.query(f"DESCRIBE {table}")[1]}
        assert {"domain", "kind", "platform"} <= cols("sites")
        assert {"domain", "kind", "value", "source_url"} <= cols("contacts")
        assert {"run_id", "keyword", "status", "started_at", "finished_at"} <= cols("runs")
        assert {"url", "domain", "status"} <= cols("pages")
        assert {"source_domain", "target_domain", "anchor"} <= cols("links")


def test_batches_are_idempotent_and_site_facts_derived() -> None:
    store = Store.open(":memory:")
    run = store.start_run("beekeeping", "{}")
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "search: q")])
    batch = [
        _page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",)),
        _page("http://a.test/contact", "a.test", ("jo@a.test", "info@a.test")),
    ]
    store.add_pages(run, batch)
    store.add_pages(run, batch)  # a replayed batch stores nothing twice
    store.finish_run(run, "done")
    assert store.query("SELECT count(*) FROM pages")[1] == [(2,)]
    assert store.query("SELECT count(*) FROM contacts")[1] == [(2,)]
    assert store.query("SELECT count(*) FROM links")[1] == [(1,)]
    site = store.rows("SELECT * FROM sites")[0]
    assert (site["kind"], site["platform"], site["pages"], site["status"]) == ("blog", "wordpress", 2, "ok")
    runs = store.rows("SELECT * FROM runs")[0]
    assert (runs["status"], runs["sites"], runs["pages"], runs["contacts"]) == ("done", 1, 2, 2)


def test_data_is_never_sql(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    run = store.start_run("x'); DROP TABLE sites; --", "{}")
    hostile = "o'hara@a.test"
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "'; DROP TABLE pages; --")])
    store.add_pages(run, [_page("http://a.test/?q=';--", "a.test", (hostile,))])
    assert store.query("SELECT value FROM contacts")[1] == [(hostile,)]
    assert store.query("SELECT why FROM sites")[1] == [("'; DROP TABLE pages; --",)]


def test_directory_path_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        Store.open(tmp_path)


def test_missing_db_for_reading(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        Store.open(tmp_path / "nope.duckdb", read_only=True)


def test_not_a_prospector_db(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(DatabaseError, match="not a Prospector database"):
        Store.open(path, read_only=True)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    with Store.open(path) as store:
        store.con.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql', now())")
    for read_only in (False, True):
        with pytest.raises(DatabaseError, match="newer"):
            Store.open(path, read_only=read_only)


def test_garbage_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError) as info:
        Store.open(path)
    assert "\n" not in str(info.value)


def test_locked_db_from_another_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "p.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True);"
         " time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(LockedError, match="in use"):
            Store.open(path)
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_scores_round_trip() -> None:
    store = Store.open(":memory:")
    run = store.start_run("beekeeping", "{}")
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "q")])
    store.write_scores(run, [("a.test", 42.0, json.dumps({"relevance": {"points": 42}}))])
    assert store.rows("SELECT domain, score FROM prospects") == [{"domain": "a.test", "score": 42.0}]
