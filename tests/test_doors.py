"""Doors an attacker or a typo could use (issue 25, in part): `prospector sql` cannot
write or reach other files; an output path cannot overwrite a database; outputs are
private. Each door is tried, and the DB and files are checked intact after."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest

from prospector.errors import ExitCode
from prospector.store.db import Store
from tests.conftest import run_cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "p.duckdb"
    with Store.open(path) as store:
        store.start_run("beekeeping", "{}")
    return path


def _refused(result: object, code: int = ExitCode.USAGE) -> str:
    assert getattr(result, "returncode", None) == code, result
    stderr = str(getattr(result, "stderr", ""))
    assert stderr.strip().count("\n") == 0 and "Traceback" not in stderr, stderr
    return stderr


@pytest.mark.parametrize("query", [
    "ATTACH '{other}' AS o (READ_WRITE)",
    "COPY (SELECT 'x') TO '{out}'",
    "EXPORT DATABASE '{folder}'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "DELETE FROM runs",
    "SELECT 1; DELETE FROM runs",
    "SET autoinstall_known_extensions = true",
    "SELECT * FROM 'http://127.0.0.1:9/x.csv'",  # external access (and httpfs autoload)
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
])
def test_sql_refuses_what_is_not_a_read(db: Path, tmp_path: Path, query: str) -> None:
    other = tmp_path / "other.duckdb"
    with Store.open(other) as store:
        store.start_run("other niche", "{}")
    text = query.format(other=other, out=tmp_path / "out.csv", folder=tmp_path / "dump")
    _refused(run_cli("sql", text, "--db", str(db)))
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "dump").exists()
    with Store.open(other, read_only=True) as store:
        assert store.query("SELECT count(*) FROM runs")[1] == [(1,)]
    with Store.open(db, read_only=True) as store:
        assert store.query("SELECT count(*) FROM runs")[1] == [(1,)]


def test_sql_reads_no_file_unless_allowed(db: Path, tmp_path: Path) -> None:
    data = tmp_path / "list.csv"
    data.write_text("a\nsecret\n")
    query = f"SELECT * FROM read_csv('{data}')"
    assert "secret" not in _refused(run_cli("sql", query, "--db", str(db)))
    allowed = run_cli("sql", query, "--db", str(db), "--allow-files", "--format", "csv")
    assert allowed.returncode == 0 and "secret" in allowed.stdout, allowed.stderr
    # Allowed to read files, still never to write one.
    _refused(run_cli("sql", f"COPY (SELECT 1) TO '{tmp_path / 'w.csv'}'", "--db", str(db),
                     "--allow-files"))
    assert not (tmp_path / "w.csv").exists()


@pytest.mark.parametrize("command", [["report"], ["export", "--format", "csv"]])
def test_an_output_path_is_never_a_database(db: Path, tmp_path: Path, command: list[str]) -> None:
    before = db.read_bytes()
    link = tmp_path / "same.duckdb.link"
    link.symlink_to(db)
    other = tmp_path / "other.duckdb"
    Store.open(other).close()
    other_before = other.read_bytes()
    for out in (db, link, other):
        _refused(run_cli(*command, "--db", str(db), "--out", str(out)))
    assert db.read_bytes() == before and other.read_bytes() == other_before


@pytest.mark.parametrize("command", [["report"], ["export", "--format", "csv"]])
def test_outputs_are_private_or_keep_their_mode(db: Path, tmp_path: Path,
                                                command: list[str]) -> None:
    new = tmp_path / "new.out"
    assert run_cli(*command, "--db", str(db), "--out", str(new)).returncode == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    kept = tmp_path / "kept.out"
    kept.write_text("old")
    os.chmod(kept, 0o640)
    assert run_cli(*command, "--db", str(db), "--out", str(kept)).returncode == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() != "old"


def test_the_reports_csp_pins_its_one_script(db: Path, tmp_path: Path) -> None:
    """No 'unsafe-inline' for scripts: the report's own script runs by its hash (the
    Chromium tests of tests/test_report.py fail when the hash is wrong), any other
    inline script would not; no <base> or form can send the reader elsewhere."""
    out = tmp_path / "r.html"
    assert run_cli("report", "--db", str(db), "--out", str(out)).returncode == 0
    html = out.read_text("utf-8")
    policy = html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"].startswith("'sha256-") and "unsafe" not in directives["script-src"]
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'none'"
    assert html.count("<script>") == 1


@pytest.mark.parametrize(("cell", "expected"), [
    ("Bee\x00Club", "BeeClub"),
    ("\x1b[31mred\x1b[0m", "[31mred[0m"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("\x00=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1 555", "'+1 555"),
])
def test_export_cells_lose_control_characters(cell: str, expected: str) -> None:
    from prospector.report.export import neutralise

    assert neutralise(cell) == expected


def test_an_export_holds_no_control_character_and_only_web_urls(tmp_path: Path) -> None:
    """End to end: a site whose stored URL is `javascript:` and whose name carries NUL
    and an escape sequence; the CSV has neither, and the DB is as it was."""
    from prospector.models import Candidate, Contact, FetchedPage, PageFacts
    from prospector.score import rescore

    db = tmp_path / "x.duckdb"
    evil_url, evil_title = "javascript:alert(document.domain)", "Bee\x00s \x1b[31mred"
    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate(evil_url, "evil.test", "seed file")])
        store.add_pages(run, [FetchedPage("evil.test", evil_url, 200, "text/html", 1, PageFacts(
            url=evil_url, domain="evil.test", title=evil_title, text="beekeeping blog",
            kind="blog", contacts=(Contact("email", "jo@evil.test", evil_url, "", 0.9),)))])
        store.finish_run(run, "done")
        rescore(store)
    before = db.read_bytes()
    out = tmp_path / "x.csv"
    result = run_cli("export", "--db", str(db), "--out", str(out), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [r["domain"] for r in rows] == ["evil.test"], rows
    assert rows[0]["url"] == "" and rows[0]["name"] == "Bees [31mred", rows[0]
    assert not any(ch in out.read_text("utf-8") for ch in "\x00\x1b")
    assert db.read_bytes() == before


@pytest.mark.parametrize(("url", "kept"), [
    ("https://bee.test/", True), ("HTTP://bee.test/", True), ("javascript:alert(1)", False),
    ("data:text/html,x", False), ("file:///etc/passwd", False),
])
def test_export_urls_are_web_addresses_only(url: str, kept: bool) -> None:
    from prospector.report.export import web_url

    assert web_url(url) == (url if kept else "")


@pytest.mark.parametrize(("url", "refused"), [
    ("http://%31%32%37.0.0.1/", "loopback"),
    ("http://%6c%6f%63%61%6c%68%6f%73%74/", "loopback"),
    ("http://[fec0::1]/", "site-local"),
    ("http://169.254.169.254:80@evil.test/", "user-info"),
    ("http://evil.test@169.254.169.254/", "user-info"),
    ("http://bee.test/hives?a=b@c", None),
    ("https://bee.test/", None),
])
def test_the_address_guard_reads_hosts_as_a_proxy_would(url: str, refused: str | None) -> None:
    from prospector.crawl.middlewares.guard import url_refusal

    why = url_refusal(url)
    assert (why is None) if refused is None else (why is not None and refused in why), why


@pytest.mark.parametrize(("toml", "named"), [
    ("[politeness]\ndownload_delay = inf\n", "download_delay"),
    ("[politeness]\nconcurrent_requests = 0\n", "concurrent_requests"),
    ("[politeness]\ndownload_timeout = -1\n", "download_timeout"),
    ("[budgets]\nmax_sites = 0\n", "max_sites"),
    ("[store]\nflush_seconds = nan\n", "flush_seconds"),
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
])
def test_config_values_are_ranged(tmp_path: Path, toml: str, named: str) -> None:
    """A value that would hang a crawl or fail every download (an infinite delay, no
    concurrency, a negative timeout) is one line naming it, exit 2, before anything runs."""
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    stderr = _refused(run_cli("crawl", "beekeeping", "--db", str(tmp_path / "p.duckdb"),
                              "--config", str(config), "--seeds", str(config)))
    assert named in stderr
    assert not (tmp_path / "p.duckdb").exists()


def test_the_run_lock_is_the_dbs_real_path(tmp_path: Path) -> None:
    from prospector.crawl.lock import run_lock
    from prospector.errors import LockedError

    db = tmp_path / "p.duckdb"
    link = tmp_path / "link.duckdb"
    link.symlink_to(db)
    with run_lock(db), pytest.raises(LockedError), run_lock(link):
        pass


# -- proxy mode resolves names locally too ------------------------------------------------------
def _local_name() -> tuple[str, str]:
    """A name (not `localhost`, not an address) that this machine resolves to a
    non-public address, and that address: its own host name, from /etc/hosts or DNS."""
    import socket

    from prospector.crawl.middlewares.guard import address_kind, literal_address

    name = socket.gethostname()
    try:
        answers = {str(i[4][0]) for i in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)}
    except OSError:
        answers = set()
    for text in sorted(answers):
        ip = literal_address(text)
        if ip is not None and address_kind(ip) is not None:
            return name, text
    if os.environ.get("CI") == "true":
        pytest.fail(f"this machine's name {name!r} resolves to no private address")
    pytest.skip(f"this machine's name {name!r} resolves to no private address")


def _guarded(url: str, *, proxy: str = "http://127.0.0.1:9") -> str | None:
    import asyncio

    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from prospector.crawl.middlewares.guard import AddressGuard

    try:
        asyncio.run(AddressGuard(False, proxy).process_request(Request(url, meta={"proxy": proxy})))
    except IgnoreRequest as exc:
        return str(exc)
    return None


def test_proxy_mode_refuses_a_name_the_local_network_resolves_privately() -> None:
    name, address = _local_name()
    refusal = _guarded(f"http://{name}/")
    assert refusal is not None and f"resolves to {address}" in refusal, refusal
    assert _guarded(f"http://{name.upper()}%2E/") is not None  # case, a trailing dot, encoded
    # A name that does not resolve here goes on to the proxy (the sample web's names).
    assert _guarded("http://bee-forum.test/") is None


def test_a_hanging_lookup_counts_as_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no reachable DNS server getaddrinfo may block for long: the guard waits
    RESOLVE_TIMEOUT_S at most, and the proxy then resolves the name."""
    import socket
    import threading
    import time

    from prospector.crawl.middlewares import guard

    release = threading.Event()

    def hang(*args: object, **kwargs: object) -> object:
        release.wait(60)  # a resolver that never answers (until the test ends)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    started = time.monotonic()
    try:
        assert _guarded("http://slow-dns.test/") is None
    finally:
        release.set()
    seconds = time.monotonic() - started
    print(f"\nhanging lookup given up after {seconds:.2f} s "
          f"(RESOLVE_TIMEOUT_S = {guard.RESOLVE_TIMEOUT_S})")
    assert guard.RESOLVE_TIMEOUT_S <= seconds < guard.RESOLVE_TIMEOUT_S + 1.5


