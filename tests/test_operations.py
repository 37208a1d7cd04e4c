"""Running every week without babysitting: run history, incremental re-crawl, the
overlap lock, resume after SIGKILL, scrapyd, suppression. Real subprocesses, real
DuckDB files, the real sample web."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from prospector.errors import ExitCode
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests import timed_sampleweb
from tests.conftest import REPO, run_cli, seed_file

pytestmark = pytest.mark.crawl


def _crawl_args(db: Path, seeds: Path, web: SampleWebProcess, *extra: str) -> list[str]:
    return ["crawl", "beekeeping", "--db", str(db), "--seeds", str(seeds), "--proxy", web.url,
            "--max-distance", "0", *extra]


def _popen(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "prospector", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_runs_history_and_incremental_recrawl(sampleweb: SampleWebProcess, truth: dict[str, Any],
                                               tmp_path: Path) -> None:
    db, seeds = tmp_path / "p.duckdb", seed_file(truth, tmp_path)
    first = run_cli(*_crawl_args(db, seeds, sampleweb, "--fast"))
    assert first.returncode == 0, first.stderr[-2000:]
    assert "progress:" in first.stderr  # periodic lines when not on a terminal
    with Store.open(db, read_only=True) as store:
        before = dict(store.query("SELECT url, fetched_at FROM pages")[1])
        crawled = store.query("SELECT count(*) FROM sites WHERE crawl_run = 1")[1][0][0]
    assert crawled == 6

    again = run_cli(*_crawl_args(db, seeds, sampleweb, "--fast"))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "(6 recent, not fetched)" in again.stdout
    with Store.open(db, read_only=True) as store:
        assert dict(store.query("SELECT url, fetched_at FROM pages")[1]) == before
        assert store.query("SELECT count(*) FROM sites WHERE last_run = 2")[1][0][0] == 6

    refresh = run_cli(*_crawl_args(db, seeds, sampleweb, "--fast", "--refresh"))
    assert refresh.returncode == 0, refresh.stderr[-2000:]
    with Store.open(db, read_only=True) as store:
        after = dict(store.query("SELECT url, fetched_at FROM pages")[1])
    assert after.keys() == before.keys()
    assert all(after[u] > before[u] for u in before)

    # Stale sites are re-fetched with conditional requests: leaf pages answer 304.
    stale = run_cli(*_crawl_args(db, seeds, sampleweb, "--fast", "--max-age", "0",
                                 "--log-level", "INFO"))
    assert stale.returncode == 0, stale.stderr[-2000:]
    assert "'downloader/response_status_count/304'" in stale.stderr
    with Store.open(db, read_only=True) as store:
        kept = store.query("SELECT count(*) FROM pages WHERE run_id = 4 AND status = 200")[1]
        ok = store.query("SELECT count(*) FROM pages WHERE status = 200")[1]
        contacts = store.query("SELECT count(*) FROM contacts WHERE last_run = 4")[1]
    assert kept == ok and contacts[0][0] > 0

    runs = run_cli("runs", "--db", str(db), "--format", "json")
    history = json.loads(runs.stdout)
    print(f"runs: {[(r['run_id'], r['status'], r['pages']) for r in history]}")
    assert [r["run_id"] for r in history] == [1, 2, 3, 4]
    assert all(r["status"] == "done" and r["finished_at"] for r in history)


def test_overlapping_crawl_exits_at_once(sampleweb: SampleWebProcess, truth: dict[str, Any],
                                         tmp_path: Path) -> None:
    db, seeds = tmp_path / "p.duckdb", seed_file(truth, tmp_path)
    # Polite and slow (4 s between a site's pages): still running for the checks below
    # even on a loaded machine (at 1 s it could end before the report was read).
    slow_config = tmp_path / "slow.toml"
    slow_config.write_text("[politeness]\ndownload_delay = 4\nautothrottle = false\n")
    slow = _popen(_crawl_args(db, seeds, sampleweb, "--no-progress", "--config", str(slow_config)))
    try:
        deadline = time.monotonic() + 60
        lock = Path(f"{db}.lock")
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2.0)  # into the crawl proper, where the pipeline holds the DB
        assert slow.poll() is None, "the polite crawl ended too soon to test overlap"
        started = time.monotonic()
        second = run_cli(*_crawl_args(db, seeds, sampleweb, "--fast"))
        took = time.monotonic() - started
        assert second.returncode == ExitCode.LOCKED, second.stderr
        assert second.stderr.strip().count("\n") == 0
        assert "another crawl is running" in second.stderr
        # Readers are let in while the crawl runs (it holds the file only while it
        # writes a batch): the report of what is stored so far.
        report = run_cli("report", "--db", str(db), "--out", str(tmp_path / "r.html"))
        assert report.returncode == 0, report.stderr
        assert "in progress" in (tmp_path / "r.html").read_text("utf-8")
        # "At once": the lock itself refuses without waiting. Timed in process (a CLI's
        # start-up on a loaded machine varies by seconds; this takes milliseconds).
        from prospector.crawl.lock import run_lock
        from prospector.errors import LockedError

        started = time.monotonic()
        with pytest.raises(LockedError), run_lock(db):
            pass
        refused_in = time.monotonic() - started
        assert refused_in < 0.5, refused_in
        print(f"second crawl refused in {took:.2f} s (the lock itself: {refused_in * 1000:.1f} ms)")
    finally:
        slow.send_signal(signal.SIGINT)
        slow.communicate(timeout=120)
    assert slow.returncode in (0, ExitCode.PARTIAL)


def test_sigkill_then_resume_loses_nothing(truth: dict[str, Any], tmp_path: Path) -> None:
    sigkill_then_resume(truth, tmp_path)


def sigkill_then_resume(truth: dict[str, Any], tmp_path: Path, *extra: str) -> None:
    """A polite crawl with a job directory (and `extra` arguments), killed with SIGKILL
    once pages have been served, then run again: checked by `kill_and_resume`."""
    db, job, log = tmp_path / "p.duckdb", tmp_path / "job", tmp_path / "requests.log"
    config = tmp_path / "slow.toml"
    config.write_text("[politeness]\ndownload_delay = 0.5\nautothrottle = false\n"
                      "[store]\nflush_seconds = 0.5\n")
    web, url = timed_sampleweb.start(log)
    try:
        args = ["crawl", "beekeeping", "--db", str(db), "--search", url, "--backend", "sampleweb",
                "--proxy", url, "--config", str(config), "--job-dir", str(job), "--no-progress",
                *extra]
        first = _popen(args)
        # Kill once pages have been served and a flush (0.5 s) has had time to store them:
        # counted where the requests arrive, so a slow start on a loaded machine waits.
        deadline = time.monotonic() + 120
        while timed_sampleweb.pages_logged(log) < 40 and time.monotonic() < deadline:
            assert first.poll() is None, "the crawl ended before it could be killed"
            time.sleep(0.2)
        time.sleep(2.0)
        assert first.poll() is None, "the crawl ended before it could be killed"
        kill_and_resume(first, args, db, truth)
    finally:
        web.terminate()
        web.wait(timeout=10)


def kill_and_resume(first: subprocess.Popen[str], args: list[str], db: Path,
                     truth: dict[str, Any]) -> None:
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    with Store.open(db, read_only=True) as store:
        pages_before = {r[0] for r in store.query("SELECT url FROM pages")[1]}
        contacts_before = set(store.query("SELECT domain, kind, value FROM contacts")[1])
        status = store.query("SELECT status FROM runs")[1]
    assert pages_before and status == [("running",)]

    resumed = run_cli(*args)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resumed" in resumed.stdout
    with Store.open(db, read_only=True) as store:
        pages_after = [r[0] for r in store.query("SELECT url FROM pages")[1]]
        contacts_after = set(store.query("SELECT domain, kind, value FROM contacts")[1])
        runs = store.query("SELECT run_id, status FROM runs")[1]
        emails = {(d, v) for d, k, v in contacts_after if k == "email"}
        sites = {r[0] for r in store.query("SELECT domain FROM sites")[1]}
    assert runs == [(1, "done")]
    assert pages_before <= set(pages_after) and len(pages_after) == len(set(pages_after))
    assert contacts_before <= contacts_after
    expected = {(s["domain"], e) for s in truth["sites"] if s["domain"] in sites
                for e in s["emails"]}
    niche = {s["domain"] for s in truth["sites"] if s["in_niche"]}
    recall = len(emails & expected) / len(expected)
    print(f"resume: {len(pages_before)} pages stored before SIGKILL, {len(pages_after)} after "
          f"resume; email precision={len(emails & expected) / len(emails):.3f} "
          f"recall={recall:.3f}; niche sites {len(sites & niche)}/{len(niche)}")
    assert emails <= expected and recall >= 0.95
    assert len(sites & niche) / len(niche) >= 0.95


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_scrapyd_runs_the_spider(sampleweb: SampleWebProcess, tmp_path: Path) -> None:
    scrapyd = Path(sys.executable).with_name("scrapyd")
    if not scrapyd.exists():
        pytest.fail("scrapyd is not installed (it is in the test extra)")
    port = _free_port()
    (tmp_path / "scrapy.cfg").write_text(
        "[settings]\ndefault = prospector.crawl.settings\n\n[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {tmp_path}/eggs\nlogs_dir = {tmp_path}/logs\ndbs_dir = {tmp_path}/dbs\n"
        f"items_dir =\njobs_to_keep = 5\nmax_proc = 1\npoll_interval = 0.5\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    server = subprocess.Popen([str(scrapyd)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    db = tmp_path / "scrapyd.duckdb"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/daemonstatus.json", timeout=2) as r:
                    if json.load(r)["status"] == "ok":
                        break
            except OSError:
                time.sleep(0.2)
        form = urllib.parse.urlencode([
            ("project", "default"), ("spider", "prospect"), ("keyword", "beekeeping"),
            ("search", sampleweb.url), ("max_sites", "4"),
            ("setting", f"PROSPECTOR_DB_PATH={db}"), ("setting", f"PROSPECTOR_PROXY={sampleweb.url}"),
            ("setting", "DOWNLOAD_DELAY=0"), ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ]).encode()
        with urllib.request.urlopen(f"{base}/schedule.json", data=form, timeout=10) as r:
            answer = json.load(r)
        assert answer["status"] == "ok", answer
        job = answer["jobid"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{base}/listjobs.json?project=default", timeout=5) as r:
                jobs = json.load(r)
            if any(j["id"] == job for j in jobs["finished"]):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"scrapyd job did not finish: {jobs}")
    finally:
        server.terminate()
        server.communicate(timeout=30)
    with Store.open(db, read_only=True) as store:
        assert store.query("SELECT count(*) FROM sites")[1][0][0] == 4
        assert store.query("SELECT count(*) FROM contacts")[1][0][0] > 0
        assert store.query("SELECT status FROM runs")[1] == [("done",)]
        config = json.loads(store.query("SELECT config FROM runs")[1][0][0])
        by_scrapyd = _ranked(store)
    # The run's config is recorded as the CLI records it, from the spider's arguments.
    assert (config["keyword"], config["search_url"], config["max_sites"]) == (
        "beekeeping", sampleweb.url, 4)
    assert config["db_path"] == str(db) and config["proxy"] == sampleweb.url
    # The same crawl through the CLI ranks the same sites with the same scores: a
    # scrapyd job is scored like any other run.
    cli_db = tmp_path / "cli.duckdb"
    result = run_cli("crawl", "beekeeping", "--db", str(cli_db), "--search", sampleweb.url,
                     "--max-sites", "4", "--proxy", sampleweb.url, "--fast")
    assert result.returncode == 0, result.stderr
    with Store.open(cli_db, read_only=True) as store:
        by_cli = _ranked(store)
    assert by_scrapyd["jv_partners"] and by_scrapyd["communities"], by_scrapyd
    assert by_scrapyd == by_cli


def _ranked(store: Store) -> dict[str, list[tuple[str, float]]]:
    """Each ranked view's (domain, score) rows, in rank order."""
    return {view: [(str(d), round(float(s), 3)) for d, s in
                   store.query(f"SELECT domain, score FROM {view} ORDER BY rank")[1]]
            for view in ("jv_partners", "communities")}


