"""The export's cell guard and record shape, in process and exact: the cases mutation
testing (scripts/mutate.py) showed the CLI-level tests of test_export.py let through
(they run the export in a subprocess, which mutmut does not map to a mutant)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from prospector.errors import InputError
from prospector.models import Candidate, Contact, FetchedPage, PageFacts
from prospector.report import export
from prospector.score import rescore
from prospector.store.db import Store

SEEN = datetime(2024, 5, 1, 10, 30, 15, 123456)
FULL_ROW: dict[str, Any] = {
    "domain": "bees.test", "url": "https://bees.test/", "name": "Bee Club", "title": "ignored",
    "channel": "email", "contact": "jo@bees.test", "contact_role": "personal", "score": 42.46,
    "kind": "blog", "platform": "wordpress", "why": "search: bees", "first_seen": SEEN,
    "contact_deliverability": "deliverable", "contact_checked_at": SEEN,
    "outreach_status": "contacted", "inferred_contact": "ann@bees.test",
}


def test_a_full_row_becomes_this_record() -> None:
    assert export._record(FULL_ROW, "jv") == {
        "domain": "bees.test", "url": "https://bees.test/", "name": "Bee Club",
        "email": "jo@bees.test", "role": "personal", "channel": "email", "score": 42.5,
        "kind": "blog", "platform": "wordpress", "why": "search: bees",
        "first_seen": "2024-05-01T10:30:15", "contact": "jo@bees.test",
        "deliverability": "deliverable", "checked_at": "2024-05-01T10:30:15",
        "status": "contacted", "inferred_email": "ann@bees.test", "score_of": "jv",
    }


def test_a_bare_row_gets_empty_cells_not_none_or_text() -> None:
    record = export._record({"domain": "x.test"})
    assert record == {
        "domain": "x.test", "url": "", "name": "", "email": "", "role": "", "channel": "",
        "score": None, "kind": "", "platform": "", "why": "", "first_seen": None,
        "contact": "", "deliverability": "", "checked_at": None, "status": "",
        "inferred_email": "", "score_of": "",
    }
    assert list(record) == list(export.COLUMNS)


def test_a_form_channel_fills_contact_but_not_email() -> None:
    row = {**FULL_ROW, "channel": "form", "contact": "https://bees.test/contact", "title": "T",
           "name": None, "first_seen": "2024-05-01", "score": 0}
    record = export._record(row)
    assert (record["email"], record["contact"]) == ("", "https://bees.test/contact")
    assert (record["deliverability"], record["checked_at"]) == ("", None)
    assert (record["name"], record["first_seen"], record["score"]) == ("T", "2024-05-01", 0.0)


def test_every_cell_is_neutralised_and_urls_are_web_only() -> None:
    row = {key: "=cmd|' /C calc'!A0" for key in FULL_ROW if key != "domain"}
    record = export._record({**row, "domain": "@evil.test", "score": None, "first_seen": None,
                             "contact_checked_at": None, "channel": "email"})
    assert record["url"] == ""  # not a web address
    assert all(not str(v).startswith(export.FORMULA_STARTS) for v in record.values())
    assert record["domain"] == "'@evil.test" and record["email"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(("value", "expected"), [
    ("a\x00b\x1bc\x7fd", "abcd"), ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("\x00=1", "'=1"), ("\x0b\x0c\x0e\x1f", ""), ("é\u200b", "é\u200b"),
])
def test_neutralise_drops_controls_first(value: str, expected: str) -> None:
    assert export.neutralise(value) == expected


@pytest.mark.parametrize(("url", "kept"), [
    ("http://a.test/", True), ("https://a.test/", True), ("HTTPS://A.test/", True),
    ("ftp://a.test/", False), ("javascript:x", False), ("", False), (" http://a.test/", False),
    ("httpx://a.test/", False),
])
def test_web_url(url: str, kept: bool) -> None:
    assert export.web_url(url) == (url if kept else "")


def test_iso() -> None:
    assert export._iso(SEEN) == "2024-05-01T10:30:15"
    assert export._iso("2024") == "2024" and export._iso(None) is None


ROWS = [export._record(FULL_ROW), export._record({"domain": "x.test"})]


def test_serialise_csv_exactly() -> None:
    text = export.serialise(ROWS, "csv")
    assert text.startswith(",".join(export.COLUMNS) + "\r\n") and text.endswith("\r\n")
    assert text.count("\r\n") == 3 and not text.startswith("\ufeff")
    assert next(csv.DictReader(io.StringIO(text)))["email"] == "jo@bees.test"
    assert export.serialise(ROWS, "csv", bom=True) == "\ufeff" + text


def test_json_keeps_non_ascii_text_as_is() -> None:
    rows = [{"domain": "café.test", "name": "Bees “café” 🐝"}]
    assert export.serialise(rows, "json") == (
        '[\n {\n  "domain": "café.test",\n  "name": "Bees “café” 🐝"\n }\n]\n')
    assert export.serialise(rows, "jsonl") == '{"domain": "café.test", "name": "Bees “café” 🐝"}\n'


def test_an_email_never_checked_has_no_deliverability() -> None:
    record = export._record({"domain": "x.test", "channel": "email", "contact": "jo@x.test"})
    assert (record["email"], record["deliverability"], record["checked_at"]) == ("jo@x.test", "", None)


def test_serialise_json_and_jsonl_exactly() -> None:
    text = export.serialise(ROWS, "json")
    assert text == json.dumps(ROWS, ensure_ascii=False, indent=1) + "\n"
    assert json.loads(text) == ROWS
    lines = export.serialise(ROWS, "jsonl")
    assert lines == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS)
    assert export.serialise([{"domain": "é.test"}], "jsonl") == '{"domain": "é.test"}\n'


@pytest.mark.parametrize(("fmt", "bom", "message"), [
    ("xml", False, "unknown format 'xml': choose one of csv, json, jsonl"),
    ("json", True, "--bom applies to csv only (JSON must not start with a BOM)"),
    ("jsonl", True, "--bom applies to csv only"),
])
def test_serialise_refuses(fmt: str, bom: bool, message: str) -> None:
    with pytest.raises(InputError) as info:
        export.serialise(ROWS, fmt, bom=bom)
    assert str(info.value).startswith(message)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill-export") / "x.duckdb"
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate("http://bees.test/", "bees.test", "search: bees")])
        facts = PageFacts(url="http://bees.test/", domain="bees.test", title="=Bees", text="beekeeping blog",
                          kind="blog", contacts=(
                              Contact("email", "jo@bees.test", "http://bees.test/", "text", 0.9, "personal"),
                              Contact("form", "http://bees.test/contact", "http://bees.test/", "", 0.8)))
        store.add_pages(run, [FetchedPage("bees.test", "http://bees.test/", 200, "text/html", 1, facts)])
        store.finish_run(run, "done")
        rescore(store)
    return path


def test_export_rows_and_write_export_in_process(db: Path, tmp_path: Path) -> None:
    with Store.open(db, read_only=True) as store:
        jv = export.export_rows(store, "jv")
        contacts = export.export_rows(store, "contacts")
        assert [r["domain"] for r in jv] == ["bees.test"] and jv[0]["name"] == "'=Bees"
        assert jv[0]["score_of"] == "jv" and {r["score_of"] for r in contacts} == {"best"}
        assert [(r["channel"], r["contact"]) for r in contacts] == [
            ("email", "jo@bees.test"), ("form", "http://bees.test/contact")]
        with pytest.raises(InputError, match="unknown list 'all': choose one of jv, communities"):
            export.export_rows(store, "all")
        out = tmp_path / "c.csv"
        assert export.write_export(store, out, "csv", "contacts") == 2
        assert out.read_bytes().decode("utf-8") == export.serialise(contacts, "csv")
        assert export.write_export(store, out, "json") == 1  # the JV list by default
        assert json.loads(out.read_text("utf-8")) == jv
        assert export.write_export(store, out, "csv", bom=True) == 1
        assert out.read_bytes().startswith("\ufeff".encode())
        assert out.read_bytes().count(b"\r\n") == 2  # CRLF rows, never doubled to CRCRLF
        assert export.export_rows(store, "hubs") == []  # no forum platform among the sites
        assert export.write_export(store, out, "csv", "hubs") == 0
        assert out.read_bytes().decode("utf-8") == ",".join(export.HUB_COLUMNS) + "\r\n"
        with pytest.raises(InputError) as info:
            export.write_export(store, db, "csv")
        assert str(info.value) == f"export path {db} is the database being read; give another file"


def test_an_in_memory_store_has_no_file_to_protect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `:memory:` store is no file: an output that happens to be named so is written."""
    monkeypatch.chdir(tmp_path)
    with Store.open(Path(":memory:")) as store:
        assert export.write_export(store, Path(":memory:"), "csv") == 0
    assert (tmp_path / ":memory:").read_bytes() == (",".join(export.COLUMNS) + "\r\n").encode()


def test_a_hub_row_becomes_this_record() -> None:
    row = {"rank": 1, "platform": "discourse", "id": "=bees", "url": "https://forum.test/c/bees",
           "niche_sites": 3, "linking_sites": 2, "name_relevance": 0.5, "anchors": ["Bees", "=x"],
           "linked_from": None, "first_seen": SEEN, "last_seen": "2024", "extra": "dropped"}
    assert export._hub_record(row) == {
        "rank": 1, "platform": "discourse", "id": "'=bees", "url": "https://forum.test/c/bees",
        "niche_sites": 3, "linking_sites": 2, "name_relevance": 0.5, "anchors": "Bees; =x",
        "linked_from": "", "first_seen": "2024-05-01T10:30:15", "last_seen": "2024"}
    assert export._hub_record({"anchors": ["=a", "b"]})["anchors"] == "'=a; b"
