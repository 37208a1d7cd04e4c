"""Writing the user's output files: checked paths, atomic replacement, private modes.

Reports and exports are lists of people's addresses: a new file is readable by its owner
only (0600); a file written over keeps the mode its owner gave it. An output path that
is a DuckDB database (the one being read, or any other) is refused: writing HTML or CSV
over it would destroy it without a word."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from prospector.errors import InputError

# DuckDB's file header: the magic bytes after the 8-byte checksum.
_DUCKDB_MAGIC = b"DUCK"
NEW_FILE_MODE = 0o600


def is_duckdb_file(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == _DUCKDB_MAGIC
    except OSError:
        return False


def check_out_path(out: Path, what: str, db: Path | None = None) -> None:
    """One line (exit 2) for an output path that cannot or must not be written."""
    if out.is_dir():
        raise InputError(f"{what} path {out} is a directory; give a file path")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    if db is not None and os.path.realpath(out) == os.path.realpath(db):
        raise InputError(f"{what} path {out} is the database being read; give another file")
    if is_duckdb_file(out) or out.name.endswith((".duckdb.wal", ".duckdb.lock")):
        raise InputError(f"{what} path {out} is a DuckDB database (or its journal or lock); "
                         "give another file")


def write_atomic(out: Path, text: str, *, newline: str | None = None) -> None:
    """Write `text` to `out` so that a half-written file never replaces a good one."""
    try:
        mode = stat.S_IMODE(out.stat().st_mode)  # written over: the owner's mode stays
    except OSError:
        mode = NEW_FILE_MODE
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix, dir=out.parent)
    except OSError as exc:
        raise InputError(f"cannot write in {out.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