def test_suppress_and_mark_contacted(sampleweb: SampleWebProcess, truth: dict[str, Any],
                                     tmp_path: Path) -> None:
    db, seeds = tmp_path / "p.duckdb", seed_file(truth, tmp_path)
    assert run_cli(*_crawl_args(db, seeds, sampleweb, "--fast")).returncode == 0
    with Store.open(db, read_only=True) as store:
        emails = store.rows("SELECT domain, value FROM contacts WHERE kind = 'email' ORDER BY 1, 2")
        partners = [r["domain"] for r in store.rows(
            "SELECT domain FROM jv_partners WHERE domain IN (SELECT domain FROM communities)")]
    one, other = emails[0], emails[-1]
    result = run_cli("suppress", one["value"], f"@{other['value'].split('@')[1]}",
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    # A re-crawl finds the same pages again; suppressed addresses stay out.
    assert run_cli(*_crawl_args(db, seeds, sampleweb, "--fast", "--refresh")).returncode == 0
    export = tmp_path / "contacts.csv"
    assert run_cli("export", "--format", "csv", "--list", "contacts", "--db", str(db),
                   "--out", str(export)).returncode == 0
    with Store.open(db, read_only=True) as store:
        values = {r[0] for r in store.query("SELECT value FROM contacts")[1]}
    assert one["value"] not in values and other["value"] not in values
    assert one["value"] not in export.read_text() and other["value"] not in export.read_text()

    target = partners[0]
    result = run_cli("mark-contacted", target, "--note", "emailed about a guest post",
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    with Store.open(db, read_only=True) as store:
        assert target not in {r[0] for r in store.query("SELECT domain FROM jv_partners")[1]}
        row = store.rows("SELECT contacted_note, in_cooldown FROM prospects WHERE domain = ?",
                         [target])[0]
    assert row == {"contacted_note": "emailed about a guest post", "in_cooldown": True}
    # The report marks it where it is still listed (communities), as a browser shows it.
    from tests.chromium import dump_dom

    out = tmp_path / "report.html"
    assert run_cli("report", "--db", str(db), "--out", str(out)).returncode == 0
    dom = dump_dom(out)
    assert "contacted 20" in dom and target in dom
    # A cooldown of 1 day that has not passed still hides it; the DB keeps the setting.
    assert run_cli("mark-contacted", target, "--cooldown-days", "1", "--db", str(db)).returncode == 0
    with Store.open(db, read_only=True) as store:
        kept = store.rows("SELECT value FROM prefs WHERE key = 'contact_cooldown_days'")
        row = store.rows("SELECT in_cooldown FROM prospects WHERE domain = ?", [target])[0]
    assert kept == [{"value": "1"}] and row == {"in_cooldown": True}
    bad = run_cli("suppress", "not an address", "--db", str(db))
    assert bad.returncode == ExitCode.USAGE and bad.stderr.count("\n") == 1


def test_http_cache_for_development(sampleweb: SampleWebProcess, truth: dict[str, Any],
                                    tmp_path: Path) -> None:
    db, seeds, cache = tmp_path / "p.duckdb", seed_file(truth, tmp_path, 2), tmp_path / "cache"
    result = run_cli(*_crawl_args(db, seeds, sampleweb, "--fast", "--http-cache", str(cache)))
    assert result.returncode == 0, result.stderr[-2000:]
    assert any(cache.rglob("response_body"))
    # The same crawl again with the web out of reach (a proxy on a closed port): every
    # page is answered from the cache, so the same pages and contacts are stored.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    replay = tmp_path / "replay.duckdb"
    args = _crawl_args(replay, seeds, sampleweb, "--fast", "--http-cache", str(cache))
    args[args.index("--proxy") + 1] = dead
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr[-2000:]
    query = "SELECT url, status FROM pages ORDER BY url"
    contacts = "SELECT domain, kind, value FROM contacts ORDER BY ALL"
    with Store.open(db, read_only=True) as first, Store.open(replay, read_only=True) as second:
        assert first.query(query)[1] and second.query(query)[1] == first.query(query)[1]
        assert second.query(contacts)[1] == first.query(contacts)[1]


def test_live_progress_on_a_terminal(sampleweb: SampleWebProcess, truth: dict[str, Any],
                                     tmp_path: Path) -> None:
    """On a terminal the progress line is redrawn in place (carriage return, erase line)."""
    import pty

    db, seeds = tmp_path / "p.duckdb", seed_file(truth, tmp_path, 3)
    main, child = pty.openpty()
    config = tmp_path / "slow.toml"
    config.write_text("[politeness]\ndownload_delay = 0.7\nautothrottle = false\n")
    proc = subprocess.Popen([sys.executable, "-m", "prospector",
                             *_crawl_args(db, seeds, sampleweb, "--config", str(config))],
                            cwd=REPO, stdin=child, stdout=child, stderr=child)
    os.close(child)
    output = b""
    try:
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main)
        proc.wait(timeout=120)
    text = output.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-2000:]
    assert "\r\x1b[2Kprogress: " in text
    redraws = text.count("\r\x1b[2Kprogress: ")
    print(f"live progress: {redraws} redraws on a terminal")
    assert redraws >= 2


