"""Opening a DuckDB file, the one-line errors a failed open, read or write becomes, and
the connection every part of the Store shares (with its two generic helpers: reading
rows and inserting rows column-wise)."""

from __future__ import annotations

import errno
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import duckdb

from prospector.errors import DatabaseError, ExitCode, LockedError, ProspectorError

_NO_SPACE = ("no space left on device", "disk full", "disk quota exceeded")
_NOT_WRITABLE = ("read-only file system", "permission denied", "operation not permitted",
                 "read-only", "readonly")
# A memory size as DuckDB reads and reports one ('64MB', '953.6 MiB'): checked, since a
# setting is formatted into the SQL (DuckDB takes no parameter in SET).
MEMORY_SIZE = re.compile(r"\d+(\.\d+)? ?[KMGTP]?i?B", re.IGNORECASE)
# How long an open waits for another process to let go of the file (a crawl's batch
# write, a reader's query) before it gives up with "in use", and how often it tries.
LOCK_WAIT_SECONDS = 5.0
LOCK_RETRY_SECONDS = 0.05
# What `prospector sql` runs: reads. ATTACH, COPY, EXPORT, INSTALL/LOAD, SET… are refused
# (the connection is read-only, but ATTACH … (READ_WRITE) would reach another file).
USER_STATEMENTS = frozenset({"SELECT", "EXPLAIN", "PRAGMA"})


