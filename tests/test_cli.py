"""The CLI as a user or scheduler meets it: documented help, one-line errors, exit codes.
Each case runs the real command in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prospector.errors import ExitCode
from prospector.store.db import Store
from tests.conftest import run_cli


@pytest.mark.parametrize("command", ["", "crawl", "report", "sql", "demo", "sampleweb"])
def test_help_documents_each_command(command: str) -> None:
    result = run_cli(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: prospector" in result.stdout
    if command in ("", "crawl"):
        assert "exit codes:" in result.stdout and "4    database locked" in result.stdout


def _one_line_error(result: object, code: int) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == code, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_missing_keyword(tmp_path: Path) -> None:
    line = _one_line_error(run_cli("crawl", "--db", str(tmp_path / "p.duckdb")), ExitCode.USAGE)
    assert "keyword" in line


def test_empty_keyword(tmp_path: Path) -> None:
    result = run_cli("crawl", "  ", "--db", str(tmp_path / "p.duckdb"), "--seeds", __file__)
    assert "keyword is empty" in _one_line_error(result, ExitCode.USAGE)


def test_unreadable_seed_file(tmp_path: Path) -> None:
    result = run_cli("crawl", "bees", "--db", str(tmp_path / "p.duckdb"),
                     "--seeds", str(tmp_path / "missing.txt"))
    assert "seed file" in _one_line_error(result, ExitCode.USAGE)
    assert not (tmp_path / "p.duckdb").exists()


def test_malformed_seed_file(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("ok.test\nthis is not a url\n")
    result = run_cli("crawl", "bees", "--db", str(tmp_path / "p.duckdb"), "--seeds", str(seeds))
    assert "line 2" in _one_line_error(result, ExitCode.USAGE)


def test_db_path_is_a_directory(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("ok.test\n")
    result = run_cli("crawl", "bees", "--db", str(tmp_path), "--seeds", str(seeds))
    assert "is a directory" in _one_line_error(result, ExitCode.DATABASE)


def test_unreachable_search_backend(tmp_path: Path) -> None:
    result = run_cli("crawl", "bees", "--db", str(tmp_path / "p.duckdb"),
                     "--search", "http://127.0.0.1:9")
    assert "unreachable" in _one_line_error(result, ExitCode.BACKEND)


def test_report_on_missing_db(tmp_path: Path) -> None:
    result = run_cli("report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html"))
    assert "no database" in _one_line_error(result, ExitCode.DATABASE)
    assert not (tmp_path / "none.duckdb").exists()


def test_bad_sql_is_one_line(tmp_path: Path) -> None:
    Store.open(tmp_path / "p.duckdb").close()
    result = run_cli("sql", "select * from nowhere", "--db", str(tmp_path / "p.duckdb"))
    assert "query failed" in _one_line_error(result, ExitCode.USAGE)


def test_sql_is_read_only(tmp_path: Path) -> None:
    Store.open(tmp_path / "p.duckdb").close()
    result = run_cli("sql", "drop table sites", "--db", str(tmp_path / "p.duckdb"))
    _one_line_error(result, ExitCode.USAGE)
    with Store.open(tmp_path / "p.duckdb", read_only=True) as store:
        assert store.query("select count(*) from sites")[1] == [(0,)]


def test_sql_formats(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with Store.open(db) as store:
        store.start_run("beekeeping", "{}")
    query = "select run_id, keyword from runs"
    table = run_cli("sql", query, "--db", str(db))
    assert table.returncode == 0 and table.stdout.splitlines()[0].split() == ["run_id", "keyword"]
    as_csv = run_cli("sql", query, "--db", str(db), "--format", "csv")
    assert as_csv.stdout.splitlines() == ["run_id,keyword", "1,beekeeping"]
    as_json = run_cli("sql", query, "--db", str(db), "--format", "json")
    assert json.loads(as_json.stdout) == [{"run_id": 1, "keyword": "beekeeping"}]


def test_sampleweb_truth_command() -> None:
    result = run_cli("sampleweb", "truth")
    assert result.returncode == 0, result.stderr
    sites = json.loads(result.stdout)["sites"]
    assert len(sites) >= 60
    for key in ("domain", "kind", "platform", "in_niche", "link_only", "emails", "decoys"):
        assert all(key in site for site in sites), key
