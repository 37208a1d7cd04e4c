"""Meta-refresh redirects (prospector.crawl.middlewares.refresh): the same answer as
Scrapy's MetaRefreshMiddleware on every page, without decoding the pages that cannot
have one."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from prospector.crawl.middlewares.refresh import MetaRefresh, may_refresh

URL = "https://bees.test/old"
TAG = '<meta http-equiv="refresh" content="0; url=/new">'


def page(head: str, encoding: str = "utf-8", filler: int = 0) -> bytes:
    html = (f"<html><head>{'<!-- ' + 'x' * filler + ' -->' if filler else ''}{head}"
            f"<title>Hives</title></head><body><p>bees</p></body></html>")
    return html.encode(encoding)


CASES: dict[str, tuple[bytes, str, type[Response]]] = {
    "no refresh": (page(""), "utf-8", HtmlResponse),
    "refresh": (page(TAG), "utf-8", HtmlResponse),
    "upper case": (page(TAG.upper().replace("/NEW", "/new")), "utf-8", HtmlResponse),
    "unquoted": (page("<META HTTP-EQUIV=Refresh CONTENT='0;URL=/new'>"), "utf-8",
                 HtmlResponse),
    "a long delay": (page('<meta http-equiv="refresh" content="3600; url=/new">'), "utf-8",
                     HtmlResponse),
    "utf-16": (page(TAG, "utf-16"), "utf-16", HtmlResponse),
    "utf-16-be, no BOM": (page(TAG, "utf-16-be"), "utf-16-be", HtmlResponse),
    "utf-32": (page(TAG, "utf-32"), "utf-32", HtmlResponse),
    "after 3,000 characters of multi-byte text": (
        page(TAG).replace(b"<head>", b"<head><!-- " + ("é" * 3_000).encode() + b" -->"),
        "utf-8", HtmlResponse),
    "past the 4,096 characters Scrapy reads": (page(TAG, filler=5_000), "utf-8",
                                               HtmlResponse),
    "ending just inside them": (page(TAG, filler=3_960), "utf-8", HtmlResponse),
    "ending just past them": (page(TAG, filler=4_030), "utf-8", HtmlResponse),
    "utf-16, past 2,048 characters": (page(TAG, "utf-16", filler=3_000), "utf-16",
                                      HtmlResponse),
    "the word elsewhere only": (page("<p>refresh your hives</p>"), "utf-8", HtmlResponse),
    "not HTML": (TAG.encode(), "utf-8", TextResponse),
}


def outcome(middleware: Any, body: bytes, encoding: str, kind: type[Response]) -> str:
    response = kind(URL, body=body, encoding=encoding)
    result = middleware.process_response(Request(URL), response)
    return result.url if isinstance(result, Request) else "page kept"


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_answer_as_scrapys_middleware(name: str) -> None:
    body, encoding, kind = CASES[name]
    crawler = get_crawler(settings_dict={})
    ours = outcome(MetaRefresh.from_crawler(crawler), body, encoding, kind)
    scrapys = outcome(MetaRefreshMiddleware.from_crawler(crawler), body, encoding, kind)
    assert ours == scrapys
    followed = name in {"refresh", "upper case", "unquoted", "utf-16", "utf-16-be, no BOM",
                        "utf-32", "after 3,000 characters of multi-byte text",
                        "ending just inside them", "utf-16, past 2,048 characters"}
    # (Scrapy keeps a UTF-16/32 byte-order mark in the URL's query: its answer, ours too.)
    assert ours.startswith("https://bees.test/new") is followed


@pytest.mark.parametrize(("body", "expected"), [
    (page(""), False),
    (page(TAG), True),
    (page(TAG, filler=20_000), False),  # past the window: Scrapy does not read that far
    ("REFRESH".encode("utf-32-le"), True),
])
def test_may_refresh(body: bytes, expected: bool) -> None:
    assert may_refresh(body) is expected
