"""A tiny web of made-up hosts behind a real HTTP proxy on a loopback port, for crawls
that need hosts the sample web does not have: pages chosen per test, a download that
never ends, a record of every request.

A crawl with `--proxy http://127.0.0.1:PORT` sends each request here in proxy form
(`GET http://host/path HTTP/1.1`, RFC 9112 §3.2.2, absolute-form), so any host name
reaches it without DNS; the host and path are read from that absolute URL."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

STUCK = "<stuck>"  # a page body meaning: accept the request, then never answer
REDIRECT = "<redirect>"  # a page body REDIRECT + URL: a 302 to that URL


@dataclass
class TinyWeb:
    pages: Mapping[str, str]  # "host/path" → HTML (or STUCK); anything else is a 404
    seen: list[str] = field(default_factory=list)  # "host/path" of every request, in order
    stop: threading.Event = field(default_factory=threading.Event)
    url: str = ""


def _handler(web: TinyWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            key = f"{parts.hostname or ''}{parts.path or '/'}"
            web.seen.append(key)
            body = web.pages.get(key)
            if body == STUCK:
                web.stop.wait()  # until the test ends: the crawler waits for ever
                return
            if body is not None and body.startswith(REDIRECT):
                self.send_response(302)
                self.send_header("Location", body[len(REDIRECT):])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = (body or "not here").encode("utf-8")
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the test reads `seen`

    return Handler


@contextmanager
def tiny_web(pages: Mapping[str, str]) -> Iterator[TinyWeb]:
    web = TinyWeb(pages)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(web))
    server.daemon_threads = True
    web.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        web.stop.set()
        server.shutdown()
        server.server_close()


def page(title: str, body: str = "") -> str:
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<h1>{title}</h1><p>All about beekeeping: hives, honey and bees.</p>{body}"
            "</body></html>")
