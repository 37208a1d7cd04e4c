"""Every SQL statement of the project lives in prospector/store/ or in .sql files
(issue 19): the other modules ask the Store by name.

Read with `ast`, not by grepping lines: a statement split over string pieces, or inside
an f-string, is still a string constant that starts with a keyword."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "prospector"
# The store is where SQL belongs; the sample web serves pages, it has no database.
SQL_ALLOWED = ("prospector/store/", "prospector/sampleweb/")
# A statement's first word, in capitals as the project writes SQL, then whitespace
# (SET and RESET too: a connection's settings are SQL statements as well).
SQL_START = re.compile(
    r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|WITH|ALTER|ATTACH|COPY|PRAGMA|SET|RESET)\s")


def sql_strings(source: str) -> list[tuple[int, str]]:
    """(line, first words) of each string constant of `source` that starts a statement,
    f-strings' literal parts included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and SQL_START.match(node.value)):
            found.append((node.lineno, " ".join(node.value.split()[:4])))
    return sorted(found)


def _outside_store() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if not path.relative_to(REPO).as_posix().startswith(SQL_ALLOWED)]


@pytest.mark.parametrize("source", [
    'rows = store.rows("SELECT domain FROM prospects")',
    'sql = """\n    UPDATE prefs SET value = ?\n"""',
    'def f(view):\n    return f"SELECT * FROM {view}"',
    'con.execute("DELETE FROM contacts WHERE kind = ?", [k])',
    'X = ("WITH t AS (SELECT 1) "\n     "SELECT * FROM t")',
    'con.execute("PRAGMA table_info(\'sites\')")',
    'con.execute(f"SET threads = {n}")',
])
def test_a_planted_sql_string_is_found(source: str) -> None:
    assert sql_strings(source), source


@pytest.mark.parametrize("source", [
    '"""Select the best contact: with a form, or an email."""',
    'message = "UPDATED 3 sites"',
    'word = "SELECT"',  # a keyword alone is no statement
    'label = "with cooldown"',
])
def test_prose_and_single_words_are_not_sql(source: str) -> None:
    assert sql_strings(source) == []


def test_the_scan_sees_every_module_outside_the_store() -> None:
    scanned = {p.relative_to(REPO).as_posix() for p in _outside_store()}
    assert "prospector/cli.py" in scanned and "prospector/report/render.py" in scanned
    assert not any(p.startswith(SQL_ALLOWED) for p in scanned)


def test_no_sql_outside_the_store() -> None:
    found = [f"{path.relative_to(REPO).as_posix()}:{line}: {words}"
             for path in _outside_store()
             for line, words in sql_strings(path.read_text("utf-8"))]
    assert found == [], "SQL outside prospector/store/ (ask the Store by name):\n" + "\n".join(found)
