"""Writing the user's output files: checked paths, atomic replacement, normal modes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prospector.errors import InputError


def check_out_path(out: Path, what: str) -> None:
    if out.is_dir():
        raise InputError(f"{what} path {out} is a directory; give a file path")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")


def write_atomic(out: Path, text: str, *, newline: str | None = None) -> None:
    """Write `text` to `out` so that a half-written file never replaces a good one."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix, dir=out.parent)
    except OSError as exc:
        raise InputError(f"cannot write in {out.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
        # mkstemp creates 0600; the output is meant to be read like any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
