"""The Redis side of a distributed crawl: the connection, this worker's name, a job's
keys and the Lua scripts (files in `lua/`, loaded like the store's migrations)."""

from __future__ import annotations

import os
import re
import socket
from functools import cache
from importlib import resources

import redis

from prospector.errors import BackendError

# The job workers join when none is named (`prospector worker --job`).
CURRENT_JOB_KEY = "prospector:current"
# A worker whose heartbeat is older than this is taken for dead.
STALE_SECONDS = 15.0
HEARTBEAT_SECONDS = 2.0

# `--@include name` in a script: the text of lua/name.lua, for parts two scripts share.
_INCLUDE = re.compile(r"^--@include (\w+)$", re.MULTILINE)


def worker_id() -> str:
    """This process's name among the workers."""
    return f"{socket.gethostname()}:{os.getpid()}"


def text(value: bytes | str) -> str:
    """A Redis answer as text (the clients here do not decode responses)."""
    return value.decode() if isinstance(value, bytes) else value


def job_key(prefix: str, name: str) -> str:
    """The key `name` of the job under `prefix`; every key of a job starts so, which
    lets `cleanup` find them all."""
    return f"{prefix}:{name}"


def connect(url: str) -> redis.Redis:
    try:
        server = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise BackendError(f"redis {url} unreachable: {exc}") from None
    return server


@cache
def lua(name: str) -> str:
    """The Lua script `lua/<name>.lua`, its includes resolved."""
    source = resources.files("prospector.distributed").joinpath("lua", f"{name}.lua")
    body = source.read_text("utf-8")
    return _INCLUDE.sub(lambda match: lua(match.group(1)).rstrip("\n"), body)
