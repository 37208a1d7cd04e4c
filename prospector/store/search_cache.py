"""Search answers cached in DuckDB per (backend, query, page); the query log, the failed
queries and which query found which site.

A re-run with the same backend, query and page within the cache's age sends no request:
search APIs bill per query (Brave) or throttle a shared key (Marginalia). Only complete
answers are cached, and for a few days (`DEFAULT_MAX_AGE`, --search-max-age): never an
error, never an answer emptied by failing upstream engines, so a run that met a bad
moment is not stuck with it. Data always travels as parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import duckdb

from prospector.discover.backends.base import SearchBackend, SearchPage, SearchResult
from prospector.errors import DatabaseError
from prospector.store.db import Store

# Long enough that a re-run the same week spends no quota, short enough that an index's
# new sites show up within the week.
DEFAULT_MAX_AGE = timedelta(days=3)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _encode(page: SearchPage) -> str:
    return json.dumps({"more": page.more,
                       "results": [{"url": r.url, "title": r.title, "content": r.content,
                                    "engine": r.engine} for r in page.results]}, ensure_ascii=False)


def _decode(raw: str) -> SearchPage | None:
    try:
        data = json.loads(raw)
        # Rows written before pages carried `more` are a bare list of results.
        items, more = (data, None) if isinstance(data, list) else (data["results"], data.get("more"))
        results = tuple(SearchResult(str(i["url"]), str(i.get("title", "")), str(i.get("content", "")),
                                     str(i.get("engine", ""))) for i in items)
        return SearchPage(results, more if isinstance(more, bool) else None)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged row is a miss: the page is asked again and rewritten


def _write(store: Store, what: str, sql: str, params: list[object]) -> None:
    try:
        store.con.execute(sql, params)
    except duckdb.Error as exc:
        raise DatabaseError(f"{what} not writable: {str(exc).splitlines()[0]}") from None


def cached(store: Store, backend: str, query: str, page: int,
           max_age: timedelta | None = DEFAULT_MAX_AGE) -> SearchPage | None:
    """The cached page, or None when absent, older than `max_age` (None: any age), or
    unreadable."""
    try:
        row = store.con.execute(
            "SELECT results, fetched_at FROM search_cache WHERE backend = ? AND query = ? AND page = ?",
            [backend, query, page],
        ).fetchone()
    except duckdb.Error as exc:
        raise DatabaseError(f"search cache unreadable: {str(exc).splitlines()[0]}") from None
    if row is None:
        return None
    raw, fetched_at = row
    if max_age is not None and fetched_at < _now() - max_age:
        return None
    return _decode(str(raw))


def remember(store: Store, backend: str, query: str, page: int, answer: SearchPage) -> None:
    """Store (or replace) one complete page of results."""
    _write(store, "search cache",
           "INSERT INTO search_cache (backend, query, page, fetched_at, results) VALUES (?, ?, ?, ?, ?)"
           " ON CONFLICT (backend, query, page) DO UPDATE SET fetched_at = excluded.fetched_at,"
           " results = excluded.results",
           [backend, query, page, _now(), _encode(answer)])


def record_query(store: Store, run_id: int | None, backend: str, query: str, page: int,
                 results: int, cached: bool) -> None:
    """Log one query of a run: how many results, and whether the cache answered."""
    _write(store, "search query log",
           "INSERT INTO search_queries (run_id, backend, query, page, results, cached, asked_at)"
           " VALUES (?, ?, ?, ?, ?, ?, ?)",
           [run_id, backend, query, page, results, cached, _now()])


def record_failure(store: Store, run_id: int | None, backend: str, query: str, page: int,
                   kind: str, reason: str) -> None:
    """Log a query that could not be answered, and why."""
    _write(store, "search failure log",
           "INSERT INTO search_failures (run_id, backend, query, page, kind, reason, failed_at)"
           " VALUES (?, ?, ?, ?, ?, ?, ?)",
           [run_id, backend, query, page, kind, reason, _now()])


def record_hits(store: Store, run_id: int | None, hits: Iterable[tuple[str, str, int, str, str]]) -> None:
    """Log (backend, query, rank, domain, url) rows: which query found which site."""
    rows = [[run_id, *hit] for hit in hits]
    if not rows:
        return
    try:
        store.con.executemany(
            "INSERT INTO search_hits (run_id, backend, query, rank, domain, url) VALUES (?, ?, ?, ?, ?, ?)",
            rows)
    except duckdb.Error as exc:
        raise DatabaseError(f"search hit log not writable: {str(exc).splitlines()[0]}") from None


def claim_queries(store: Store, run_id: int) -> int:
    """Give the queries, failures and hits logged without a run (discovery runs before
    the crawl starts its run) to `run_id`; returns how many queries. One writer at a
    time holds the DB, so the unclaimed rows are the discovery just done."""
    try:
        for table in ("search_failures", "search_hits"):
            store.con.execute(f"UPDATE {table} SET run_id = ? WHERE run_id IS NULL", [run_id])
        rows = store.con.execute(
            "UPDATE search_queries SET run_id = ? WHERE run_id IS NULL RETURNING 1", [run_id]
        ).fetchall()
    except duckdb.Error as exc:
        raise DatabaseError(f"search query log not writable: {str(exc).splitlines()[0]}") from None
    return len(rows)


def mark_partial(store: Store, run_id: int) -> None:
    """A run whose search mostly failed is `partial` (exit 6) even if its crawl ended."""
    _write(store, "runs", "UPDATE runs SET status = 'partial' WHERE run_id = ? AND status = 'done'",
           [run_id])


def mark_discovered(store: Store, run_id: int) -> None:
    """`prospector discover`'s run: discovery only, no crawl; never resumed as unfinished."""
    _write(store, "runs", "UPDATE runs SET status = 'discovered', finished_at = ? WHERE run_id = ?",
           [_now(), run_id])


class CachedBackend:
    """Any backend, answering from the DuckDB cache first; same interface.

    `max_age` None keeps answers forever; a timedelta asks again once an answer is older.
    Failures pass through uncached; incomplete pages (engines failed) are used, not kept."""

    def __init__(self, backend: SearchBackend, store: Store, run_id: int | None = None,
                 max_age: timedelta | None = DEFAULT_MAX_AGE) -> None:
        self.backend = backend
        self.store = store
        self.run_id = run_id
        self.max_age = max_age
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def cache_id(self) -> str:
        return self.backend.cache_id

    @property
    def dialect(self) -> str:
        return self.backend.dialect

    @property
    def notices(self) -> list[str]:
        return self.backend.notices

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        return list(self.search_page(query, page).results)

    def search_page(self, query: str, page: int = 1) -> SearchPage:
        key = self.backend.cache_id
        found = cached(self.store, key, query, page, self.max_age)
        if found is not None:
            self.hits += 1
            record_query(self.store, self.run_id, key, query, page, len(found.results), True)
            return found
        answer = self.backend.search_page(query, page)
        self.misses += 1
        if answer.complete:
            remember(self.store, key, query, page, answer)
        record_query(self.store, self.run_id, key, query, page, len(answer.results), False)
        return answer