def test_a_proxied_crawl_never_follows_a_redirect_to_a_private_name(tmp_path: Path) -> None:
    """A hostile site redirects the crawl to a name the user's network resolves to a
    private address: through the proxy, the request is refused, never sent."""
    from tests.conftest import store_earlier_run
    from tests.tiny_proxy import REDIRECT, page, tiny_web

    name, _address = _local_name()
    db = tmp_path / "p.duckdb"
    store_earlier_run(db)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://hostile.test/\n")
    pages = {"hostile.test/": page("Hostile apiary", '<a href="/contact">Contact</a>'),
             "hostile.test/contact": f"{REDIRECT}http://{name}/latest/meta-data/"}
    with tiny_web(pages) as web:
        result = run_cli("crawl", "beekeeping", "--db", str(db), "--seeds", str(seeds),
                         "--proxy", web.url, "--backend", "none", "--no-progress", "--fast",
                         "--max-distance", "0", timeout=240)
    assert result.returncode in (ExitCode.OK, ExitCode.PARTIAL), result.stderr
    assert "hostile.test/contact" in web.seen, web.seen  # the redirect was taken...
    assert not [k for k in web.seen if k.startswith(name)], web.seen  # ...and refused
    with Store.open(db, read_only=True) as store:
        titles = {r[0] for r in store.query("SELECT title FROM pages")[1]}
    assert {"Kept apiary", "Hostile apiary"} <= titles, titles
