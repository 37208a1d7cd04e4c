"""The report and an export of a fresh real crawl of the sample web, through the CLI as
a user runs them, opened in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.chromium import browser
from tests.conftest import run_cli

pytestmark = pytest.mark.crawl


def test_report_of_a_real_crawl(sampleweb: SampleWebProcess, tmp_path: Path) -> None:
    db, out, export = tmp_path / "bees.duckdb", tmp_path / "bees.html", tmp_path / "jv.json"
    crawl = run_cli("crawl", "beekeeping", "--db", str(db), "--search", sampleweb.url,
                     "--backend", "sampleweb",
                    "--proxy", sampleweb.url, "--fast", "--max-sites", "60")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    report = run_cli("report", "--db", str(db), "--out", str(out), timeout=60)
    assert report.returncode == 0 and report.stdout.strip() == str(out), report.stderr
    exported = run_cli("export", "--format", "json", "--db", str(db), "--out", str(export), timeout=60)
    assert exported.returncode == 0, exported.stderr
    with Store.open(db, read_only=True) as store:
        views = {v: [r["domain"] for r in store.rows(f"SELECT domain FROM {v}")]
                 for v in ("jv_partners", "communities", "newsletters", "prospects")}
    assert [r["domain"] for r in json.loads(export.read_text("utf-8"))] == views["jv_partners"]
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.resolve().as_uri())
        for table, view in (("jv-table", "jv_partners"), ("communities-table", "communities"),
                            ("newsletters-table", "newsletters")):
            shown = page.eval_on_selector_all(f"#{table} tbody tr", "r => r.map(x => x.dataset.domain)")
            assert shown == views[view][:100], table
        assert views["communities"] and views["jv_partners"]
        circles = page.locator("#link-map circle").count()
        assert circles == min(150, len(views["prospects"]))
        assert page.locator("#link-map line").count() > 0
        shot = tmp_path / "crawl-report.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        assert errors == []
