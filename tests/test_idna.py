"""Host names with control, bidi or look-alike characters (issue 25): refused with one
line where a user gave them (seeds, include lists: exit 2), dropped and counted where a
page gave them (scraped links, never a traceback); international names stored as
punycode and shown with their Unicode form beside it, look-alikes shown in punycode
only. Pure tables first, then a real crawl through a loopback proxy and its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prospector.errors import ExitCode
from prospector.extract import extract_page
from prospector.hosts import REFUSED, HostError, ascii_host, shown_host
from prospector.store.db import Store
from prospector.urls import canonicalize, hostname, registered_domain
from tests.conftest import run_cli, store_earlier_run
from tests.tiny_proxy import page, tiny_web


@pytest.mark.parametrize(("host", "ascii"), [
    ("bee.test", "bee.test"),
    ("Bee.TEST", "bee.test"),
    ("bücher.test", "xn--bcher-kva.test"),
    ("BÜCHER.test", "xn--bcher-kva.test"),  # UTS-46 maps case before encoding
    ("xn--bcher-kva.test", "xn--bcher-kva.test"),
    ("faß.de", "xn--fa-hia.de"),  # non-transitional: ß stays ß, as browsers do now
    ("%62ee.test", "bee.test"),  # percent-decoded first, as a browser or proxy reads it
    ("１２７.0.0.1", "127.0.0.1"),  # full-width digits are digits
    ("аpple.test", "xn--pple-43d.test"),  # Cyrillic а: a look-alike, still one punycode name
])
def test_hosts_are_normalised_to_punycode(host: str, ascii: str) -> None:
    assert ascii_host(host) == ascii


@pytest.mark.parametrize(("host", "why"), [
    ("a\x00b.test", "control character U+0000"),
    ("a%00b.test", "control character U+0000"),
    ("a\x1bb.test", "control character U+001B"),
    ("evil\u202egnp.test", "bidi control character U+202E"),
    ("x\u2066y.test", "bidi control character U+2066"),
    ("\u200fbee.test", "bidi control character U+200F"),
    ("b\u00a0ee.test", "space character U+00A0"),
    ("bee\ufffd.test", "not a valid international name"),  # what a parser makes of NUL
])
def test_control_and_bidi_characters_are_refused_in_one_line(host: str, why: str) -> None:
    with pytest.raises(HostError) as raised:
        ascii_host(host)
    message = str(raised.value)
    assert why in message and message.isprintable(), message  # escaped, never raw


@pytest.mark.parametrize(("host", "shown"), [
    ("bee.test", "bee.test"),
    ("xn--bcher-kva.test", "xn--bcher-kva.test (bücher.test)"),
    ("xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai (пример.рф)"),  # Cyrillic, not Latin-like
    ("xn--r8jz45g.test", "xn--r8jz45g.test (例え.test)"),  # Han + Hiragana: Japanese
    ("xn--pple-43d.test", "xn--pple-43d.test (look-alike name: mixed scripts Cyrillic+Latin)"),
    ("xn--80ak6aa92e.test",  # 'аррӏе': every letter Cyrillic, every letter Latin-looking
     "xn--80ak6aa92e.test (look-alike name: Cyrillic letters that all look Latin)"),
    ("xn--zz.test", "xn--zz.test"),  # not valid punycode: shown as it is
])
def test_the_report_shows_unicode_beside_punycode_and_never_a_lookalike(host: str,
                                                                      shown: str) -> None:
    assert shown_host(host) == shown


@pytest.mark.parametrize(("url", "canonical", "domain"), [
    ("http://BÜCHER.test/Hives", "http://xn--bcher-kva.test/Hives", "xn--bcher-kva.test"),
    ("https://www.bücher.test:443/", "https://www.xn--bcher-kva.test/", "xn--bcher-kva.test"),
    ("http://a%00b.test/", "", ""),
    ("http://evil\u202egnp.test/", "", ""),
])
def test_urls_carry_punycode_hosts_or_none(url: str, canonical: str, domain: str) -> None:
    assert canonicalize(url) == canonical
    assert registered_domain(url) == domain
    assert hostname(url) == (domain and hostname(canonical))


def test_scraped_links_with_bad_hosts_are_dropped_and_counted() -> None:
    REFUSED.take()
    html = ('<a href="http://bücher.test/">b</a><a href="http://a%00b.test/">n</a>'
            '<a href="http://evil&#x202E;gnp.test/">r</a><a href="http://x&#x1b;y.test/">e</a>'
            '<a href="http://good.test/">g</a>')
    facts = extract_page("http://bee-forum.test/", f"<html><body>{html}</body></html>")
    assert sorted(link.target_domain for link in facts.links) == ["good.test",
                                                                 "xn--bcher-kva.test"]
    count, examples = REFUSED.take()
    assert count == 3 and "U+0000" in examples[0], (count, examples)


# -- user input: one line, exit 2, nothing stored lost ----------------------------------------
def _contents(db: Path) -> list[object]:
    """What the DB holds that a refused run must leave as it was (the file's bytes may
    change: opening it read-write checkpoints it)."""
    with Store.open(db, read_only=True) as store:
        return [store.query(f"SELECT * FROM {table} ORDER BY ALL")[1]
                for table in ("runs", "sites", "pages", "contacts", "links")]


@pytest.mark.parametrize(("line", "why"), [
    ("a\x00b.test", "control character U+0000"),
    ("http://evil\u202egnp.test/", "bidi control character U+202E"),
    ("bee\ufffd.test", "not a valid international name"),
])
def test_a_seed_with_a_bad_host_is_one_line_exit_2(tmp_path: Path, line: str, why: str) -> None:
    db = tmp_path / "p.duckdb"
    store_earlier_run(db)
    before = _contents(db)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"bee.test\n{line}\n", "utf-8")
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--seeds", str(seeds),
                     "--backend", "none", "--no-progress")
    assert result.returncode == ExitCode.USAGE, result
    err = result.stderr.strip()
    assert "\n" not in err and "Traceback" not in err and "line 2" in err and why in err, err
    assert err.isprintable()  # the bad character named, not printed
    assert _contents(db) == before


def test_an_include_list_with_a_bad_host_is_one_line_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    store_earlier_run(db)
    before = _contents(db)
    config = tmp_path / "c.toml"
    config.write_text('[discover]\ninclude = ["bee.test", "evil\\u202Egnp.test"]\n', "utf-8")
    result = run_cli("crawl", "beekeeping", "--db", str(db), "--config", str(config),
                     "--backend", "none", "--no-progress")
    assert result.returncode == ExitCode.USAGE, result
    err = result.stderr.strip()
    assert "\n" not in err and "include list, entry 2" in err and "U+202E" in err, err
    assert _contents(db) == before


# -- a real crawl: scraped links, the stored domains, the report --------------------------------
HOSTILE_LINKS = ('<a href="http://a%00b.test/">nul</a>'
                 '<a href="http://evil&#x202E;gnp.test/">bidi</a>'
                 '<a href="http://x&#x1b;y.test/">esc</a>'
                 '<a href="http://bee&#0;hive.test/">nul entity</a>'
                 '<a href="http://münchen-imker.test/">munich</a>')


def test_a_crawl_stores_punycode_drops_bad_hosts_and_shows_both_forms(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("bücher.test\nаpple.test\n", "utf-8")
    pages = {"xn--bcher-kva.test/": page("Bücher apiary", HOSTILE_LINKS),
             "xn--pple-43d.test/": page("Apple apiary", HOSTILE_LINKS)}
    with tiny_web(pages) as web:
        result = run_cli("crawl", "beekeeping", "--db", str(db), "--seeds", str(seeds),
                         "--proxy", web.url, "--backend", "none", "--no-progress",
                         "--fast", "--max-distance", "0", timeout=240)
    assert result.returncode in (ExitCode.OK, ExitCode.PARTIAL), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    # The proxy was asked for the punycode names only, never a raw or a bad one.
    assert {"xn--bcher-kva.test/", "xn--pple-43d.test/"} <= set(web.seen), web.seen
    assert all(key.isascii() and key.isprintable() for key in web.seen), web.seen
    dropped = [line for line in result.stderr.splitlines() if "bad host name" in line]
    print(f"\n{dropped[0] if dropped else 'no dropped-links line'}")
    assert dropped and int(dropped[0].split()[0]) == 4, result.stderr  # each bad host once
    with Store.open(db, read_only=True) as store:
        sites = {r[0] for r in store.query("SELECT domain FROM sites")[1]}
        targets = {r[0] for r in store.query("SELECT target_domain FROM links")[1]}
    assert {"xn--bcher-kva.test", "xn--pple-43d.test"} <= sites, sites
    assert targets == {"xn--mnchen-imker-dlb.test"}, targets
    out = tmp_path / "r.html"
    assert run_cli("report", "--db", str(db), "--out", str(out)).returncode == 0
    html = out.read_text("utf-8")
    blob = json.loads(html.split('id="report-data">', 1)[1].split("</script>", 1)[0])
    shown = {str(s) for s in _column(blob, "shown")}
    print(f"report shows: {sorted(shown - {''})}")
    assert "xn--bcher-kva.test (bücher.test)" in shown, shown
    assert "xn--pple-43d.test (look-alike name: mixed scripts Cyrillic+Latin)" in shown
    assert "аpple" not in html  # the look-alike's Unicode form appears nowhere


def _column(blob: object, name: str) -> list[object]:
    """One field of every site record of the report's JSON blob, wherever it keeps them."""
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            fields = node.get("fields")
            if isinstance(fields, list) and name in fields:
                index = fields.index(name)
                for key, rows in node.items():
                    if key != "fields" and isinstance(rows, list):
                        found.extend(r[index] for r in rows
                                     if isinstance(r, list) and len(r) == len(fields))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blob)
    return found


