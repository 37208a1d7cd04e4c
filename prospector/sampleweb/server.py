"""One aiohttp server for every host of the sample web, plus the control host
(search, truth, health).

Requests are dispatched on the Host header, or on the authority of an absolute-form
request line (`GET http://bee-forum.test/x HTTP/1.1`), which is what a client sends
when it uses this server as its HTTP proxy. Every response body is pre-rendered, except
the optional bulk sites' (bulk.py), which are rendered on request.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import signal
from collections.abc import Callable
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from aiohttp import web

from . import hostile
from .bulk import BulkWeb
from .generator import build
from .model import HTML, SampleWeb
from .search import Index
from .truth import truth

CONTROL_HOSTS = frozenset({"127.0.0.1", "localhost", "search.test", "::1", "[::1]"})
WEB_KEY = web.AppKey("sampleweb", SampleWeb)
INDEX_KEY = web.AppKey("index", Index)
TRUTH_KEY = web.AppKey("truth", bytes)
BULK_KEY = web.AppKey("bulk", BulkWeb)

NOT_FOUND = (b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
             b"<body><h1>Not Found</h1><p>The requested page does not exist.</p></body></html>")


def _target(request: web.Request) -> tuple[str, str]:
    """(host, path-with-query) of the request, honouring absolute-form request lines."""
    raw = request.raw_path
    if raw.startswith(("http://", "https://")):
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower()
        path = parts.path or "/"
        return host, f"{path}?{parts.query}" if parts.query else path
    host = request.headers.get("Host", "")
    # Strip the port; a bracketed IPv6 literal keeps its colons.
    host = host[: host.find("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]
    return host.lower().rstrip("."), raw or "/"


async def handle(request: web.Request) -> web.StreamResponse:
    host, path = _target(request)
    sw = request.app[WEB_KEY]
    if hostile.is_enabled(request.app):
        hostile.record(request.app, host, path)
        answer = await hostile.handle(request, host, path)
        if answer is not None:
            return answer
    if host in CONTROL_HOSTS:
        return _control(request, path)
    site = sw.hosts.get(host)
    if site is None and BULK_KEY in request.app:
        return _bulk(request, host, path)
    if site is None:
        # 404 rather than 502: crawlers retry 5xx, and an unknown host will not appear.
        return web.Response(status=404, text=f"unknown host {host!r}\n")
    if host != site.host:
        # Bare domains answer with a redirect to the canonical www host.
        raise web.HTTPMovedPermanently(location=f"http://{site.host}{path}")
    page = site.pages.get(path)
    if page is None and "?" not in path and not path.endswith("/"):
        page = site.pages.get(path + "/")
        if page is not None:
            raise web.HTTPMovedPermanently(location=f"http://{site.host}{path}/")
    if page is None:
        return web.Response(status=404, body=NOT_FOUND, headers={"Content-Type": HTML})
    return _validated(request, page.body, page.content_type)


def _validated(request: web.Request, body: bytes, content_type: str) -> web.Response:
    """Validators as real servers send them, so conditional re-crawls can be tested:
    the body's hash is its ETag; a matching If-None-Match gets 304 with no body."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(body=body, headers={"Content-Type": content_type, "ETag": etag})


def _bulk(request: web.Request, host: str, path: str) -> web.StreamResponse:
    """The bulk part (bulk.py): pages rendered on request, nothing kept."""
    page = request.app[BULK_KEY].respond(host, path)
    if page is None:
        return web.Response(status=404, text=f"unknown host {host!r}\n")
    if page.location:
        raise web.HTTPMovedPermanently(location=page.location)
    if page.status == 404:
        return web.Response(status=404, body=NOT_FOUND, headers={"Content-Type": HTML})
    return _validated(request, page.body, page.content_type)


def _control(request: web.Request, path: str) -> web.Response:
    route = path.split("?", 1)[0]
    if route == "/health":
        return web.Response(text="ok", content_type="text/plain")
    if route == "/bulk-seeds.txt" and BULK_KEY in request.app:
        lines = request.app[BULK_KEY].seed_lines()
        return web.Response(text="".join(f"{line}\n" for line in lines),
                            content_type="text/plain")
    if route == "/truth.json":
        return web.Response(body=request.app[TRUTH_KEY], content_type="application/json")
    if route == "/hostile-log.json" and hostile.is_enabled(request.app):
        return web.Response(text=json.dumps(request.app[hostile.SEEN_KEY]),
                            content_type="application/json")
    if route == "/search":
        q = request.query.get("q", "").strip()
        if not q:
            return web.Response(status=400, text="missing query parameter q\n")
        if request.query.get("format", "json") != "json":
            return web.Response(status=403, text="403 Forbidden: only format=json is enabled\n")
        try:
            pageno = int(request.query.get("pageno", "1"))
        except ValueError:
            return web.Response(status=400, text="pageno must be an integer\n")
        answer = request.app[INDEX_KEY].answer(q, pageno)
        return web.Response(text=json.dumps(answer), content_type="application/json")
    return web.Response(status=404, body=NOT_FOUND, headers={"Content-Type": HTML})


def make_app(seed: int = 7, today: date | None = None, hostile_web: bool = False,
             bulk: BulkWeb | None = None) -> web.Application:
    """The sample web's app; `hostile_web` adds the hostile hosts (see hostile.py),
    `bulk` the bulk sites (see bulk.py)."""
    sw = build(seed, today or datetime.now(UTC).date())
    app = web.Application()
    if hostile_web:
        hostile.install(app)
    if bulk is not None:
        app[BULK_KEY] = bulk
    app[WEB_KEY] = sw
    app[INDEX_KEY] = Index(sw)
    app[TRUTH_KEY] = json.dumps(truth(sw), indent=1, sort_keys=True).encode()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def start(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 7,
    today: date | None = None,
    access_log: bool = False,
    hostile_web: bool = False,
    bulk: BulkWeb | None = None,
) -> tuple[web.AppRunner, int]:
    """Start serving in the running loop; returns the runner (call `cleanup()`) and port."""
    log = None
    if access_log:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        log = logging.getLogger("aiohttp.access")
    runner = web.AppRunner(make_app(seed, today, hostile_web, bulk), access_log=log,
                           handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    # With port 0 the OS picks the port; the runner knows which one it got.
    bound = runner.addresses[0][1] if runner.addresses else port
    return runner, int(bound)


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 7,
    today: date | None = None,
    ready: Callable[[int], None] | None = None,
    access_log: bool = False,
    hostile_web: bool = False,
    bulk: BulkWeb | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM; `ready(port)` is called once the socket listens."""
    asyncio.run(_serve(host, port, seed, today, ready, access_log, hostile_web, bulk))


async def _serve(
    host: str, port: int, seed: int, today: date | None,
    ready: Callable[[int], None] | None, access_log: bool, hostile_web: bool = False,
    bulk: BulkWeb | None = None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner, bound = await start(host, port, seed, today, access_log, hostile_web, bulk)
    try:
        if ready is not None:
            ready(bound)
        await stop.wait()
    finally:
        await runner.cleanup()
