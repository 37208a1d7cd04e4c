"""The sample web: deterministic, complete, truthful, and served correctly."""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import re
import socket
import subprocess
import sys
import time
import urllib.robotparser
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from prospector.sampleweb.contacts import EMAIL_METHODS
from prospector.sampleweb.generator import build
from prospector.sampleweb.model import SampleWeb, Site
from prospector.sampleweb.search import Index
from prospector.sampleweb.truth import truth, truth_json
from prospector.urls import registered_domain

TODAY = date(2024, 6, 1)
ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = ("contact", "about", "advertise", "write-for-us", "write for us", "partner",
            "affiliate", "sponsor", "impressum", "imprint")
BEE_TERMS = re.compile(r"\b(bees?|beekeep\w*|honey|hives?|apiar\w*|swarms?|beeswax|varroa)\b", re.I)


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return build(7, TODAY)


@pytest.fixture(scope="module")
def truth_doc(web: SampleWeb) -> dict[str, object]:
    return truth(web)


def _digest(w: SampleWeb) -> str:
    h = hashlib.sha256()
    for s in w.sites:
        for path in sorted(s.pages):
            h.update(f"{s.host}{path}".encode())
            h.update(s.pages[path].body)
    h.update(json.dumps(truth(w), sort_keys=True).encode())
    return h.hexdigest()


# -- a minimal, independent decoder: what a correct extractor must at least find --------

