"""The HTML report, used in real headless Chromium through Playwright as a person would:
it loads cleanly and offline, headers sort, filters filter, the link map is drawn, and
scraped text stays inert. Test DBs are built with the real Store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import html as lxml_html

from prospector.models import Candidate, Contact, FetchedPage, Link, PageFacts
from prospector.report.render import write_report
from prospector.score import rescore
from prospector.store.db import Store
from tests.chromium import browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

HOSTILE = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',\'1\')">'
SCRIPT = "<script>window.__pwned = 1; document.body.setAttribute('data-pwned','2')</script>"
JS_URL = "javascript:window.__pwned=3"
# (domain, page text, email, kind)
SITES = [
    ("good-bees.test", "beekeeping forum beekeeping hives", "jo@good-bees.test", "forum"),
    ("hive-blog.test", "beekeeping blog beekeeping honey", "ann@hive-blog.test", "blog"),
    ("evil.test", "beekeeping", f"x{HOSTILE}@evil.test", "blog"),
    ("jsurl.test", "beekeeping beekeeping", "", "newsletter"),
    ("cars.test", "engines and tyres", "", "other"),
]


def _db(tmp_path: Path, extra_sites: int = 0) -> Path:
    """Two runs: `old-only.test` is lost by the second, `hive-blog.test` new in it."""
    path = tmp_path / "r.duckdb"
    with Store.open(path) as store:
        first = store.start_run("beekeeping", "{}")
        store.add_candidates(first, [Candidate("http://old-only.test/", "old-only.test", "seed"),
                                     Candidate("http://good-bees.test/", "good-bees.test", "seed")])
        store.finish_run(first, "done")
        run = store.start_run("beekeeping", "{}")
        candidates = [Candidate(JS_URL if d == "jsurl.test" else f"http://{d}/", d,
                                f"search: {d} {SCRIPT}" if d == "evil.test" else f"search: {d}")
                      for d, *_ in SITES]
        candidates += [Candidate(f"http://bulk{i:03d}.test/", f"bulk{i:03d}.test", "bulk")
                       for i in range(extra_sites)]
        store.add_candidates(run, candidates)
        pages = []
        for domain, text, email, kind in SITES:
            contacts = (
                (Contact("email", email, f"http://{domain}/", "text", 0.9, "personal"),) if email else ()
            ) + (Contact("social", f"https://social.test/{domain}", f"http://{domain}/", "", 0.5,
                         "mastodon"),)
            title = HOSTILE + SCRIPT if domain == "evil.test" else f"{domain} {JS_URL}"
            links = tuple(Link(f"http://{domain}/", f"http://{other}/", other, f"to {other}", "blogroll")
                          for other, *_ in SITES if other != domain and other != "cars.test")
            facts = PageFacts(url=f"http://{domain}/", domain=domain, title=title, text=text,
                              contacts=contacts, links=links, kind=kind)
            pages.append(FetchedPage(domain, f"http://{domain}/", 200, "text/html", 1, facts))
        pages += [FetchedPage(f"bulk{i:03d}.test", f"http://bulk{i:03d}.test/", 200, "text/html", 1,
                              PageFacts(url=f"http://bulk{i:03d}.test/", domain=f"bulk{i:03d}.test",
                                        title=f"Bulk {i}", text="beekeeping " * (i % 7 + 1),
                                        kind="blog",
                                        # A channel of its own: the JV list takes it.
                                        contacts=(Contact("email", f"me@bulk{i:03d}.test",
                                                          f"http://bulk{i:03d}.test/"),)))
                  for i in range(extra_sites)]
        store.add_pages(run, pages)
        store.finish_run(run, "done")
        rescore(store)
    return path


def _report(tmp_path: Path, extra_sites: int = 0) -> tuple[Path, Path]:
    db = _db(tmp_path, extra_sites)
    out = tmp_path / "report.html"
    with Store.open(db, read_only=True) as store:
        write_report(store, out)
    return db, out


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _report(tmp_path_factory.mktemp("report"))


class Opened:
    """A page with the report loaded, recording console messages, errors and requests."""

    def __init__(self, chromium: Browser, path: Path, width: int = 1280) -> None:
        self.context = chromium.new_context(viewport={"width": width, "height": 900})
        self.page: Page = self.context.new_page()
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri())

    def domains(self, table: str) -> list[str]:
        found: list[str] = self.page.eval_on_selector_all(
            f"#{table} tbody tr", "rows => rows.map(r => r.dataset.domain)")
        return found

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(chromium: Browser, report: tuple[Path, Path]) -> Iterator[Opened]:
    page = Opened(chromium, report[1])
    yield page
    page.close()


def _view(db: Path, name: str) -> list[dict[str, Any]]:
    with Store.open(db, read_only=True) as store:
        return store.rows(f"SELECT * FROM {name}")


def test_loads_offline_without_console_errors(opened: Opened, report: tuple[Path, Path]) -> None:
    assert opened.page.locator("#jv-table tbody tr").count() > 0
    assert opened.console == []
    assert opened.requests == [report[1].resolve().as_uri()]


def _shown_scores(opened: Opened, table: str) -> dict[str, tuple[str, dict[str, float]]]:
    """Per row of `table`: (score shown, the factor bar's points but zeros) by domain."""
    rows: list[list[str]] = opened.page.eval_on_selector_all(
        f"#{table} tbody tr", "rows => rows.map(r => [r.dataset.domain,"
        " r.querySelector('td.c-score .num').textContent,"
        " r.querySelector('td.c-score .bar').title])")
    out = {}
    for domain, score, bar in rows:
        parts = (part.rsplit(" ", 1) for part in bar.split(", "))
        out[domain] = (score, {name: float(p) for name, p in parts if float(p)})
    return out


def _expected(row: dict[str, Any]) -> tuple[str, dict[str, float]]:
    parts = json.loads(row["breakdown"])
    return (f"{round(float(row['score']), 1):.1f}",
            {name: round(float(p["points"]), 1) for name, p in parts.items()
             if round(float(p["points"]), 1)})


def test_tables_follow_the_views(opened: Opened, report: tuple[Path, Path]) -> None:
    db = report[0]
    both = {r["domain"]: r for r in _view(db, "scored_prospects")}
    # The data holds a site in both the JV and the community list whose two scores
    # differ: a table showing one record's score for every list fails on it.
    differ = [d for d in opened.domains("jv-table") if d in opened.domains("communities-table")
              and round(both[d]["jv_score"], 1) != round(both[d]["community_score"], 1)]
    assert differ, "the test data needs a site whose JV and community scores differ"
    for table, view in (("jv-table", "jv_partners"), ("communities-table", "communities"),
                        ("newsletters-table", "newsletters")):
        rows = _view(db, view)
        assert opened.domains(table) == [r["domain"] for r in rows], table
        expected = {r["domain"]: _expected(r) for r in rows}
        assert _shown_scores(opened, table) == expected, table
        # Sorting by another column never changes which score a row shows.
        opened.page.locator(f"#{table} th[data-key='domain']").click()
        assert _shown_scores(opened, table) == expected, table
        shown = [float(s) for s, _ in (_shown_scores(opened, table)[d]
                                       for d in [r["domain"] for r in rows])]
        print(f"{table}: {len(rows)} rows, scores shown {shown}; sites whose JV and "
              f"community scores differ: {differ}")
    assert "good-bees.test" not in opened.domains("jv-table")  # a forum: join, not partner
    assert opened.domains("newsletters-table") == ["jsurl.test"]
    assert opened.page.text_content("#count-sites") == str(len(_view(db, "prospects")))


def test_clicking_headers_sorts(opened: Opened) -> None:
    ranked = opened.domains("jv-table")
    site = opened.page.locator("#jv-table th[data-key='domain']")
    site.click()
    assert opened.domains("jv-table") == sorted(ranked)
    assert site.get_attribute("aria-sort") == "ascending"
    site.click()
    assert opened.domains("jv-table") == sorted(ranked, reverse=True)
    opened.page.locator("#jv-table th[data-key='rank']").click()
    assert opened.domains("jv-table") == ranked
    opened.page.locator("#jv-table th[data-key='score']").click()
    scores = [float(s) for s in opened.page.eval_on_selector_all(
        "#jv-table tbody td.c-score .num", "cells => cells.map(c => c.textContent)")]
    assert scores == sorted(scores, reverse=True)


def test_typing_in_a_filter_filters(opened: Opened) -> None:
    ranked = opened.domains("jv-table")
    box = opened.page.locator("input.filter[data-for='jv_partners']")
    box.fill("ann@hive")
    assert opened.domains("jv-table") == ["hive-blog.test"]
    assert "1 of" in (opened.page.text_content(".status[data-for='jv_partners']") or "")
    box.fill("social onerror")  # every word must match, across columns
    assert opened.domains("jv-table") == ["evil.test"]
    box.fill("no such thing")
    assert opened.domains("jv-table") == []
    box.fill("")
    assert opened.domains("jv-table") == ranked


def test_link_map_is_drawn(opened: Opened, report: tuple[Path, Path]) -> None:
    circles = opened.page.locator("#link-map circle")
    assert circles.count() == len(_view(report[0], "prospects"))
    assert opened.page.locator("#link-map line").count() > 0
    box = opened.page.locator("#link-map").bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 400
    labels = opened.page.eval_on_selector_all("#link-map text", "t => t.map(x => x.textContent)")
    assert "good-bees.test" in labels


def test_copy_button_copies_the_best_contact(chromium: Browser, report: tuple[Path, Path]) -> None:
    page = Opened(chromium, report[1])
    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        row = page.page.locator("#jv-table tr[data-domain='hive-blog.test']")
        row.locator("button.copy").click()
        # The label changes when the clipboard's promise settles, not at the click:
        # wait for it (up to 5 s) rather than read it at once (a race under load).
        page.page.wait_for_function(
            "el => el.textContent !== 'Copy'", arg=row.locator("button.copy").element_handle(),
            timeout=5000)
        assert row.locator("button.copy").text_content() == "Copied"
        assert page.page.evaluate("navigator.clipboard.readText()") == "ann@hive-blog.test"
        assert page.console == []
    finally:
        page.close()


def test_hostile_strings_are_text_and_run_nothing(opened: Opened) -> None:
    page = opened.page
    assert page.evaluate("window.__pwned") is None
    assert page.get_attribute("body", "data-pwned") is None
    text = page.text_content("main") or ""
    assert HOSTILE in text and SCRIPT in text and JS_URL in text
    assert page.locator("main tbody img, main tbody script, #link-map script").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("http://", "https://", "#")) for h in hrefs)
    # The javascript: home page is shown as a plain name, not a link.
    assert page.locator("#newsletters-table tr[data-domain='jsurl.test'] a").count() == 0
    for button in page.locator("button.copy").all():
        button.click()
    assert page.evaluate("window.__pwned") is None and opened.console == []


