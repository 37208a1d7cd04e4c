"""One crawl per DB at a time: the run lock, held from discovery to scoring by whoever
owns the run (the CLI, the distributed coordinator, or `RunOwner` under scrapyd)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prospector.errors import ExitCode, LockedError, ProspectorError


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """One crawl per DB at a time, for the whole run (discovery to scoring).

    DuckDB's own lock only covers the moments a connection is open; this one spans the
    run. It is a `<db>.lock` file beside the DB, like DuckDB's own `<db>.wal`.
    """
    if str(db_path) == ":memory:":
        yield
        return
    if db_path.is_dir():
        raise ProspectorError(f"database path {db_path} is a directory; give a file path",
                              ExitCode.DATABASE)
    # Keyed by the DB's real path: the same file reached through a symlink or another
    # relative path is the same lock.
    lock_path = Path(f"{os.path.realpath(db_path)}.lock")
    try:
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the whole run
    except OSError as exc:
        raise ProspectorError(f"cannot create lock file {lock_path}: {exc.strerror or exc}",
                              ExitCode.DATABASE) from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another crawl is running on {db_path}; not starting a second") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()
