"""A redis-server (the Debian package) on a free loopback port, without persistence: the
one launcher of the benches (bench/scaleout.py, bench/scale_inputs.py) and the
distributed tests (tests/test_distributed.py imports it, as it does bench/peak_rss.py)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


class RedisMissing(FileNotFoundError):
    """No redis-server on PATH."""


# How long a started server has to answer PING (0.05 s a try).
_PING_TRIES = 100


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start redis-server with its working directory in `folder`; yield its URL once it
    answers PING; stop it on the way out. RedisMissing when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisMissing("redis-server is not installed (scripts/system-packages.sh)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        try:
            for _ in range(_PING_TRIES):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
