"""Bad input, each through the real CLI in a subprocess: one clear line on stderr, its
own exit code, and nothing already stored lost (the DB is reopened and checked).

Tests run as root, where file modes stop no write: a read-only DB is made immutable
with `chattr +i` (root cannot write it either), and a full disk is a small tmpfs that
is filled up. Where the sandbox forbids either, the test skips (fails under CI=true)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from prospector.errors import ExitCode
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.conftest import run_cli, store_earlier_run


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _one_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("prospector: error: "), result.stderr
    return lines[0]


def _store_earlier(db: Path) -> None:
    """What a previous run stored: nothing of it may be lost."""
    store_earlier_run(db)


def _assert_kept(db: Path) -> None:
    with Store.open(db, read_only=True) as store:
        assert store.rows("SELECT title FROM pages WHERE domain = 'kept.test'") == [
            {"title": "Kept apiary"}]
        assert {"value": "keeper@kept.test"} in store.rows("SELECT value FROM contacts")
        assert store.rows("SELECT run_id, status FROM runs WHERE run_id = 1") == [
            {"run_id": 1, "status": "done"}]


def _seeds(tmp_path: Path, text: str = "http://kept.test/\n") -> Path:
    path = tmp_path / "seeds.txt"
    path.write_text(text)
    return path


@contextmanager
def _immutable(path: Path) -> Iterator[None]:
    """`path` cannot be changed, not even by root, until the block ends."""
    if shutil.which("chattr") is None:
        _unavailable("chattr is missing: cannot make a file read-only for root")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        _unavailable(f"chattr +i is not allowed here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        _unavailable(f"cannot mount a tmpfs to fill up: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _fill(mount: Path, leave_bytes: int) -> Path:
    """Fill the filesystem at `mount` until `leave_bytes` are free."""
    free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
    filler = mount / "filler"
    with open(filler, "wb") as handle:
        os.posix_fallocate(handle.fileno(), 0, max(0, free - leave_bytes))
    return filler


# -- input ---------------------------------------------------------------------------------------
def test_empty_keyword(tmp_path: Path) -> None:
    line = _one_line(run_cli("crawl", " ", "--db", str(tmp_path / "p.duckdb"),
                             "--seeds", str(_seeds(tmp_path))), ExitCode.USAGE)
    assert "keyword is empty" in line
    assert not (tmp_path / "p.duckdb").exists()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "missing.txt", "does not exist"),
    (lambda p: p, "is a directory"),
    (lambda p: (p / "s.txt", (p / "s.txt").write_bytes(b"\xff\xfe\x00bad"))[0], "not UTF-8"),
    (lambda p: (p / "s.txt", (p / "s.txt").write_text("ok.test\nnot a url\n"))[0], "line 2"),
    (lambda p: (p / "s.txt", (p / "s.txt").write_text("javascript:alert(1)\n"))[0], "line 1"),
])
def test_unreadable_or_malformed_seed_file(tmp_path: Path, make: object, message: str) -> None:
    seeds = make(tmp_path)  # type: ignore[operator]
    db = tmp_path / "db" / "p.duckdb"
    db.parent.mkdir()
    _store_earlier(db)
    line = _one_line(run_cli("crawl", "bees", "--db", str(db), "--seeds", str(seeds)),
                     ExitCode.USAGE)
    assert message in line
    _assert_kept(db)


@pytest.mark.parametrize(("text", "message"), [
    ("keyword = ", "not valid TOML"),
    ("colour = 'blue'", "unknown setting 'colour'"),
    ("[budgets]\nmax_sites = 'many'\n", "max_sites"),
])
def test_malformed_config(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text)
    db = tmp_path / "p.duckdb"
    _store_earlier(db)
    line = _one_line(run_cli("crawl", "bees", "--db", str(db), "--config", str(config),
                             "--seeds", str(_seeds(tmp_path))), ExitCode.USAGE)
    assert message in line and "c.toml" in line
    _assert_kept(db)


# -- the database ---------------------------------------------------------------------------------
def test_db_path_is_a_directory(tmp_path: Path) -> None:
    line = _one_line(run_cli("crawl", "bees", "--db", str(tmp_path), "--seeds",
                             str(_seeds(tmp_path))), ExitCode.DATABASE)
    assert "is a directory" in line


def test_read_only_db_file(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    _store_earlier(db)
    with _immutable(db):
        for args in (("crawl", "bees", "--seeds", str(_seeds(tmp_path))),
                     ("suppress", "keeper@kept.test")):
            line = _one_line(run_cli(*args, "--db", str(db)), ExitCode.DATABASE)
            assert "cannot be written" in line
        # Reading still works.
        report = run_cli("report", "--db", str(db), "--out", str(tmp_path / "r.html"))
        assert report.returncode == 0, report.stderr
    _assert_kept(db)


def test_read_only_directory(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "p.duckdb"
    _store_earlier(db)
    with _immutable(folder):
        line = _one_line(run_cli("suppress", "keeper@kept.test", "--db", str(db)),
                         ExitCode.DATABASE)
        assert "cannot be written" in line or "lock file" in line
        line = _one_line(run_cli("crawl", "bees", "--db", str(db), "--seeds",
                                 str(_seeds(tmp_path))), ExitCode.DATABASE)
    _assert_kept(db)


def test_locked_db(tmp_path: Path) -> None:
    import sys

    db = tmp_path / "p.duckdb"
    _store_earlier(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]);"
         " print('ok', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        for args in (("crawl", "bees", "--seeds", str(_seeds(tmp_path))),
                     ("suppress", "x@y.test"), ("report", "--out", str(tmp_path / "r.html"))):
            assert "in use" in _one_line(run_cli(*args, "--db", str(db)), ExitCode.LOCKED)
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    _assert_kept(db)


def test_newer_schema(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    _store_earlier(db)
    with Store.open(db) as store:
        store.con.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql', now())")
    for args in (("crawl", "bees", "--seeds", str(_seeds(tmp_path))),
                 ("report", "--out", str(tmp_path / "r.html"))):
        line = _one_line(run_cli(*args, "--db", str(db)), ExitCode.DATABASE)
        assert "newer than this Prospector knows" in line
    import duckdb

    # Prospector refuses the DB; DuckDB itself shows that nothing was lost.
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT title FROM pages").fetchall() == [("Kept apiary",)]
    finally:
        con.close()


# -- a full disk ----------------------------------------------------------------------------------
def test_full_disk_on_a_write(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "p.duckdb"
    _store_earlier(db)
    filler = _fill(small_disk, 4096)
    for args in (("suppress", "keeper@kept.test"),
                 ("crawl", "bees", "--seeds", str(_seeds(tmp_path)))):
        line = _one_line(run_cli(*args, "--db", str(db)), ExitCode.NO_SPACE)
        assert "no space left" in line
    filler.unlink()
    _assert_kept(db)


def test_full_disk_during_a_crawl(small_disk: Path, tmp_path: Path) -> None:
    """The disk fills while the crawl writes (a page with 100,000 links): the crawl
    stops with exit code 7 and one error line; what was stored before stays."""
    db = small_disk / "p.duckdb"
    _store_earlier(db)
    filler = _fill(small_disk, 1536 * 1024)  # room to open the DB, not for the flood
    seeds = _seeds(tmp_path, "http://flood.test/\nhttp://cp1251.test/\n")
    with SampleWebProcess(hostile=True) as web:
        result = run_cli("crawl", "beekeeping", "--db", str(db), "--seeds", str(seeds),
                         "--proxy", web.url, "--fast", "--max-distance", "0", "--no-progress")
    assert result.returncode == ExitCode.NO_SPACE, result.stderr[-2000:]
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("prospector: error: ")]
    assert len(errors) == 1 and "no space left" in errors[0]
    assert result.stderr.rstrip().splitlines()[-1] == errors[0]
    assert "Traceback" not in result.stderr
    filler.unlink()
    _assert_kept(db)
