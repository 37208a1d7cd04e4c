"""The HTML report, rendered in real headless Chromium: rows are there, ranked, and
scraped text stays inert."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html as lxml_html

from prospector.models import Candidate, Contact, FetchedPage, PageFacts
from prospector.report import write_report
from prospector.score import rescore
from prospector.store.db import Store
from tests.chromium import dump_dom, screenshot

HOSTILE = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',\'1\')">'


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "r.duckdb"
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        sites = [("good-bees.test", "beekeeping forum beekeeping hives", "jo@good-bees.test"),
                 ("evil.test", "beekeeping", f"x{HOSTILE}@evil.test"),
                 ("cars.test", "engines and tyres", "")]
        store.add_candidates(run, [Candidate(f"http://{d}/", d, f"search: {d}") for d, _, _ in sites])
        pages = []
        for domain, text, email in sites:
            contacts = (
                (Contact("email", email, f"http://{domain}/", "text", 0.9, "personal"),) if email else ()
            )
            title = HOSTILE + "<script>document.body.setAttribute('data-pwned','2')</script>" \
                if domain == "evil.test" else domain
            facts = PageFacts(url=f"http://{domain}/", domain=domain, title=title, text=text,
                              contacts=contacts, kind="forum" if "forum" in text else "other")
            pages.append(FetchedPage(domain, f"http://{domain}/", 200, "text/html", 1, facts))
        store.add_pages(run, pages)
        store.finish_run(run, "done")
        rescore(store)
    return path


def test_report_renders_ranked_rows_in_chromium(tmp_path: Path) -> None:
    db = _db(tmp_path)
    out = tmp_path / "report.html"
    with Store.open(db, read_only=True) as store:
        write_report(store, out)
        ranked = [r["domain"] for r in store.rows("SELECT domain FROM prospects")]
    dom = lxml_html.fromstring(dump_dom(out))
    rows = dom.xpath("//table[@id='prospects']/tbody/tr")
    assert [r.get("data-domain") for r in rows] == ranked
    assert ranked[0] == "good-bees.test" and ranked[-1] == "cars.test"
    assert dom.xpath("string(//*[@id='count-sites'])") == "3"
    # The hostile title and address are shown as text, and no payload ran.
    body = dom.xpath("//body")[0]
    assert body.get("data-pwned") is None
    assert HOSTILE in body.text_content()
    assert not dom.xpath("//td//img | //td//script")


def test_report_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with Store.open(_db(tmp_path), read_only=True) as store:
        write_report(store, out)
    page = lxml_html.fromstring(out.read_text("utf-8"))
    assert not page.xpath("//link[@rel='stylesheet'] | //script[@src] | //img[starts-with(@src,'http')]")
    csp = page.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    assert "default-src 'none'" in csp


def test_report_screenshot_desktop_and_phone(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with Store.open(_db(tmp_path), read_only=True) as store:
        write_report(store, out)
    for width in (1280, 390):
        shot = screenshot(out, tmp_path / f"report-{width}.png", width=width)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_breakdown_is_stored_as_json(tmp_path: Path) -> None:
    with Store.open(_db(tmp_path), read_only=True) as store:
        rows = store.rows("SELECT domain, score, breakdown FROM prospects")
    for row in rows:
        parts = json.loads(row["breakdown"])
        assert abs(sum(p["points"] for p in parts.values()) - row["score"]) < 0.05
