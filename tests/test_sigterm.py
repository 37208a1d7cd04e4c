"""SIGTERM ends a crawl within its grace period (issue 25), even when the crawl waits on
an hour-long download delay and on a download that never ends: a real crawl subprocess
through a loopback proxy, signalled once it is waiting; what was stored is kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from prospector.errors import ExitCode
from prospector.store.db import Store
from tests.conftest import REPO, store_earlier_run
from tests.tiny_proxy import STUCK, page, tiny_web

GRACE_S = 4.0
# Python's own exit, and the scoring that follows every crawl, on a busy machine.
EXIT_SLACK_S = 3.0


def _wait_for(condition: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if callable(condition) and condition():
            return True
        time.sleep(0.1)
    return False


def test_sigterm_ends_a_waiting_crawl_within_its_grace_period(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    store_earlier_run(db)
    config = tmp_path / "c.toml"
    # An hour between two requests to one site, an hour's download timeout: the crawl
    # would wait that long for the delayed contact page and for the stuck download.
    config.write_text("[politeness]\ndownload_delay = 3600\ndownload_timeout = 3600\n"
                      f"obey_robots = false\nshutdown_grace = {GRACE_S}\n"
                      "[store]\nflush_seconds = 3600\n")
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://slow.test/\nhttp://stuck.test/\n")
    pages = {"slow.test/": page("Slow apiary", '<a href="/contact">Contact us</a>'),
             "slow.test/contact": page("Contact"), "stuck.test/": STUCK}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    with tiny_web(pages) as web:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prospector", "crawl", "beekeeping", "--db", str(db),
             "--config", str(config), "--seeds", str(seeds), "--proxy", web.url,
             "--no-progress", "--backend", "none"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert _wait_for(lambda: {"slow.test/", "stuck.test/"} <= set(web.seen), 120), \
                web.seen
            time.sleep(2.0)  # the slow home page parsed and handed to the pipeline
            signalled = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
            seconds = time.monotonic() - signalled
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    print(f"\nSIGTERM to exit: {seconds:.2f} s (grace period {GRACE_S:g} s); "
          f"exit {proc.returncode}; requests seen {web.seen}; stderr:\n{err.strip()}")
    assert seconds <= GRACE_S + EXIT_SLACK_S, (seconds, err)
    assert proc.returncode == ExitCode.PARTIAL, (out, err)
    assert "Traceback" not in err, err
    assert "slow.test/contact" not in web.seen  # the delay was never waited out
    with Store.open(db, read_only=True) as store:
        titles = {row[0] for row in store.query("SELECT title FROM pages")[1]}
        runs = store.query("SELECT status FROM runs ORDER BY started_at")[1]
    assert {"Kept apiary", "Slow apiary"} <= titles, titles  # kept, and stored at the stop
    assert [r[0] for r in runs] == ["done", "partial"], runs
