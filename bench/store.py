"""Store benchmark: rows/s of the pipeline's DuckDB writes against DuckDB's own `read_json`
of the same rows, measured in the same run.

    .venv/bin/python bench/store.py [--pages N] [--rounds N] [--batches 50,200,1000]
    .venv/bin/python bench/store.py --measure-batches   # the sizes real crawls write

`--measure-batches` first runs bench/batches.py's real crawls (the sample web and the
bulk web, polite and `--fast`) and benches the page-weighted median batch of each;
the goal (>= 0.5) is checked at every size benched and printed as met or NOT met.

The store side is the crawl's own path: every page goes through `StoreSink.add` and the
sink is flushed every BATCH pages, as the pipeline does (its PROSPECTOR_BATCH_SIZE is
200), so each flush is `Store.write_batch`: one transaction a batch, idempotent upserts
into the keyed `pages`, `contacts` and `links` tables, suppressions applied; the
connection has the memory limit and the thread count the pipeline gives it (DuckDB's
defaults for the baseline).

The baseline is DuckDB's bulk path for exactly the rows the store wrote (every column):
JSONL files, written before the clock starts, loaded by `read_json` into plain tables
(CREATE TABLE AS) and, separately, into a fresh store's own keyed tables (INSERT). The
ratio is against the faster of the two. Rounds are interleaved, best of N each.

After the timed writes the bench checks the store holds each row once, and that loading
a batch again stores nothing twice. It asserts no speed (these machines are shared).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prospector.crawl.sink import StoreSink  # noqa: E402
from prospector.models import Contact, FetchedPage, Link, PageFacts  # noqa: E402
from prospector.store.db import Store  # noqa: E402

TABLES = ("pages", "contacts", "links")
GOAL = 0.5  # rows/s of the store's writes against read_json's (issues 10 and 23)


def make_pages(n: int) -> list[FetchedPage]:
    pages = []
    for i in range(n):
        site = f"site{i // 6}.test"
        url = f"http://{site}/page{i % 6}"
        facts = PageFacts(
            url=url, domain=site, title=f"Page {i}", text="beekeeping " * 200,
            contacts=(Contact("email", f"owner{i}@{site}", url, "mailto", 0.9, "personal"),),
            links=tuple(Link(url, f"http://other{(i + k) % 997}.test/", f"other{(i + k) % 997}.test",
                             "a link", "content") for k in range(5)),
            platform="wordpress", kind="blog")
        pages.append(FetchedPage(site, url, 200, "text/html", 19_000, facts,
                                 fetched_at=f"2026-11-29T10:{i // 60 % 60:02d}:{i % 60:02d}.000001+00:00"))
    return pages


def rows_of(pages: list[FetchedPage]) -> int:
    return sum(1 + len(p.facts.contacts) + len(p.facts.links) for p in pages)


def counts(store: Store) -> dict[str, int]:
    return {t: int(store.query(f"SELECT count(*) FROM {t}")[1][0][0]) for t in TABLES}


def bench_store(pages: list[FetchedPage], batch: int, folder: Path) -> tuple[float, Store]:
    """The crawl's path: items into the sink, a flush every `batch` pages."""
    store = Store.open(folder / "store.duckdb")
    limit, threads = crawl_db_settings()
    if limit:
        store.con.execute(f"SET memory_limit = '{limit}'")
    if threads > 0:
        store.con.execute(f"SET threads = {threads}")
    run = store.start_run("beekeeping", "{}")
    sink = StoreSink(store, run)
    started = time.perf_counter()
    for page in pages:
        sink.add(page)
        if len(sink) >= batch:
            sink.flush()
    sink.flush()
    return time.perf_counter() - started, store


def crawl_db_settings() -> tuple[str, int]:
    """The memory limit and thread count the crawl's pipeline sets on its connection, if
    it sets them (constants of the code, not data)."""
    from prospector.config.scrapy import CrawlSettings

    job = CrawlSettings()
    return job.db_memory_limit, job.db_threads


def check_idempotent(store: Store, pages: list[FetchedPage], batch: int) -> str:
    expected = {"pages": len(pages), "contacts": sum(len(p.facts.contacts) for p in pages),
                "links": sum(len(p.facts.links) for p in pages)}
    stored = counts(store)
    run = store.start_run("beekeeping", "{}")
    store.add_pages(run, pages[:batch])  # a batch loaded twice
    again = counts(store)
    ok = stored == expected == again
    return f"stored {stored}, after a batch loaded again {again}: {'ok' if ok else 'WRONG'}"


def dump_rows(store: Store, folder: Path) -> dict[str, Path]:
    """The rows the store wrote, every column, as JSONL (untimed)."""
    files = {}
    for table in TABLES:
        path = folder / f"{table}.jsonl"
        columns, rows = store.query(f"SELECT * FROM {table}")
        with path.open("w") as out:
            for row in rows:
                out.write(json.dumps(dict(zip(columns, row, strict=True)), default=str) + "\n")
        files[table] = path
    return files


def bench_read_json(files: dict[str, Path], folder: Path, *, keyed: bool) -> float:
    """DuckDB's own bulk path for the same rows: into plain tables (CREATE TABLE AS) or
    into a fresh store's keyed tables."""
    with Store.open(folder / f"json-{keyed}.duckdb") as store:
        started = time.perf_counter()
        for table, path in files.items():
            if keyed:
                store.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_json(?)",
                                  [str(path)])
            else:
                store.con.execute(f"CREATE TABLE bench_{table} AS SELECT * FROM read_json(?)",
                                  [str(path)])
        elapsed = time.perf_counter() - started
    (folder / f"json-{keyed}.duckdb").unlink()
    return elapsed