def test_search_results_with_bad_hosts_are_dropped(tmp_path: Path) -> None:
    """A search engine's results (here the SearXNG mock of tests/backend_servers.py) name
    hosts with control and bidi characters: dropped, never a candidate, no traceback; an
    international one is a candidate under its punycode domain."""
    from tests.backend_servers import serve

    db = tmp_path / "p.duckdb"
    with serve() as srv:
        srv.state.hosts = ["bücher.test", "evil\u202egnp.test", "a\x00b.test", "good.test"]
        result = run_cli("discover", "beekeeping", "--db", str(db), "--backend", "searxng",
                         "--search", f"{srv.url}/searxng", "--format", "csv",
                         "--max-sites", "1")  # two candidates: the first page fills them
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    with Store.open(db, read_only=True) as store:
        domains = {r[0] for r in store.query("SELECT domain FROM discoveries")[1]}
    assert domains == {"xn--bcher-kva.test", "good.test"}, domains
    assert result.stdout.isascii()  # the listing shows the stored (punycode) names


def test_an_exclude_list_in_unicode_excludes_the_punycode_site() -> None:
    from prospector.discover.frontier import Frontier

    frontier = Frontier(max_sites=5, exclude=frozenset({"BÜCHER.test", "evil\u202e.test"}))
    assert not frontier.admits("xn--bcher-kva.test", 0)
    assert frontier.admits("good.test", 0)
    assert frontier.exclude == frozenset({"xn--bcher-kva.test"})  # the bad entry dropped
