"""`prospector sql --format table` fits the terminal (issue 20): long cells cut with …,
every line within the width; csv and json stay whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prospector.report.terminal import column_widths, cut, table_lines
from prospector.store.db import Store
from tests.conftest import run_cli


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("beekeeping", 20, "beekeeping"),
    ("beekeeping", 10, "beekeeping"),
    ("beekeeping", 5, "beek…"),
    ("beekeeping", 1, "…"),
    ("", 3, ""),
])
def test_cut(text: str, width: int, expected: str) -> None:
    assert cut(text, width) == expected


@pytest.mark.parametrize(("natural", "max_width", "expected"), [
    ([5, 8], 0, [5, 8]),            # no limit
    ([5, 8], 40, [5, 8]),           # fits as it is
    ([4, 2000, 6], 40, [4, 26, 6]),  # the wide column takes what is left
    ([4, 2000, 3000], 40, [4, 16, 16]),  # two wide columns share it (36 after the gaps)
    ([50, 50, 50], 20, [5, 5, 5]),  # shared equally
    ([50, 50, 50], 8, [3, 3, 3]),  # never under the minimum cell
])
def test_column_widths(natural: list[int], max_width: int, expected: list[int]) -> None:
    assert column_widths(natural, max_width) == expected


def test_table_lines_stay_within_the_width() -> None:
    breakdown = json.dumps({f"factor{i}": {"raw": "x" * 40, "points": i} for i in range(50)})
    lines = table_lines(["domain", "score", "breakdown"],
                        [("bee-forum.test", 41.5, breakdown), ("hive.test", 7, "{}")], 80)
    assert all(len(line) <= 80 for line in lines), [len(line) for line in lines]
    assert lines[0].split() == ["domain", "score", "breakdown"]
    assert lines[2].startswith("bee-forum.test") and lines[2].endswith("…")
    assert lines[3].split() == ["hive.test", "7", "{}"]


def test_sql_table_fits_max_width_and_csv_stays_whole(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    long_keyword = "bees " * 400
    with Store.open(db) as store:
        store.start_run(long_keyword, "{}")
    query = "select run_id, keyword from runs"
    table = run_cli("sql", query, "--db", str(db), "--max-width", "60")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert len(lines) == 3 and all(len(line) <= 60 for line in lines), lines
    assert lines[2].endswith("…")
    whole = run_cli("sql", query, "--db", str(db), "--max-width", "0")
    assert len(whole.stdout.splitlines()[2]) > 1000
    as_csv = run_cli("sql", query, "--db", str(db), "--format", "csv", "--max-width", "60")
    assert long_keyword.strip() in as_csv.stdout
