"""The Store: one DuckDB file (or ':memory:') with the project schema, made of one part a
concern, each in its own module of this package (and every SQL statement of the project
lives in this package or in its .sql files):

- connection: opening, the one-line errors, generic reads, the connection's limits;
- migrations: the schema, migrated for a writer, checked for a reader;
- batch: the crawl's write path (pages, contacts, links, candidates, site facts);
- runs: a run's life, and what planning a run reads;
- outreach: suppressions, the outreach pipeline, the cooldown;
- checks: mail checks, inferred addresses, what drafts read (issue 22);
- scoring: what the scoring reads and writes;
- reads: the named queries of the report, the exports, `explain` and the CLI;
- posts: the niche's posts and feeds (write_feeds, latest_post, posts_between);
- hubs: why sites are not ranked (eligibility) and communities on platforms (issue 24).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from prospector.errors import DatabaseError
from prospector.store.batch import BatchWrites
from prospector.store.checks import Checks
from prospector.store.connection import LOCK_WAIT_SECONDS, connect, explain_storage_error
from prospector.store.hubs import Hubs
from prospector.store.migrations import Migration, Schema, migrations
from prospector.store.outreach import is_suppressed
from prospector.store.posts import Posts
from prospector.store.reads import Reads
from prospector.store.runs import Runs
from prospector.store.scoring import Scoring

__all__ = ["Migration", "Store", "explain_storage_error", "is_suppressed", "migrations"]


class Store(BatchWrites, Checks, Runs, Scoring, Reads, Posts, Hubs, Schema):
    """A DuckDB file (or ':memory:') with the project schema."""

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, migrate: bool = True,
             wait: float = LOCK_WAIT_SECONDS) -> Store:
        """Open (and for writers, create and migrate) the database at `path`.

        `migrate=False`: a writer that only checks the schema, as a reader does: the
        crawl reopens its DB for every batch, migrated once at the start (refreshing
        the views each time made every batch rewrite the catalog). `wait`: seconds a
        file held by another process is tried again (see `connection.connect`).

        Raises DatabaseError / LockedError with a one-line message, never duckdb's own.
        """
        text = str(path)
        con = connect(text, read_only=read_only, wait=wait)
        store = cls(con, text)
        try:
            if read_only or not migrate:
                store.check_schema()
            else:
                store.migrate()
        except duckdb.Error as exc:  # migrate writes: a full disk or read-only file shows here
            con.close()
            raise explain_storage_error(exc, text) or DatabaseError(str(exc)) from None
        except BaseException:
            con.close()
            raise
        return store
