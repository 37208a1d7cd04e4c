"""The sample web, logging when each request arrives: `python tests/timed_sampleweb.py LOG`.

Prints `PORT=<n>` once listening; appends `<unix time> <host> <path>` to LOG for every
request (the politeness tests measure the gaps between requests to one host from it).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prospector.sampleweb.server import _target, make_app

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def serve(log_path: str) -> None:
    app = make_app(seed=7)
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open while serving

    @web.middleware
    async def timing(request: web.Request, handler: Handler) -> web.StreamResponse:
        host, path = _target(request)
        log.write(f"{time.time():.6f} {host} {path}\n")
        return await handler(request)

    app.middlewares.append(timing)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    print(f"PORT={port}", flush=True)
    await asyncio.Event().wait()


def start(log: Path) -> tuple[subprocess.Popen[str], str]:
    """Start this server in a subprocess logging to LOG; returns it and its base URL."""
    web_proc = subprocess.Popen([sys.executable, __file__, str(log)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
    assert web_proc.stdout is not None
    line = web_proc.stdout.readline().strip()
    web_proc.stdout.close()  # the server prints nothing after its port
    assert line.startswith("PORT="), line
    return web_proc, f"http://127.0.0.1:{line.removeprefix('PORT=')}"


def pages_logged(log: Path) -> int:
    """Requests for site pages so far (search queries and robots.txt not counted)."""
    try:
        lines = log.read_text().splitlines()
    except FileNotFoundError:
        return 0
    paths = (line.split(" ", 2)[-1] for line in lines)
    return sum(1 for path in paths if not path.startswith(("/search", "/robots.txt")))


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
