"""Search answers cached in DuckDB per (backend, query, page), and the query log.

A re-run with the same backend, query and page sends no request: search APIs bill
per query (Brave) or throttle a shared key (Marginalia). Errors are never cached;
empty pages are (an empty answer is an answer, and costs the same quota).
Data always travels as parameters.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import duckdb

from prospector.discover.backends.base import SearchBackend, SearchResult
from prospector.errors import DatabaseError
from prospector.store.db import Store


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _encode(results: list[SearchResult]) -> str:
    return json.dumps([{"url": r.url, "title": r.title, "content": r.content, "engine": r.engine}
                       for r in results], ensure_ascii=False)


def _decode(raw: str) -> list[SearchResult] | None:
    try:
        items = json.loads(raw)
        return [SearchResult(str(i["url"]), str(i.get("title", "")), str(i.get("content", "")),
                             str(i.get("engine", ""))) for i in items]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged row is a miss: the page is asked again and rewritten


def cached(store: Store, backend: str, query: str, page: int,
           max_age: timedelta | None = None) -> list[SearchResult] | None:
    """The cached page, or None when absent, older than `max_age`, or unreadable."""
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


def remember(store: Store, backend: str, query: str, page: int, results: list[SearchResult]) -> None:
    """Store (or replace) one page of results."""
    try:
        store.con.execute(
            "INSERT INTO search_cache (backend, query, page, fetched_at, results) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (backend, query, page) DO UPDATE SET fetched_at = excluded.fetched_at,"
            " results = excluded.results",
            [backend, query, page, _now(), _encode(results)],
        )
    except duckdb.Error as exc:
        raise DatabaseError(f"search cache not writable: {str(exc).splitlines()[0]}") from None


def record_query(store: Store, run_id: int | None, backend: str, query: str, page: int,
                 results: int, cached: bool) -> None:
    """Log one query of a run: how many results, and whether the cache answered."""
    try:
        store.con.execute(
            "INSERT INTO search_queries (run_id, backend, query, page, results, cached, asked_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, backend, query, page, results, cached, _now()],
        )
    except duckdb.Error as exc:
        raise DatabaseError(f"search query log not writable: {str(exc).splitlines()[0]}") from None


def claim_queries(store: Store, run_id: int) -> int:
    """Give the queries logged without a run (discovery runs before the crawl starts
    its run) to `run_id`; returns how many. One writer at a time holds the DB, so the
    unclaimed rows are the discovery just done."""
    try:
        row = store.con.execute(
            "UPDATE search_queries SET run_id = ? WHERE run_id IS NULL RETURNING 1", [run_id]
        ).fetchall()
    except duckdb.Error as exc:
        raise DatabaseError(f"search query log not writable: {str(exc).splitlines()[0]}") from None
    return len(row)


class CachedBackend:
    """Any backend, answering from the DuckDB cache first; same interface.

    `max_age` None keeps answers forever (a re-run never spends quota); a timedelta
    asks again once an answer is older."""

    def __init__(self, backend: SearchBackend, store: Store, run_id: int | None = None,
                 max_age: timedelta | None = None) -> None:
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
    def page_size(self) -> int:
        return self.backend.page_size

    def search(self, query: str, page: int = 1) -> list[SearchResult]:
        key = self.backend.cache_id
        found = cached(self.store, key, query, page, self.max_age)
        if found is not None:
            self.hits += 1
            record_query(self.store, self.run_id, key, query, page, len(found), True)
            return found
        results = self.backend.search(query, page)
        self.misses += 1
        remember(self.store, key, query, page, results)
        record_query(self.store, self.run_id, key, query, page, len(results), False)
        return results
