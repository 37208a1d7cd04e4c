"""The bulk part of the sample web: deterministic, the promised size and links, every
page reachable by contact-like links, and served over HTTP beside the normal web."""

from __future__ import annotations

import http.client
import re

import pytest

from prospector.extract import extract_page
from prospector.sampleweb.bulk import LINKS_PER_PAGE, PAGE_BYTES, BulkWeb
from prospector.sampleweb.model import HTML
from prospector.sampleweb.proc import SampleWebProcess
from prospector.urls import registered_domain
from tests.test_sampleweb import _raw

_HREF = re.compile(rb'<a href="([^"]+)"')


def test_deterministic_size_and_links() -> None:
    web = BulkWeb(7, 40, 10)
    assert web.render(3, 4) == BulkWeb(7, 40, 10).render(3, 4)
    assert web.render(3, 4) != BulkWeb(8, 40, 10).render(3, 4)
    domains = {web.domain(i) for i in range(web.sites)}
    assert len(domains) == web.sites
    for i in range(web.sites):
        for n, path in enumerate(web.paths()):
            body = web.render(i, n)
            assert PAGE_BYTES <= len(body) <= PAGE_BYTES + 1500, (i, path, len(body))
            hrefs = [h.decode() for h in _HREF.findall(body)]
            assert len(hrefs) == LINKS_PER_PAGE
            outbound = {h for h in hrefs if h.startswith("http://")}
            assert outbound and outbound <= {web.home(k) for k in range(web.sites) if k != i}
            # Every in-site link leads to a page of the site.
            assert {h for h in hrefs if h.startswith("/")} <= set(web.paths())
        contact = web.render(i, web.paths().index("/contact/")).decode()
        assert f"@{web.domain(i)}" in contact


@pytest.mark.parametrize("pages", [1, 10, 24])
def test_every_page_reachable_by_the_prospect_spiders_links(pages: int) -> None:
    """The prospect spider follows contact-like links only, ten a page: from home, those
    links alone reach every page of a site, so it fetches what a bare crawler fetches."""
    web = BulkWeb(7, 5, pages)
    paths = web.paths()
    seen, todo = {"/"}, ["/"]
    while todo:
        path = todo.pop()
        url = f"http://{web.host(2)}{path}"
        facts = extract_page(url, web.render(2, paths.index(path)), HTML)
        assert facts.links and all(registered_domain(link.target_url) != web.domain(2)
                                   for link in facts.links)
        for target in facts.follow:
            new = target.removeprefix(f"http://{web.host(2)}")
            if new not in seen:
                seen.add(new)
                todo.append(new)
    assert seen == set(paths)
    emails = {c.value for c in extract_page(f"http://{web.host(2)}/", web.render(2, 0), HTML)
              .contacts}
    assert not emails  # the address is on /about/ and /contact/ only
    if pages > 2:
        contact = extract_page(f"http://{web.host(2)}/contact/",
                               web.render(2, paths.index("/contact/")), HTML)
        assert {c.value for c in contact.contacts} == {f"admin@{web.domain(2)}"}


def test_names_and_answers() -> None:
    web = BulkWeb(7, 30, 3)
    assert web.site_of(web.host(29)) == 29 and web.site_of(web.domain(0)) == 0
    assert web.site_of(web.host(29).replace("-00029", "-00030")) is None  # beyond the web
    assert web.site_of("www.honey-forum.test") is None  # a normal sample-web name
    assert web.respond("nowhere.test", "/") is None
    assert web.respond(web.domain(4), "/about/") is not None
    assert web.respond(web.domain(4), "/about/").location == f"http://{web.host(4)}/about/"  # type: ignore[union-attr]
    assert web.respond(web.host(4), "/about").location == f"http://{web.host(4)}/about/"  # type: ignore[union-attr]
    assert web.respond(web.host(4), "/nope/").status == 404  # type: ignore[union-attr]
    robots = web.respond(web.host(4), "/robots.txt")
    assert robots is not None and robots.body.startswith(b"User-agent: *")
    assert len(web.seed_lines()) == 30 and web.total_pages() == 90




def test_served_over_http_beside_the_normal_web() -> None:
    web = BulkWeb(7, 12, 4)
    with SampleWebProcess(bulk_sites=12, bulk_pages=4) as proc:
        conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=10)
        conn.request("GET", "/bulk-seeds.txt")
        seeds = conn.getresponse().read().decode().split()
        assert seeds == web.seed_lines()
        conn.request("GET", "/contact/", headers={"Host": web.host(5)})
        answer = conn.getresponse()
        assert answer.status == 200 and answer.getheader("Content-Type") == HTML
        assert answer.read() == web.render(5, 2)
        conn.request("GET", "/", headers={"Host": "www.nope-nope-00001.test"})
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 404
        conn.close()
        # Proxy-style, as Scrapy sends it through --proxy.
        raw = _raw(proc.port, f"GET {web.home(11)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n".encode())
        assert raw.startswith(b"HTTP/1.1 200") and raw.endswith(web.render(11, 0))
