"""`prospector digest` on a crawl of the sample web (as the demo makes it): an issue of 8+
items from 5+ sites with no suppressed site, HTML fit for e-mail (checked as text and
rendered in headless Chromium at 640 px with no console error and no request), plain
text under 78 columns, replaceable templates, and a one-line note when there is nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests import chromium
from tests.conftest import run_cli
from tests.test_feeds_crawl import crawl_sample_web

pytestmark = pytest.mark.crawl

MAX_WIDTH = 640


@pytest.fixture(scope="module")
def demo_db(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("digest") / "demo.duckdb"
    crawl_sample_web(sampleweb, db)  # what `make demo` crawls
    return db


@pytest.fixture(scope="module")
def issue(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The issue written after the site that would lead it was suppressed."""
    tmp = tmp_path_factory.mktemp("issue")
    first = run_cli("digest", "--db", str(demo_db), "--out", str(tmp / "first.html"))
    assert first.returncode == 0, first.stderr
    leader = re.search(r'Read it on ([\w.-]+)<', (tmp / "first.html").read_text())
    assert leader
    db = tmp / "suppressed.duckdb"
    shutil.copy(demo_db, db)
    assert run_cli("suppress", leader.group(1), "--db", str(db)).returncode == 0
    out, text = tmp / "digest.html", tmp / "digest.txt"
    result = run_cli("digest", "--db", str(db), "--out", str(out), "--text", str(text))
    assert result.returncode == 0, result.stderr
    print(f"\n{result.stdout.strip()} (suppressed: {leader.group(1)})")
    return out, text, leader.group(1)


def _items(html: str) -> list[str]:
    return re.findall(r'Read it on ([\w.-]+)<', html)


def test_issue_has_eight_items_from_five_sites_and_no_suppressed_site(
        issue: tuple[Path, Path, str]) -> None:
    out, _text, suppressed = issue
    sites = _items(out.read_text())
    print(f"digest: {len(sites)} items from {len(set(sites))} sites")
    assert len(sites) >= 8 and len(set(sites)) >= 5
    assert suppressed not in out.read_text()
    assert max(sites.count(s) for s in sites) <= 2  # --per-site 2


def test_html_is_fit_for_email(issue: tuple[Path, Path, str]) -> None:
    html = issue[0].read_text()
    lowered = html.lower()
    assert "<script" not in lowered and "<style" not in lowered and "<link" not in lowered
    assert "<img" not in lowered and "url(" not in lowered and "@import" not in lowered
    assert not re.search(r"\bsrc\s*=", lowered)
    assert all(h.startswith(("http://", "https://")) for h in re.findall(r'href="([^"]*)"', html))
    widths = [int(w) for w in re.findall(r'width="(\d+)"', html)]
    assert widths and max(widths) <= MAX_WIDTH
    assert f"max-width:{MAX_WIDTH}px" in html
    assert "<table" in lowered and 'style="' in html  # table layout, inline styles


def test_text_version_lines_under_78_columns(issue: tuple[Path, Path, str]) -> None:
    lines = issue[1].read_text().splitlines()
    print(f"text version: {len(lines)} lines, longest {max(len(x) for x in lines)} columns")
    assert len(lines) > 20 and max(len(x) for x in lines) < 78


def test_renders_in_chromium_without_errors_or_requests(issue: tuple[Path, Path, str],
                                                       tmp_path: Path) -> None:
    page_path = issue[0]
    with chromium.browser() as browser:
        page = browser.new_page(viewport={"width": MAX_WIDTH, "height": 900})
        console: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.resolve().as_uri())
        page.wait_for_load_state("load")
        shot = tmp_path / "digest-640.png"
        page.screenshot(path=str(shot), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.close()
    print(f"chromium: {len(requests)} request(s), {len(console)} console message(s), "
          f"page {scroll_width} px wide, screenshot {shot.stat().st_size} bytes")
    assert console == []
    assert requests == [page_path.resolve().as_uri()]
    assert scroll_width <= MAX_WIDTH


def test_template_can_be_replaced(demo_db: Path, tmp_path: Path) -> None:
    template = tmp_path / "mine.html.j2"
    template.write_text("<p>{{ issue.keyword }}</p>{% for h, items in issue.groups %}"
                        "{% for i in items %}<a href=\"{{ i.url|safe_url }}\">{{ i.title }}</a>"
                        "{% endfor %}{% endfor %}")
    out = tmp_path / "mine.html"
    result = run_cli("digest", "--db", str(demo_db), "--template", str(template),
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert html.startswith("<p>beekeeping</p>") and html.count("<a href=") >= 8


def test_bad_template_is_one_line(demo_db: Path, tmp_path: Path) -> None:
    missing = run_cli("digest", "--db", str(demo_db), "--template", str(tmp_path / "no.j2"),
                      "--out", str(tmp_path / "x.html"))
    broken = tmp_path / "broken.j2"
    broken.write_text("{% for %}")
    bad = run_cli("digest", "--db", str(demo_db), "--template", str(broken),
                  "--out", str(tmp_path / "y.html"))
    for result in (missing, bad):
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "y.html").exists()


def test_no_posts_in_the_period_is_one_line_and_no_file(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with Store.open(db) as store:
        store.start_run("beekeeping", "{}")
    out = tmp_path / "none.html"
    result = run_cli("digest", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("no posts in the 7 days")
    assert len(result.stdout.strip().splitlines()) == 1 and not out.exists()
