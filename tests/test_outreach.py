"""The outreach pipeline: statuses with their history per site, kept across re-crawls;
cooldown from `contacted`; declined and partner sites out of the to-contact lists; the
report's pipeline counts equal to the history's; one line for each bad input."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.conftest import run_cli

STEPS = [  # (site rank in jv_partners, status, note)
    (0, "drafted", ""), (1, "contacted", "first mail"), (2, "contacted", ""),
    (2, "replied", "wants a call"), (3, "declined", "not now"), (4, "partner", "signed"),
]


def _crawl(db: Path, web: SampleWebProcess, *extra: str) -> None:
    done = run_cli("crawl", "beekeeping", "--db", str(db), "--search", web.url, "--backend",
                   "sampleweb", "--proxy", web.url, "--fast", "--no-progress", *extra)
    assert done.returncode == 0, done.stderr[-2000:]


def _report_counts(db: Path, out: Path) -> dict[str, int]:
    done = run_cli("report", "--db", str(db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text("utf-8")
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'id="pipeline-([a-z]+)">(\d+)<', html)}


def test_history_survives_recrawls_and_report_counts_match(sampleweb: SampleWebProcess,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "bees.duckdb"
    _crawl(db, sampleweb)
    with Store.open(db, read_only=True) as store:
        jv = store.list_domains("jv_partners")
        newsletters = set(store.list_domains("newsletters"))
    for rank, status, note in STEPS:
        done = run_cli("outreach", jv[rank], "--status", status, "--note", note, "--db", str(db))
        assert done.returncode == 0 and jv[rank] in done.stdout, done.stderr
    shortcut = run_cli("mark-contacted", jv[5], "--note", "by hand", "--db", str(db))
    assert shortcut.returncode == 0, shortcut.stderr
    with Store.open(db, read_only=True) as store:
        before = store.outreach_history()
    _crawl(db, sampleweb, "--refresh")
    with Store.open(db, read_only=True) as store:
        after = store.outreach_history()
        lists = {v: set(store.list_domains(v)) for v in ("jv_partners", "newsletters")}
        statuses = store.site_statuses()
    latest = Counter({d: s for d, s in ((e["domain"], e["status"]) for e in after)}.values())
    shown = _report_counts(db, tmp_path / "report.html")
    print(f"\noutreach: {len(after)} status changes on {len(statuses)} sites kept across a "
          f"--refresh re-crawl (before: {len(before)}); history's latest statuses "
          f"{dict(sorted(latest.items()))}; report's pipeline counts {shown}")
    assert after == before and len(after) == len(STEPS) + 1
    assert [e["status"] for e in after if e["domain"] == jv[2]] == ["contacted", "replied"]
    assert shown == {s: latest.get(s, 0) for s in
                     ("drafted", "contacted", "replied", "declined", "partner")}
    # drafted stays in the lists; contacted (and replied after it) cool down; declined and
    # partner leave them.
    assert jv[0] in lists["jv_partners"]
    for rank in (1, 2, 3, 4, 5):
        assert jv[rank] not in lists["jv_partners"] and jv[rank] not in lists["newsletters"]
    assert statuses[jv[3]] == "declined" and statuses[jv[5]] == "contacted"
    assert newsletters  # the sample web has some, so the newsletters check above meant something


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import store_earlier_run

    db = tmp_path_factory.mktemp("outreach") / "kept.duckdb"
    store_earlier_run(db)
    return db


@pytest.mark.parametrize(("args", "code", "words"), [
    (["nowhere.test", "--status", "contacted"], 2, "unknown domain nowhere.test"),
    (["who@nowhere.test", "--status", "replied"], 2, "no stored address"),
    (["kept.test", "--status", "married"], 2, "invalid choice"),
    (["not a domain", "--status", "drafted"], 2, "not a domain"),
])
def test_bad_inputs_are_one_line(args: list[str], code: int, words: str, small_db: Path) -> None:
    done = run_cli("outreach", *args, "--db", str(small_db))
    assert done.returncode == code, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr


def test_email_target_and_missing_db(small_db: Path, tmp_path: Path) -> None:
    done = run_cli("outreach", "keeper@kept.test", "--status", "replied", "--note", "yes",
                   "--db", str(small_db))
    assert done.returncode == 0 and done.stdout.startswith("kept.test: replied"), done.stderr
    with Store.open(small_db, read_only=True) as store:
        assert store.outreach_history("kept.test")[-1]["target"] == "keeper@kept.test"
    missing = run_cli("outreach", "kept.test", "--status", "drafted",
                      "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 3 and "no database" in missing.stderr
    assert not (tmp_path / "none.duckdb").exists()
