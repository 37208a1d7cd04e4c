"""Errors a user can act on, each with the exit code a scheduler can branch on.

Everything the CLI catches is one of these, printed as one line; anything else is a bug.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USAGE = 2  # bad flags or bad input (keyword, seed file, config)
    DATABASE = 3  # DB path unusable: a directory, unreadable, read-only, newer schema
    LOCKED = 4  # another process holds the DB
    BACKEND = 5  # search backend unreachable or refusing
    PARTIAL = 6  # the run finished but some sites failed
    NO_SPACE = 7  # the disk filled up during a write: free space, run again; nothing stored is lost
    INTERRUPTED = 130


class ProspectorError(Exception):
    """An error with a one-line message for the user and an exit code."""

    code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, code: ExitCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InputError(ProspectorError):
    code = ExitCode.USAGE


class DatabaseError(ProspectorError):
    code = ExitCode.DATABASE


class LockedError(ProspectorError):
    code = ExitCode.LOCKED


class BackendError(ProspectorError):
    code = ExitCode.BACKEND
