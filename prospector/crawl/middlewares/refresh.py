"""Meta-refresh redirects: Scrapy's middleware, asked only of pages that may have one.

Scrapy's MetaRefreshMiddleware decodes every HTML response whole (`response.text`) to
look for `<meta http-equiv="refresh">` in its first 4,096 characters: ≈ 2 % of a fast
crawl's one busy thread on the bulk sample web, for pages that almost never have one.
A page whose first bytes do not spell "refresh" in any case cannot have one there, so
it goes on untouched; any other goes to Scrapy's code, which decides as before.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

# Scrapy reads 4,096 characters: at most 4 bytes each in UTF-8, UTF-16 and UTF-32, plus a
# byte-order mark. ASCII-compatible encodings spell "refresh" as ASCII; UTF-16 and
# UTF-32 put zero bytes between its letters (either byte order). EBCDIC pages are not
# looked at (Scrapy's own decoding of them is a guess at best).
WINDOW = 4 * 4096 + 4
ASCII_WINDOW = 4096 + 4


def may_refresh(body: bytes) -> bool:
    """Whether Scrapy's first 4,096 characters of `body` may spell "refresh" (any case).

    Byte operations only (a regular expression ignoring case over the same bytes cost
    more than Scrapy's decoding). When the first bytes are ASCII with no zero byte, they
    are the first characters in any ASCII-compatible encoding, and 4,100 bytes are
    enough; otherwise (multi-byte characters, UTF-16, UTF-32) the whole WINDOW is read,
    its zero bytes dropped."""
    head = body[:ASCII_WINDOW]
    if not head.isascii() or b"\x00" in head:
        head = body[:WINDOW].replace(b"\x00", b"")
    return b"refresh" in head.lower()


class MetaRefresh(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware (same settings, same redirects), skipping the
    pages that cannot have a meta refresh where it looks."""

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_refresh(response.body):
            return response
        return super().process_response(request, response)