def now() -> datetime:
    """The time stored in TIMESTAMP columns: UTC, without a zone (DuckDB's TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _explain_open_error(path: Path, exc: duckdb.Error) -> Exception:
    message = str(exc)
    if "lock" in message.lower():
        return LockedError(f"database {path} is in use by another process (locked); try again later")
    if any(m in message.lower() for m in _NOT_WRITABLE):
        return DatabaseError(f"database {path} cannot be written: permission denied")
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return DatabaseError(f"cannot open database {path}: {first}")


def explain_storage_error(exc: BaseException, path: str | Path = "") -> ProspectorError | None:
    """A one-line error for a failed DB (or lock file) read or write, or None when `exc`
    is not one: a full disk (exit 7), a read-only or forbidden path (3), a lock (4)."""
    if not isinstance(exc, duckdb.Error | OSError):
        return None
    where = f"database {path}" if path else "the database"
    message = str(exc).lower()
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EDQUOT) or any(m in message for m in _NO_SPACE):
        return ProspectorError(f"no space left on the device writing {where}: free some space "
                               "and run again (what was stored before is kept)", ExitCode.NO_SPACE)
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or any(m in message for m in _NOT_WRITABLE):
        return DatabaseError(f"{where} cannot be written: read-only or permission denied")
    if isinstance(exc, OSError):
        return None  # not a storage condition we know: a bug, let it show
    if "lock" in message:
        return LockedError(f"{where} is in use by another process (locked); try again later")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DatabaseError(f"{where} failed: {first}")


def skip_row_group_merges(con: duckdb.DuckDBPyConnection) -> bool:
    """Checkpoints write the new rows and leave the row groups stored as they are
    (`max_vacuum_tasks = 0`); False on a DuckDB without the setting. By default a
    checkpoint also merges small adjacent row groups ("vacuum"), rewriting the stored
    ones: a crawl checkpoints each time it lets go of the file, its batches make a small
    row group each time, so every release rewrote the tables' rows again, the longer and
    the larger the more pages were stored (1.4-1.9 s and up to 130 MB of DuckDB's memory
    at 18,000 pages, over a minute at 41,000; with this 0.1-0.2 s and 56 MB). Left to
    the next writer instead, the merges of a whole crawl came at once: the scoring's
    close after a 20,000-page crawl peaked at 824 MB. So no writer merges: the tables
    keep a row group a checkpoint (≈ 600 pages for a fast crawl; DuckDB's own are up to
    122,880 rows). The file is no larger for it (191 MB at 18,000 pages against 200 MB
    with merges, which leave the blocks they rewrote free), though a fresh copy of it is
    smaller (350 against 448 MB at 45,000 pages). Row groups whose rows are all deleted
    (the scoring's tables, rewritten each time) are still dropped. bench/RESULTS.md,
    issue 23's second pass."""
    try:
        con.execute("SET max_vacuum_tasks = 0")
    except duckdb.Error:
        return False
    return True


# Up to this many keys, a lookup by key is written `key IN (?, ?, …)`, a list of values
# that DuckDB answers from the key's ART index (a primary key) when fewer than
# index_scan_max_count (2,048) rows match; `key IN (SELECT unnest(?))` is a join that
# reads the key column of every row group of the table (DuckDB pushes a join's keys down
# as such a list only up to dynamic_or_filter_threshold, 50). The crawl leaves a row group a
# write (skip_row_group_merges), so late in a crawl each such join read 80 blocks of
# 256 KB (20 MB of DuckDB's memory for `sites` in 80 row groups, against 1 MB by the
# index; bench/RESULTS.md, issue 23's third pass). A key of several columns gets no
# index scan in DuckDB 2.0, and a list longer than this would get a scan anyway.
INDEX_SCAN_KEYS = 2048


def keys_in(column: str, keys: Sequence[str]) -> tuple[str, list[Any]]:
    """`column IN (…)` for `keys` with its parameters, in the form DuckDB answers from
    the column's index (see INDEX_SCAN_KEYS)."""
    if 0 < len(keys) <= INDEX_SCAN_KEYS:
        return f"{column} IN ({', '.join('?' * len(keys))})", list(keys)
    return f"{column} IN (SELECT unnest(?::VARCHAR[]))", [list(keys)]


def connect(path: str, *, read_only: bool,
            wait: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """A connection to `path` (a file or ':memory:'), checked first for the mistakes a
    user makes (a folder, a missing file to read), with duckdb's errors made one line.

    A file another process holds (a crawl writing a batch, a reader's query: each a
    moment) is tried again every LOCK_RETRY_SECONDS for up to `wait` seconds before
    the one-line "in use" error."""
    if path != ":memory:":
        p = Path(path)
        if p.is_dir():
            raise DatabaseError(f"database path {p} is a directory; give a file path")
        if read_only and not p.exists():
            raise DatabaseError(f"no database at {p}: run `prospector crawl` first")
        if not p.parent.exists():
            raise DatabaseError(f"folder {p.parent} does not exist")
    # The wait is measured on the clock: each attempt on a held file takes time of its
    # own, which a count of the sleeps alone left out (a 5 s wait lasted longer).
    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only)
            # No progress bar: DuckDB draws one on stdout for queries over 2 s, which
            # would end up in cron mail and in the output scripts parse.
            con.execute("SET enable_progress_bar = false")
            if not read_only:
                skip_row_group_merges(con)
            return con
        except duckdb.Error as exc:
            error = _explain_open_error(Path(path), exc)
            left = deadline - time.monotonic()
            if not isinstance(error, LockedError) or left <= 0:
                raise error from None
        time.sleep(min(LOCK_RETRY_SECONDS, left))


class Connection:
    """The connection and path the Store's parts share; the base of each of them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path

    def close(self) -> None:
        self.con.close()

    def sibling(self) -> Self:
        """A second connection to the same database (DuckDB's cursor): its own
        statements, temporary tables and transaction, for reads in another thread while
        this one runs a statement (a DuckDB connection runs one at a time). It sees
        what is committed, not this connection's open transaction. Close it after."""
        con = self.con.cursor()
        con.execute("SET enable_progress_bar = false")
        return type(self)(con, self.path)

    def interrupt(self) -> None:
        """Stop the statement this connection is running, from another thread (it
        fails with duckdb.InterruptException)."""
        self.con.interrupt()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Any read, as column names and rows: `prospector sql` and the named queries."""
        cursor = self.con.execute(sql, list(params))
        columns = [d[0] for d in cursor.description or ()]
        return columns, cursor.fetchall()

    def user_query(self, sql: str, *, allow_files: bool = False
                   ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """A query the user typed (`prospector sql`), truly read-only: reads only
        (SELECT, EXPLAIN, PRAGMA), no file outside the DB unless `allow_files` (then
        SELECTs may read files: read_csv and friends), no extension installed or
        loaded, and the configuration locked so the query cannot undo any of it.
        ValueError naming the refused statement."""
        for statement in self.con.extract_statements(sql):
            kind = str(statement.type).rsplit(".", 1)[-1]
            if kind not in USER_STATEMENTS:
                raise ValueError(f"{kind} statements are refused: `prospector sql` only reads "
                                 f"({', '.join(sorted(USER_STATEMENTS))})")
        if not allow_files:
            self.con.execute("SET enable_external_access = false")
        self.con.execute("SET autoinstall_known_extensions = false")
        self.con.execute("SET autoload_known_extensions = false")
        self.con.execute("SET lock_configuration = true")
        return self.query(sql)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        columns, rows = self.query(sql, params)
        return [dict(zip(columns, r, strict=True)) for r in rows]

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                conflict: str = "") -> None:
        """Insert `rows` column-wise in one statement (executemany manages ~1.6 k rows/s
        here). `table`, `columns` and `conflict` are constants of the store's modules,
        never data."""
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        select = ", ".join(f"unnest(${i + 1}) AS {name}" for i, name in enumerate(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} {conflict}"
        self.con.execute(sql, [list(c) for c in cols])

    def db_limits(self) -> tuple[str, int]:
        """The connection's memory limit (as DuckDB prints it, '953.6 MiB') and threads."""
        row = self.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
        assert row is not None
        return str(row[0]), int(row[1])

    def set_db_limits(self, memory_limit: str | None = None, threads: int | None = None) -> None:
        """Cap the connection's memory and threads (None: leave as is). ValueError for a
        memory limit that is not a size."""
        if memory_limit is not None:
            if not MEMORY_SIZE.fullmatch(memory_limit):
                raise ValueError(f"not a memory size: {memory_limit!r}")
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads is not None:
            self.con.execute(f"SET threads = {int(threads)}")

    def restore_db_limits(self, saved: tuple[str, int]) -> None:
        """Set back what db_limits() returned; a memory limit DuckDB printed in a form SET
        does not take goes back to DuckDB's default."""
        limit, threads = saved
        if MEMORY_SIZE.fullmatch(limit):
            self.set_db_limits(limit, threads)
        else:
            self.con.execute("RESET memory_limit")
            self.set_db_limits(threads=threads)