_A = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_HREF = re.compile(r'href="([^"]*)"')
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
_EMAIL = re.compile(r"[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)
_AT = re.compile(r"\s*[\[({]at[\])}]\s*|\s+AT\s+")
_DOT = re.compile(r"\s*[\[({]dot[\])}]\s*|\s+DOT\s+")


def _cf(blob: str) -> str:
    key = int(blob[:2], 16)
    return "".join(chr(int(blob[i : i + 2], 16) ^ key) for i in range(2, len(blob), 2))


def decode_emails(markup: str) -> set[str]:
    found = {_cf(b) for b in re.findall(r'data-cfemail="([0-9a-f]+)"', markup)}
    found |= {_cf(b) for b in re.findall(r"/cdn-cgi/l/email-protection#([0-9a-f]+)", markup)}
    found |= {f"{a}@{b}" for a, b in
              re.findall(r"document\.write\('([^']+)' \+ '@' \+ '([^']+)'\)", markup)}
    for blob in re.findall(r'<script type="application/ld\+json">(.*?)</script>', markup, re.S):
        email = json.loads(blob).get("email", "")
        if email:
            found.add(email.removeprefix("mailto:"))
    text = html.unescape(_SCRIPT.sub(" ", markup))
    text = _DOT.sub(".", _AT.sub("@", text))
    for m in _EMAIL.findall(text):
        m = m.rstrip(".").lower()
        if m.endswith(("@example.com", ".png", ".webp", ".jpg")):
            continue
        found.add(m)
    return {e.lower() for e in found}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _robots(site: Site) -> urllib.robotparser.RobotFileParser:
    rp = urllib.robotparser.RobotFileParser()
    rp.parse(site.pages["/robots.txt"].body.decode().splitlines())
    return rp


def contact_pages(site: Site) -> list[str]:
    """Home plus contact-like pages one link away, as a robots-obeying crawler sees them."""
    rp = _robots(site)
    if not rp.can_fetch("prospector", site.home):
        return []
    home = site.pages["/"].body.decode()
    paths = ["/"]
    for attrs, anchor in _A.findall(home):
        m = _HREF.search(attrs)
        if not m:
            continue
        href = html.unescape(m.group(1))
        anchor_text = html.unescape(re.sub(r"<[^>]+>", " ", anchor)).lower()
        if not any(k in href.lower() or k in anchor_text for k in KEYWORDS):
            continue
        parts = urlsplit(href if "//" in href else site.url(href))
        if parts.hostname != site.host:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in site.pages and path not in paths and rp.can_fetch("prospector", site.url(path)):
            paths.append(path)
    return paths


# -- the web ---------------------------------------------------------------------------


def test_deterministic_and_fast() -> None:
    t0 = time.perf_counter()
    a = build(7, TODAY)
    assert time.perf_counter() - t0 < 2.0
    assert _digest(a) == _digest(build(7, TODAY))
    assert _digest(a) != _digest(build(8, TODAY))
    assert _digest(a) != _digest(build(7, TODAY + timedelta(days=1)))
    assert truth_json(7, TODAY) == truth_json(7, TODAY)


def test_sites_kinds_platforms(web: SampleWeb) -> None:
    assert len(web.sites) >= 60
    forums = Counter(s.platform for s in web.sites if s.kind == "forum" and s.in_niche)
    for engine in ("phpbb", "vbulletin", "xenforo", "discourse", "smf", "mybb"):
        assert forums[engine] >= 2, engine
    blogs = Counter(s.platform for s in web.sites if s.kind == "blog" and s.in_niche)
    for platform in ("wordpress", "blogger", "ghost", "substack"):
        assert blogs[platform] >= 3, platform
    kinds = Counter(s.kind for s in web.sites)
    assert kinds["shop"] >= 5
    assert kinds["association"] >= 1 and kinds["newsletter"] >= 1 and kinds["directory"] >= 1
    assert kinds["offtopic"] >= 4
    assert sum(s.link_only for s in web.sites if s.in_niche) >= 8
    for s in web.sites:
        assert s.host.endswith(".test")
        assert registered_domain(s.host) == s.domain
        for path in ("/", "/robots.txt", "/sitemap.xml"):
            assert path in s.pages, (s.domain, path)
        assert s.feeds and s.last_post is not None


def test_engine_signatures(web: SampleWeb) -> None:
    marks = {
        "phpbb": ("styles/prosilver/", "viewtopic.php?f=", "viewforum.php",
                  'Powered by <a href="https://www.phpbb.com/">phpBB</a>'),
        "vbulletin": ('content="vBulletin', "showthread.php?t=", "forumdisplay.php",
                      "vbulletin_css", "Powered by"),
        "xenforo": ('id="XF"', "data-xf-init", "/threads/", "/forums/", "Powered by XenForo"),
        "discourse": ('content="Discourse', "data-discourse-setup", "/t/",
                      'Powered by <a href="https://www.discourse.org">Discourse'),
        "smf": ("index.php?topic=", "index.php?board=", "Simple Machines"),
        "mybb": ("showthread.php?tid=", "forumdisplay.php?fid=", "Powered By <a href=\"https://mybb.com\""),
        "wordpress": ('content="WordPress 6', "wp-content/", "/feed/", "Leave a comment"),
        "blogger": ("content='blogger' name='generator'", "_WidgetManager", "/feeds/posts/default"),
        "ghost": ('content="Ghost 5', "/rss/"),
        "substack": ("substack", "/archive", "/subscribe", "/feed"),
        "woocommerce": ("woocommerce", "wp-content/"),
        "shopify": ("cdn.shopify.com", "Powered by Shopify"),
    }
    for s in web.sites:
        if s.platform in marks and s.in_niche:
            allhtml = "".join(p.body.decode() for p in s.pages.values() if p.is_html)
            for mark in marks[s.platform]:
                assert mark in allhtml, (s.domain, mark)
        if s.kind == "forum":
            home = s.pages["/"].text
            assert re.search(r"(members|users)\D{0,20}[\d,]+|[\d,]+ members", home, re.I)
            sig = "".join(p.body.decode() for p in s.pages.values())
            assert re.search(r'class="[^"]*signature', sig), s.domain
        if s.kind == "blog" and s.targets:
            assert "widget_links" in s.pages["/"].body.decode()


def test_contact_forms_spread(web: SampleWeb) -> None:
    used = Counter(m for s in web.sites if not s.disallow_all for m in s.methods)
    for method in EMAIL_METHODS:
        assert used[method] >= 2, method
    form_only = [s for s in web.sites if s.forms and not s.emails and not s.hidden_emails]
    social_only = [s for s in web.sites if s.socials and not s.emails and not s.forms]
    none = [s for s in web.sites if not (s.socials or s.emails or s.forms or s.hidden_emails)]
    assert len(form_only) >= 2 and len(social_only) >= 2 and len(none) >= 2
    webmail = [e for s in web.sites for e in s.emails
               if registered_domain(e.split("@")[1]) != s.domain]
    assert len(webmail) >= 2
    for s in web.sites:
        for form in s.forms:
            page = s.pages[_path(form)]
            assert '<textarea name="message"' in page.body.decode()
        home = s.pages["/"].body.decode()
        for profile in s.socials:
            assert f'href="{profile}"' in home
    shares = [s for s in web.sites if any(b"sharer/sharer.php" in p.body for p in s.pages.values())]
    assert len(shares) >= 2


def test_truth_emails_findable_by_polite_crawler(web: SampleWeb) -> None:
    for s in web.sites:
        found: set[str] = set()
        for path in contact_pages(s):
            found |= decode_emails(s.pages[path].body.decode())
        assert found == s.emails, (s.domain, found, s.emails)
        assert not (found & s.hidden_emails)
    assert sum(len(s.emails) for s in web.sites) >= 40


def test_hidden_emails_on_disallowed_pages(web: SampleWeb) -> None:
    closed = [s for s in web.sites if s.disallow_all]
    assert len(closed) == 1 and closed[0].in_niche and not closed[0].link_only
    assert closed[0].hidden_emails and not closed[0].emails
    private = [s for s in web.sites if "/private/" in s.robots_disallow]
    assert len(private) >= 2
    for s in private:
        team = s.pages["/private/team"].body.decode()
        assert any(e in team for e in s.hidden_emails)
        assert not _robots(s).can_fetch("prospector", s.url("/private/team"))
    assert sum(1 for s in web.sites if len(s.robots_disallow) > 0 and not s.disallow_all) >= 3


def test_decoys_present(web: SampleWeb) -> None:
    for s in web.sites:
        allhtml = "".join(p.body.decode() for p in s.pages.values() if p.is_html)
        for d in s.decoys:
            assert d in allhtml, (s.domain, d)
    for needle in ("logo@2x.png", "icon@3x.webp", "you@example.com", "name@example.com",
                   "abc123@o12345.ingest.sentry.io", "text/template", "`Replies to "):
        pages = [p.body.decode() for s in web.sites for p in s.pages.values()]
        assert sum(needle in body for body in pages) >= 2, needle


def test_links_and_link_only(web: SampleWeb) -> None:
    by_domain = {s.domain: s for s in web.sites}
    for s in web.sites:
        allhtml = "".join(p.body.decode() for p in s.pages.values() if p.is_html)
        for d in s.links_to:
            assert by_domain[d].home in allhtml
        if not s.in_niche:
            assert all(not by_domain[d].in_niche for d in s.links_to)
    for lonely in (s for s in web.sites if s.link_only and s.in_niche):
        assert any(lonely.domain in s.links_to for s in web.sites if s.in_niche and not s.link_only)
    directory = next(s for s in web.sites if s.kind == "directory")
    assert "/resources" in contact_pages(directory) or "/resources" in directory.pages
    assert any(not by_domain[d].in_niche for s in web.sites if s.in_niche for d in s.links_to)


def test_offtopic_has_no_niche_terms(web: SampleWeb) -> None:
    for s in web.sites:
        if not s.in_niche:
            for path, page in s.pages.items():
                if page.is_html:
                    hit = BEE_TERMS.search(page.text)
                    assert not hit, (s.domain, path, hit)


def test_feeds_fresh_and_stale(web: SampleWeb) -> None:
    fresh = stale = 0
    for s in web.sites:
        body = s.pages[_path(s.feeds[0])]
        assert body.content_type.startswith(("application/rss+xml", "application/atom+xml",
                                             "application/feed+json"))
        assert s.last_post is not None
        age = (TODAY - s.last_post).days
        assert age >= 0
        fresh += age <= 14
        stale += age > 365
        assert s.pages["/robots.txt"].content_type.startswith("text/plain")
    assert fresh >= 10 and stale >= 10


def test_truth_shape(truth_doc: dict[str, object]) -> None:
    doc = json.loads(json.dumps(truth_doc))
    assert doc["keyword"] == "beekeeping" and doc["today"] == TODAY.isoformat() and doc["seed"] == 7
    sites = doc["sites"]
    assert [s["domain"] for s in sites] == sorted(s["domain"] for s in sites)
    keys = {"domain", "hosts", "home", "kind", "platform", "in_niche", "link_only",
            "robots_disallow_all", "emails", "hidden_emails", "decoys", "forms", "socials",
            "feeds", "links_to", "last_post", "members", "deal_pages"}
    for s in sites:
        assert keys <= set(s)
        assert s["emails"] == sorted(s["emails"])
    assert sum(1 for s in sites if s["robots_disallow_all"]) == 1
    assert sum(1 for s in sites if s["deal_pages"]) >= 8


# -- search ----------------------------------------------------------------------------


def test_search_index(web: SampleWeb) -> None:
    index = Index(web)
    platform = {s.host: s for s in web.sites}
    def site_of(url: str) -> Site:
        return platform[urlsplit(url).hostname or ""]

    hits = index.search('"powered by phpBB" beekeeping')
    assert hits
    assert {site_of(d.url).platform for _, d in hits} == {"phpbb"}
    lonely = {s.host for s in web.sites if s.link_only}
    for q in ("beekeeping", "honey", "forum", "write for us", '"write for us"', "bee suit"):
        for _, d in index.search(q):
            assert urlsplit(d.url).hostname not in lonely
    recipes = index.search("recipes")
    assert recipes and all(site_of(d.url).topic == "cooking" for _, d in recipes)
    assert all(site_of(d.url).in_niche for _, d in index.search("beekeeping"))
    inurl = index.search("beekeeping inurl:forum")
    assert inurl and all("forum" in d.url for _, d in inurl)
    one = next(s for s in web.sites if s.kind == "forum" and not s.link_only)
    on_site = index.search(f"beekeeping site:{one.domain}")
    assert on_site and all(urlsplit(d.url).hostname == one.host for _, d in on_site)
    shop = next(s for s in web.sites if s.kind == "shop" and "write-for-us" in "".join(s.deal_pages)
                and not s.link_only)
    assert any(shop.host in d.url for _, d in index.search('"write for us"'))
    a = index.answer("beekeeping", 1)
    b = index.answer("beekeeping", 2)
    assert len(a["results"]) == 10 and a["number_of_results"] > 20
    assert not {r["url"] for r in a["results"]} & {r["url"] for r in b["results"]}
    assert index.answer("beekeeping", 999)["results"] == []


# -- the server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> object:
    proc = subprocess.Popen(
        [sys.executable, "-m", "prospector.sampleweb", "--port", "0", "--today", TODAY.isoformat()],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("PORT="), line
    try:
        yield proc, int(line.strip().split("=")[1])
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)
        proc.stdout.close()
        assert proc.stderr is not None
        proc.stderr.close()


def _get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    r = conn.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    conn.close()
    return out


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


def test_server(server: tuple[subprocess.Popen[str], int], web: SampleWeb) -> None:
    proc, port = server
    assert _get(port, "/health")[2] == b"ok"
    phpbb = next(s for s in web.sites if s.platform == "phpbb")
    status, headers, body = _get(port, "/", phpbb.host)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert body == phpbb.pages["/"].body
    status, headers, body = _get(port, "/memberlist.php?mode=contactadmin", f"{phpbb.host}:{port}")
    assert status == 200 and body == phpbb.pages["/memberlist.php?mode=contactadmin"].body
    status, headers, _ = _get(port, "/robots.txt", phpbb.host)
    assert headers["content-type"].startswith("text/plain")
    assert _get(port, "/no-such-page", phpbb.host)[0] == 404
    assert _get(port, "/", "nowhere.test")[0] in (404, 502)
    www = next(s for s in web.sites if s.aliases)
    status, headers, _ = _get(port, "/about", www.aliases[0])
    assert status == 301 and headers["location"].startswith(www.home)
    # A client using the server as its HTTP proxy sends an absolute-form request line.
    raw = _raw(port, f"GET http://{phpbb.host}/robots.txt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
    assert raw.startswith(b"HTTP/1.1 200") and raw.endswith(phpbb.pages["/robots.txt"].body)
    raw = _raw(port, f"GET http://{phpbb.host}/memberlist.php?mode=contactadmin HTTP/1.1\r\n"
                     f"Host: {phpbb.host}\r\nConnection: close\r\n\r\n".encode())
    assert raw.endswith(phpbb.pages["/memberlist.php?mode=contactadmin"].body)

    status, headers, body = _get(port, "/search?q=%22powered+by+phpBB%22+beekeeping&format=json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    doc = json.loads(body)
    hosts = {s.host: s for s in web.sites}
    assert doc["results"] and doc["query"] == '"powered by phpBB" beekeeping'
    assert {hosts[urlsplit(r["url"]).hostname or ""].platform for r in doc["results"]} == {"phpbb"}
    assert {"url", "title", "content", "engine", "engines", "score"} <= set(doc["results"][0])
    lonely = {s.host for s in web.sites if s.link_only}
    seen: set[str] = set()
    total = json.loads(_get(port, "/search?q=beekeeping&format=json")[2])["number_of_results"]
    for pageno in range(1, total // 10 + 2):
        page = json.loads(_get(port, f"/search?q=beekeeping&format=json&pageno={pageno}")[2])
        urls = [r["url"] for r in page["results"]]
        assert not set(urls) & seen
        seen |= set(urls)
    assert len(seen) == total
    assert not {urlsplit(u).hostname for u in seen} & lonely
    beyond = json.loads(_get(port, f"/search?q=beekeeping&format=json&pageno={total // 10 + 5}")[2])
    assert beyond["results"] == []
    assert _get(port, "/search?format=json")[0] == 400
    assert _get(port, "/search?q=bees&format=html")[0] == 403
    status, _, body = _get(port, "/truth.json", "localhost")
    assert status == 200 and json.loads(body) == json.loads(json.dumps(truth(web)))

    proc.terminate()
    assert proc.wait(10) == 0
    assert proc.stderr is not None and proc.stderr.read() == ""


def test_kind_sites_are_read_as_their_truth(web: SampleWeb) -> None:
    """Issue 18's sites whose engine does not give their kind away: static-generator
    blogs, a newsroom loading WooCommerce, a club, a company, a forum on its own
    software. Their pages, merged as the crawl merges a site's, say their truth."""
    from prospector.extract import extract_page, merge_site
    from prospector.sampleweb.generator import KIND_LAYOUT

    sites = [s for s in web.sites if s.layout]
    assert sorted((s.kind, s.platform) for s in sites) == sorted(
        (kind, platform) for kind, platform, *_ in KIND_LAYOUT)
    for s in sites:
        assert not s.link_only and s.in_niche
        facts = [extract_page(s.url(p), page.body, page.content_type)
                 for p, page in s.pages.items() if page.is_html]
        profile = merge_site(facts)
        assert profile.kind == s.kind, (s.domain, [f.kind for f in facts])
        assert profile.platform == ("" if s.platform == "none" else s.platform), s.domain
        markup = "".join(p.body.decode() for p in s.pages.values() if p.is_html)
        if s.layout == "static":
            assert "wp-content" not in markup and "generator" in markup
        if s.kind == "news":
            assert "plugins/woocommerce/" in markup and profile.extras == ("woocommerce",)