def test_sigterm_stops_cleanly_as_a_partial_run(tmp_path: Path) -> None:
    """SIGTERM (cron's timeout, systemd stop) ends the crawl gracefully: what was fetched
    is stored, the run is 'partial' and the exit code says so (it was recorded 'done')."""
    db, log, config = tmp_path / "p.duckdb", tmp_path / "requests.log", tmp_path / "slow.toml"
    config.write_text("[politeness]\ndownload_delay = 0.5\nautothrottle = false\n")
    web, url = timed_sampleweb.start(log)
    try:
        crawl = _popen(["crawl", "beekeeping", "--db", str(db), "--search", url, "--backend",
                        "sampleweb", "--proxy", url, "--config", str(config), "--no-progress"])
        deadline = time.monotonic() + 120
        while timed_sampleweb.pages_logged(log) < 20 and time.monotonic() < deadline:
            assert crawl.poll() is None, "the crawl ended before it could be stopped"
            time.sleep(0.2)
        crawl.send_signal(signal.SIGTERM)
        _, err = crawl.communicate(timeout=120)
    finally:
        web.terminate()
        web.wait(timeout=10)
    assert crawl.returncode == ExitCode.PARTIAL, err[-2000:]
    assert "Traceback" not in err
    with Store.open(db, read_only=True) as store:
        runs = store.query("SELECT status FROM runs")[1]
        pages = store.query("SELECT count(*) FROM pages")[1][0][0]
    print(f"sigterm: exit {crawl.returncode}, run {runs[0][0]}, {pages} pages stored")
    assert runs == [("partial",)] and pages >= 1