def test_changes_since_previous_run(opened: Opened) -> None:
    changes = opened.page.text_content("#changes") or ""
    assert "4 new and 1 lost" in " ".join(changes.split())
    assert "old-only.test" in changes
    new_badges = opened.page.eval_on_selector_all(
        "#jv-table tr:has(.badge)", "rows => rows.map(r => r.dataset.domain)")
    assert "hive-blog.test" in new_badges


def forum_facts_db(tmp_path: Path) -> Path:
    """Two forums, one whose pages state its numbers and one whose pages do not."""
    from prospector.extract import merge_site
    from prospector.models import Community

    path = tmp_path / "facts.duckdb"
    known = Community(members=24551, topics=7890, posts=123456, registration_open=True,
                      last_post="2024-05-01")
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        forums = {"full-forum.test": known, "bare-forum.test": None}
        store.add_candidates(run, [Candidate(f"http://{d}/", d, "seed") for d in forums])
        facts = [PageFacts(url=f"http://{d}/", domain=d, title=d, text="beekeeping forum beekeeping",
                           kind="forum", community=c,
                           contacts=(Contact("email", f"jo@{d}", f"http://{d}/", "text", 0.9, "personal"),))
                 for d, c in forums.items()]
        store.add_pages(run, [FetchedPage(f.domain, f.url, 200, "text/html", 1, f) for f in facts])
        store.update_site_facts([merge_site([f]) for f in facts])
        # Issue 21: the full forum's feed gave a post, so its posts / 30 days is known.
        from datetime import datetime

        from prospector.extract.feeds import FeedEntry, FeedFetched, FeedRead

        entry = FeedEntry(key="t1", url="http://full-forum.test/t/1", title="Hives",
                          published=datetime.now().strftime("%Y-%m-%dT%H:%M:%S"))
        store.write_feeds(run, [FeedFetched("full-forum.test", "http://full-forum.test/feed",
                                            200, FeedRead("http://full-forum.test/feed",
                                                          entries=(entry,)), "forum")])
        store.finish_run(run, "done")
        rescore(store)
    return path