# The statements a flush's candidates went through before issue 23 (each an ON CONFLICT
# upsert, which DuckDB plans as a MERGE over the whole table), timed against
# Store.add_candidates' lookups and appenders on the same DB.
_OLD_CANDIDATE_SQL = (
    "INSERT INTO sites (domain, url, source, why, status, first_run, last_run, first_seen,"
    " last_seen, distance, via) SELECT unnest($1), unnest($2), unnest($3), unnest($4),"
    " 'queued', $5, $5, now(), now(), unnest($6), unnest($7) ON CONFLICT (domain) DO UPDATE"
    " SET last_run = excluded.last_run, last_seen = excluded.last_seen, url = excluded.url",
    "INSERT INTO discoveries (run_id, domain, url, source, why, rank, distance, via)"
    " SELECT $5, unnest($1), unnest($2), unnest($3), unnest($4), 0, unnest($6), unnest($7)"
    " ON CONFLICT DO NOTHING")


def bench_candidates(sites: int, flushes: int, folder: Path) -> None:
    """ms a flush of 50 candidates (45 new sites, 5 stored) costs, commit included, on a
    DB of `sites` sites: the old ON CONFLICT statements against add_candidates,
    interleaved."""
    from prospector.models import Candidate

    with Store.open(folder / "candidates.duckdb") as store:
        store.set_db_limits(*crawl_db_settings())
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate(f"http://s{i}.test/", f"s{i}.test", "seed")
                                   for i in range(sites)])
        took: dict[str, list[float]] = {"ON CONFLICT upserts": [], "lookups + appenders": []}
        for k in range(flushes):
            for way, times in took.items():
                batch = [Candidate(f"http://{way[0]}{k}-{i}.test/", f"{way[0]}{k}-{i}.test", "q")
                         for i in range(45)]
                batch += [Candidate(f"http://s{k * 5 + i}.test/b", f"s{k * 5 + i}.test", "q")
                          for i in range(5)]
                started = time.perf_counter()
                if way.startswith("ON"):
                    columns = [[c.domain for c in batch], [c.url for c in batch],
                               [c.source for c in batch], [c.why for c in batch], run,
                               [c.distance for c in batch], [c.via for c in batch]]
                    store.con.execute("BEGIN TRANSACTION")
                    for sql in _OLD_CANDIDATE_SQL:
                        store.con.execute(sql, columns)
                    store.con.execute("COMMIT")
                else:
                    store.add_candidates(run, batch)
                times.append(time.perf_counter() - started)
    for way, times in took.items():
        print(f"50 candidates at {sites:,} sites by {way}: median "
              f"{sorted(times)[len(times) // 2] * 1000:.1f} ms a flush ({flushes} flushes)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", default="50,200,1000",
                        help="pages a flush, comma-separated (the pipeline's default is 200)")
    parser.add_argument("--measure-batches", action="store_true",
                        help="bench the batch sizes real crawls write (bench/batches.py)")
    parser.add_argument("--candidates", type=int, default=0, metavar="SITES",
                        help="only bench a flush's candidates on a DB of SITES sites")
    args = parser.parse_args()
    if args.candidates:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"load average {os.getloadavg()[0]:.2f}")
            bench_candidates(args.candidates, 20, Path(tmp))
            print(f"load average {os.getloadavg()[0]:.2f}")
        return
    batches = [int(b) for b in args.batches.split(",")]
    crawled: dict[int, list[str]] = {}  # a size benched -> the crawls writing it
    if args.measure_batches:
        from batches import measure

        for run in measure():
            crawled.setdefault(max(1, run.weighted_median()), []).append(run.name)
        batches = sorted(crawled)
    pages = make_pages(args.pages)
    rows = rows_of(pages)
    load_before = os.getloadavg()
    best: dict[Any, float] = {}
    checks: dict[int, str] = {}
    for _ in range(args.rounds):
        for batch in batches:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                elapsed, store = bench_store(pages, batch, folder)
                best[batch] = min(best.get(batch, float("inf")), elapsed)
                with store:
                    files = dump_rows(store, folder)
                    checks[batch] = check_idempotent(store, pages, batch)
                for keyed in (False, True):
                    took = bench_read_json(files, folder, keyed=keyed)
                    best[keyed] = min(best.get(keyed, float("inf")), took)
    load_after = os.getloadavg()
    baseline = min(best[False], best[True])
    print(f"{args.pages} pages = {rows} rows (pages + contacts + links), best of {args.rounds}")
    print(f"read_json into plain tables (CREATE TABLE AS): {best[False]:.2f} s = "
          f"{rows / best[False]:,.0f} rows/s")
    print(f"read_json into the store's keyed tables:      {best[True]:.2f} s = "
          f"{rows / best[True]:,.0f} rows/s")
    met = True
    for batch in batches:
        took = best[batch]
        ratio = baseline / took
        met = met and ratio >= GOAL
        where = f" (the batch of {', '.join(crawled[batch])})" if batch in crawled else ""
        print(f"StoreSink, flush every {batch} pages{where}: {took:.2f} s = {rows / took:,.0f}"
              f" rows/s; ratio store / read_json = {ratio:.2f}: goal >= {GOAL}"
              f" {'met' if ratio >= GOAL else 'NOT met'}")
        print(f"  {checks[batch]}")
    print(f"goal >= {GOAL} at every batch size benched: {'met' if met else 'NOT met'}")
    print("load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
        *load_before, *load_after))


if __name__ == "__main__":
    main()
