"""The hostile part of the sample web: traps, bombs and poisoned pages, served only when
asked for (`python -m prospector.sampleweb --hostile`, `SampleWebProcess(hostile=True)`).

Every fault has a host of its own under `.test`, so a crawl records each one for its
site. `hostile.test` links to all of them. Nothing here is pre-rendered: the big answers
are streamed in chunks, so the server's own memory stays small.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import zlib
from collections.abc import Awaitable, Callable
from functools import cache

from aiohttp import web

from .feeds import FEED_HOSTS, feed_host_answer

HTML = "text/html; charset=utf-8"
MB = 1024 * 1024
BIG_BODY_BYTES = 50 * MB
BOMB_INFLATED_BYTES = 200 * MB  # what the gzip bomb inflates to (≈200 KB on the wire)
LONG_LINE_BYTES = 5 * MB
FLOOD_LINKS = 100_000
DRIP_SECONDS = 600  # one byte a second, for at most this long
RESET_AFTER_BYTES = 4096

# The addresses a hostile page links or redirects to: none of them may ever be asked.
PRIVATE_TARGETS = (
    "http://127.0.0.1/health",
    "http://10.0.0.5/",
    "http://192.168.1.1/admin",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/health",
    "http://224.0.0.1/",
    "http://localhost/health",
)
BAD_SCHEMES = (
    "file:///etc/passwd",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
)
# same-site path on ssrf.test → where it redirects
SSRF_REDIRECTS = {
    "/contact": "http://169.254.169.254/latest/meta-data/",
    "/about": "http://127.0.0.1/health",
    "/advertise": "http://10.0.0.5/",
    "/write-for-us": "http://localhost/health",
    "/team": "http://[::1]/health",
    "/partners": "file:///etc/passwd",
}
XSS_TITLE = '<script>alert("title")</script><img src=x onerror=alert("img")> Beekeeping \x1b[31mred\x07'
XSS_AUTHOR = '<img src=x onerror=alert("author")>'
XSS_EMAILS = ("=1+2@xss.test", "-2+3@xss.test", "+cmd@xss.test", "@sum@xss.test")


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{body}<p>A beekeeping page.</p></body></html>")


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(status=status, body=text.encode("utf-8"), headers={"Content-Type": HTML})


# -- the faults, one handler each: (request, path) → response --------------------------
async def _index(request: web.Request, path: str) -> web.StreamResponse:
    links = "".join(f'<li><a href="http://{h}/">{h}</a></li>'
                    for h in sorted({*HOSTS, *PARSER_HOSTS}) if h != "hostile.test")
    return _html(_page("The hostile web", f"<ul>{links}</ul>"))


async def _calendar(request: web.Request, path: str) -> web.StreamResponse:
    """An infinite calendar: every month links the next and the previous, and each
    month's pages are named like the pages a crawler follows (about, contact)."""
    parts = [p for p in path.split("?")[0].split("/") if p.isdigit()]
    year, month = (int(parts[0]), int(parts[1])) if len(parts) >= 2 else (2025, 1)
    nxt = (year + month // 12, month % 12 + 1)
    prv = (year - (month == 1), (month - 2) % 12 + 1)
    body = (f'<a href="/about/{nxt[0]}/{nxt[1]:02d}/">next month</a> '
            f'<a href="/about/{prv[0]}/{prv[1]:02d}/">previous month</a> '
            + "".join(f'<a href="/contact/{year}/{month:02d}/{d:02d}/">day {d}</a> '
                      for d in range(1, 29)))
    return _html(_page(f"Beekeeping events {year}-{month:02d}", body))


async def _sessions(request: web.Request, path: str) -> web.StreamResponse:
    """Every answer links fresh session-id URLs: endless distinct addresses."""
    count = request.app[COUNTER_KEY]
    count[0] += 1
    n = count[0]
    body = "".join(f'<a href="/contact?sid={n}-{i}&PHPSESSID={n * 97 + i}">contact</a> '
                   f'<a href="/about;jsessionid={n}{i}">about</a> ' for i in range(20))
    return _html(_page("Beekeeping sessions", body))


async def _loop(request: web.Request, path: str) -> web.StreamResponse:
    """/ → /a → /b → /a → … forever."""
    target = "/b" if path == "/a" else "/a"
    raise web.HTTPFound(location=f"http://loop.test{target}")


async def _big(request: web.Request, path: str) -> web.StreamResponse:
    """50 MB of HTML, chunked (no Content-Length), so only the running count can stop it."""
    response = web.StreamResponse(headers={"Content-Type": HTML})
    await response.prepare(request)
    chunk = (b"<p>beekeeping honey hive swarm queen drone</p>\n" * 1400)[:65536]
    sent = 0
    with contextlib.suppress(ConnectionError):
        await response.write(b"<!DOCTYPE html><html><head><title>Big</title></head><body>")
        while sent < BIG_BODY_BYTES:
            await response.write(chunk)
            sent += len(chunk)
        await response.write_eof()
    return response


@cache
def _bomb_body() -> bytes:
    """A gzip stream that inflates to BOMB_INFLATED_BYTES, built in 1 MB steps."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    block = b"<p>" + b"bees " * (MB // 5)
    parts = [z.compress(b"<!DOCTYPE html><html><head><title>Bomb</title></head><body>")]
    for _ in range(BOMB_INFLATED_BYTES // len(block)):
        parts.append(z.compress(block))
    parts.append(z.flush())
    return b"".join(parts)


async def _bomb(request: web.Request, path: str) -> web.StreamResponse:
    return web.Response(body=_bomb_body(), headers={"Content-Type": HTML,
                                                    "Content-Encoding": "gzip"})


async def _drip(request: web.Request, path: str) -> web.StreamResponse:
    """One byte a second."""
    response = web.StreamResponse(headers={"Content-Type": HTML,
                                           "Content-Length": str(DRIP_SECONDS)})
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):
        for _ in range(DRIP_SECONDS):
            await response.write(b" ")
            await asyncio.sleep(1.0)
    return response


async def _reset(request: web.Request, path: str) -> web.StreamResponse:
    """Promises 200 KB, sends 4 KB, then resets the connection (RST, not FIN)."""
    response = web.StreamResponse(headers={"Content-Type": HTML, "Content-Length": "200000"})
    await response.prepare(request)
    await response.write(b"<!DOCTYPE html><html><head><title>Reset</title></head><body>"
                         + b"<p>beekeeping</p>" * (RESET_AFTER_BYTES // 17))
    await asyncio.sleep(0.05)
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return response


async def _storm(request: web.Request, path: str) -> web.StreamResponse:
    """Every request fails with a 5xx, round-robin."""
    count = request.app[COUNTER_KEY]
    count[1] += 1
    status = (500, 502, 503, 504)[count[1] % 4]
    return web.Response(status=status, text=f"{status} server on fire\n",
                        headers={"Retry-After": "1"})


async def _robots(request: web.Request, path: str) -> web.StreamResponse:
    if path == "/robots.txt":
        return web.Response(text="User-agent: *\nDisallow: /\n", content_type="text/plain")
    return _html(_page("Robots wall: beekeeping", '<a href="/contact">contact</a>'))


def _charset_page(host: str, title: str, text: str, email: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{text}</p><p>beekeeping</p><p>Contact: <a href=\"mailto:{email}\">{email}</a>"
            f"</p></body></html>")


async def _cp1251(request: web.Request, path: str) -> web.StreamResponse:
    """Windows-1251 bytes, no charset anywhere (header or meta)."""
    text = _charset_page("cp1251.test", "Пчеловодство для всех", "Мёд, ульи и пчёлы.",
                         "pchely@cp1251.test")
    return web.Response(body=text.encode("cp1251"), headers={"Content-Type": "text/html"})


async def _sjis(request: web.Request, path: str) -> web.StreamResponse:
    """Shift_JIS bytes, no charset anywhere."""
    text = _charset_page("sjis.test", "養蜂の森", "はちみつと巣箱の話。", "mitsu@sjis.test")
    return web.Response(body=text.encode("shift_jis"), headers={"Content-Type": "text/html"})


async def _latin1(request: web.Request, path: str) -> web.StreamResponse:
    """Latin-1 bytes labelled UTF-8 (header and meta): invalid UTF-8 throughout."""
    text = _charset_page("latin1.test", "Apiculture à Genève — ruchers", "Miel, abeilles, été.",
                         "rucher@latin1.test").replace(
        "<head>", '<head><meta charset="utf-8">')
    return web.Response(body=text.encode("latin-1", "replace"), headers={"Content-Type": HTML})


async def _malformed(request: web.Request, path: str) -> web.StreamResponse:
    body = (b"<html><head><title>Malformed <b>beekeeping</title><body><div><p><table><tr><td>"
            b"<a href='/contact>broken quote<a href=\"/about\" <<<>>> </td></div></p>"
            b"<!-- a comment that never closes <p>hidden? "
            b"\x00\x00 NUL bytes \x00 <p>write to <a href=mailto:queen@malformed.test>queen</a>"
            + b"<div>" * 20_000 + b"deep beekeeping" + b"</span>" * 500
            + b"</html></html><html><body>second document")
    return web.Response(body=body, headers={"Content-Type": HTML})


async def _binary(request: web.Request, path: str) -> web.StreamResponse:
    body = random.Random(1234).randbytes(512 * 1024)
    return web.Response(body=body, headers={"Content-Type": HTML})


async def _xss(request: web.Request, path: str) -> web.StreamResponse:
    """Script, onerror and javascript: payloads in the title, names, links and emails,
    plus terminal escape sequences and CSV formulas."""
    import html

    mails = " ".join(f'<a href="mailto:{html.escape(m)}">{html.escape(m)}</a>' for m in XSS_EMAILS)
    body = (f'<!DOCTYPE html><html><head><title>{html.escape(XSS_TITLE)}</title>'
            f'<meta name="author" content="{html.escape(XSS_AUTHOR)}">'
            '<script type="application/ld+json">{"@type":"Person",'
            '"name":"<script>alert(\\"ld\\")</script>","email":"ld@xss.test"}</script>'
            f'</head><body><h1>{html.escape(XSS_TITLE)}</h1>'
            '<a href="javascript:alert(\'link\')">contact</a>'
            '<a href="/contact" onclick="alert(1)">contact us</a>'
            f'<p>beekeeping. {mails}</p>'
            '<p>Write to <a href="mailto:owner@xss.test">owner@xss.test</a></p>'
            '<img src=x onerror="alert(\'body\')"></body></html>')
    return web.Response(body=body.encode("utf-8"), headers={"Content-Type": HTML})


async def _ssrf(request: web.Request, path: str) -> web.StreamResponse:
    """Links to private addresses and bad schemes; same-site pages that redirect there."""
    route = path.split("?")[0]
    if route in SSRF_REDIRECTS:
        raise web.HTTPFound(location=SSRF_REDIRECTS[route])
    links = "".join(f'<a href="{u}">{u}</a> ' for u in (*PRIVATE_TARGETS, *BAD_SCHEMES))
    own = "".join(f'<a href="{p}">{p.strip("/")}</a> ' for p in SSRF_REDIRECTS)
    return _html(_page("Beekeeping SSRF", links + own))


async def _flood(request: web.Request, path: str) -> web.StreamResponse:
    """One page with 100,000 links, each to a registered domain of its own."""
    response = web.StreamResponse(headers={"Content-Type": HTML})
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):
        await response.write(b"<!DOCTYPE html><html><head><title>Beekeeping links</title></head>"
                             b"<body><h2>Resources</h2><ul>")
        for start in range(0, FLOOD_LINKS, 1000):
            await response.write("".join(
                f'<li><a href="http://bees-{i}.test/">bees {i}</a></li>\n'
                for i in range(start, start + 1000)).encode())
        await response.write(b"</ul></body></html>")
        await response.write_eof()
    return response


async def _longline(request: web.Request, path: str) -> web.StreamResponse:
    """5 MB on one line, no newline anywhere, an email at its end."""
    words = b"beekeeping honey hive swarm queen drone comb wax "
    line = (words * (LONG_LINE_BYTES // len(words) + 1))[:LONG_LINE_BYTES]
    body = (b"<!DOCTYPE html><html><head><title>Long line</title></head><body><p>" + line
            + b" write to longline@longline.test</p></body></html>")
    return web.Response(body=body, headers={"Content-Type": HTML})


# -- parser bombs (issue 23): markup whose parse takes lexbor seconds to minutes --------
# (extract_page's CPU time on each page without extract.bounds, printed by
# bench/bounds.py: 22-24 s, 39-52 s and 0.8-1.0 s here; issue 23 measured 69 s and 87 s on
# pages like the first two, and 3 s on another misnesting.)
NESTED_DIVS = 100_000  # 1.1 MB
MANY_ATTRIBUTES = 100_000  # on one element, 1.4 MB
MISNESTED_FORMATTING = 2_000  # formatting elements misnested with <p>
# host → the contact its page gives before the bomb: the caps of extract.bounds keep it.
PARSER_CONTACTS = {
    "deep.test": "keeper@deep.test",
    "attributes.test": "keeper@attributes.test",
    "misnested.test": "keeper@misnested.test",
}
_FORMATTING_TAGS = ("b", "i", "u", "em", "strong", "font", "small", "s")


def _bomb_page(host: str, bomb: str) -> bytes:
    email = PARSER_CONTACTS[host]
    return (f'<!DOCTYPE html><html><head><title>Beekeeping at {host}</title></head><body>'
            f'<h1>Beekeeping at {host}</h1><p>Write to <a href="mailto:{email}">{email}</a>'
            f'</p>{bomb}<p>A beekeeping page.</p></body></html>').encode()


@cache
def parser_bomb(host: str) -> bytes:
    """The page of a parser-bomb host (PARSER_CONTACTS): a contact, then the bomb."""
    if host == "deep.test":
        return _bomb_page(host, "<div>" * NESTED_DIVS + "honey" + "</div>" * NESTED_DIVS)
    if host == "attributes.test":
        attributes = " ".join(f"data-a{i}=x" for i in range(MANY_ATTRIBUTES))
        return _bomb_page(host, f"<div {attributes}>honey</div>")
    # Each start tag opens a <p> inside it; each end tag then runs the adoption agency
    # algorithm, which clones the formatting elements still open (distinct ids: the
    # parser merges no identical ones).
    tags = [_FORMATTING_TAGS[i % len(_FORMATTING_TAGS)] for i in range(MISNESTED_FORMATTING)]
    return _bomb_page(host, "".join(f'<{t} id="f{i}"><p>' for i, t in enumerate(tags))
                      + "".join(f"</{t}>honey " for t in tags))


Handler = Callable[[web.Request, str], Awaitable[web.StreamResponse]]


def _parser_bomb(host: str) -> Handler:
    async def answer(request: web.Request, path: str) -> web.StreamResponse:
        return web.Response(body=parser_bomb(host), headers={"Content-Type": HTML})
    return answer

# host → (handler, what a crawl must record for it)
HOSTS: dict[str, Handler] = {
    "hostile.test": _index,
    "calendar.test": _calendar,
    "sessions.test": _sessions,
    "loop.test": _loop,
    "big.test": _big,
    "bomb.test": _bomb,
    "drip.test": _drip,
    "reset.test": _reset,
    "storm.test": _storm,
    "robots.test": _robots,
    "cp1251.test": _cp1251,
    "sjis.test": _sjis,
    "latin1.test": _latin1,
    "malformed.test": _malformed,
    "binary.test": _binary,
    "xss.test": _xss,
    "ssrf.test": _ssrf,
    "flood.test": _flood,
    "longline.test": _longline,
}
# Served and linked from hostile.test, but not in HOSTS: test_hostile's crawl of HOSTS
# predates them (the crawl that meets them adds them to its seeds).
PARSER_HOSTS: dict[str, Handler] = {host: _parser_bomb(host) for host in PARSER_CONTACTS}


def _hostile_feed(host: str, path: str) -> web.StreamResponse:
    body, content_type = feed_host_answer(host, path)
    return web.Response(body=body, headers={"Content-Type": content_type})


COUNTER_KEY = web.AppKey("hostile_counter", list[int])
SEEN_KEY = web.AppKey("hostile_seen", list[str])
MAX_SEEN = 100_000


def install(app: web.Application) -> None:
    """Make `app` serve the hostile hosts (see `handle`) and log what it is asked."""
    app[COUNTER_KEY] = [0, 0]
    app[SEEN_KEY] = []


def is_enabled(app: web.Application) -> bool:
    return SEEN_KEY in app


def record(app: web.Application, host: str, path: str) -> None:
    """Every request the hostile server receives, as `host path`: tests check from it
    that no private address was ever asked for."""
    seen = app[SEEN_KEY]
    if len(seen) < MAX_SEEN:
        seen.append(f"{host} {path}")


async def handle(request: web.Request, host: str, path: str) -> web.StreamResponse | None:
    """The hostile answer for `host`, or None when the host is not hostile."""
    handler = HOSTS.get(host) or PARSER_HOSTS.get(host)
    if handler is None and host not in FEED_HOSTS:
        return None
    if path == "/robots.txt" and host != "robots.test":
        return web.Response(text="User-agent: *\nAllow: /\n", content_type="text/plain")
    if handler is None:  # issue 21: sampleweb.feeds (not linked from hostile.test)
        return _hostile_feed(host, path)
    return await handler(request, path)