def fact_cells(chromium: Browser, tmp_path: Path) -> dict[str, list[str]]:
    """The fact cells (members, posts, posts / 30 days, last activity, registration) of each forum's row
    of the communities table, as a browser shows them."""
    out = tmp_path / "facts.html"
    with Store.open(forum_facts_db(tmp_path), read_only=True) as store:
        write_report(store, out)
    page = Opened(chromium, out)
    try:
        return {domain: page.page.locator(f"#communities-table tr[data-domain='{domain}']")
                .locator("td.c-num, td.c-text, td.c-bool").all_text_contents()
                for domain in ("full-forum.test", "bare-forum.test")}
    finally:
        page.close()


def test_missing_facts_show_a_dash(chromium: Browser, tmp_path: Path) -> None:
    cells = fact_cells(chromium, tmp_path)
    print(f"\nfact cells: {cells}")
    assert cells["bare-forum.test"] and set(cells["bare-forum.test"]) == {"—"}
    shown = " ".join(cells["full-forum.test"]).replace(",", "").replace("\u202f", "")
    assert "—" not in cells["full-forum.test"]
    assert "24551" in shown and "123456" in shown and "2024-05-01" in shown


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_at_desktop_and_phone_width(chromium: Browser, report: tuple[Path, Path],
                                                tmp_path_factory: pytest.TempPathFactory,
                                                width: int) -> None:
    page = Opened(chromium, report[1], width=width)
    try:
        shot = tmp_path_factory.getbasetemp() / f"report-{width}.png"
        page.page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # Nothing wider than the screen: no sideways scrolling at phone width.
        assert page.page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.console == []
    finally:
        page.close()


def test_long_lists_draw_a_page_at_a_time(chromium: Browser, tmp_path: Path) -> None:
    _, out = _report(tmp_path, extra_sites=230)
    page = Opened(chromium, out)
    try:
        assert len(page.domains("jv-table")) == 100
        page.page.locator("button.more[data-for='jv_partners']").click()
        assert len(page.domains("jv-table")) == 200
        # The filter searches the whole list, not only the rows drawn.
        page.page.locator("input.filter[data-for='jv_partners']").fill("bulk229")
        assert page.domains("jv-table") == ["bulk229.test"]
        assert page.console == []
    finally:
        page.close()


def test_empty_database_renders(chromium: Browser, tmp_path: Path) -> None:
    db, out = tmp_path / "empty.duckdb", tmp_path / "empty.html"
    Store.open(db).close()
    with Store.open(db, read_only=True) as store:
        write_report(store, out)
    page = Opened(chromium, out)
    try:
        assert page.page.text_content(".status[data-for='jv_partners']") == "none in this run"
        assert page.console == []
    finally:
        page.close()


def test_report_is_self_contained(report: tuple[Path, Path]) -> None:
    page = lxml_html.fromstring(report[1].read_text("utf-8"))
    assert not page.xpath("//link[@rel='stylesheet'] | //script[@src] | //img[starts-with(@src,'http')]")
    csp = page.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    assert "default-src 'none'" in csp


def test_old_database_without_the_report_views(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with Store.open(db) as store:
        for view in ("run_changes", "newsletters", "communities", "jv_partners", "site_authority"):
            store.con.execute(f"DROP VIEW {view}")
    out = tmp_path / "old.html"
    with Store.open(db, read_only=True) as store:
        write_report(store, out)
    assert "jsurl.test" in out.read_text("utf-8")


def test_breakdown_is_stored_as_json(report: tuple[Path, Path]) -> None:
    for row in _view(report[0], "prospects"):
        parts = json.loads(row["breakdown"])
        assert abs(sum(p["points"] for p in parts.values()) - row["score"]) < 0.05
