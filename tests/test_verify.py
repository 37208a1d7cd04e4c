"""`prospector verify` against a real dnsmasq: every sample-web address classified as
the truth says, timeouts as unknown, one resolution per domain, a TTL that asks nothing
again, and one line for each bad input."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from prospector.models import Candidate, Contact, FetchedPage, PageFacts
from prospector.sampleweb.mail import DnsServer
from prospector.store.db import Store
from prospector.verify.checks import check_syntax, is_disposable
from prospector.verify.dns import ResolverSettings, parse_resolver, resolve_domains
from tests.conftest import run_cli
from tests.dns_server import crawled_db, dns, fresh_copy, start_dns

__all__ = ["crawled_db", "dns"]  # fixtures used below

EXPECTED = {True: "deliverable", False: "no_mail", None: "unknown"}


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1", ("127.0.0.1", 53)),
    ("127.0.0.1:5353", ("127.0.0.1", 5353)),
    ("::1", ("::1", 53)),
    ("[::1]:5353", ("::1", 5353)),
])
def test_resolver_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_resolver(text) == expected


@pytest.mark.parametrize("text", ["localhost", "127.0.0.1:0", "127.0.0.1:70000", "1.2.3",
                                  "[::1]x", "127.0.0.1:abc", ""])
def test_bad_resolver_addresses(text: str) -> None:
    with pytest.raises(Exception, match="--resolver"):
        parse_resolver(text)


@pytest.mark.parametrize(("address", "normal", "valid"), [
    ("Jane.Doe@Apiary.test", "Jane.Doe@apiary.test", True),
    ("info@bees.example.com", "info@bees.example.com", True),
    ("bad@@bees.test", "", False),
    ("no-at-sign.test", "", False),
    ("jane@localhost", "", False),
])
def test_syntax(address: str, normal: str, valid: bool) -> None:
    found = check_syntax(address)
    assert (found.normalized, not found.reason) == (normal, valid)


@pytest.mark.parametrize(("domain", "disposable"), [
    ("mailinator.com", True), ("sub.mailinator.com", True), ("gmail.com", False),
    ("apiary-blog.test", False),
])
def test_disposable(domain: str, disposable: bool) -> None:
    assert is_disposable(domain) is disposable


def _verify(db: Path, server: DnsServer, *extra: str) -> Any:
    return run_cli("verify", "--db", str(db), "--resolver", server.address, "--timeout", "1",
                   *extra, timeout=120)


def test_sample_web_addresses_as_the_truth_says(crawled_db: Path, dns: DnsServer,
                                                 truth: dict[str, Any], tmp_path: Path) -> None:
    db = fresh_copy(crawled_db, tmp_path)
    done = _verify(db, dns)
    assert done.returncode == 0, done.stderr
    with Store.open(db, read_only=True) as store:
        checks = {c["address"]: c for c in store.contact_checks()}
        found = {a["address"] for a in store.addresses_to_verify("all") if a["origin"] == "found"}
    domains = truth["mail_domains"]
    wrong = [(a, checks[a]["deliverability"], checks[a]["reason"]) for a in found
             if checks[a]["deliverability"] != EXPECTED[domains[checks[a]["domain"]]["accepts_mail"]]]
    said = {a for a in found if checks[a]["deliverability"] == "no_mail"}
    true = {a for a in found if domains[checks[a]["domain"]]["accepts_mail"] is False}
    precision = len(said & true) / len(said) if said else 0.0
    recall = len(said & true) / len(true) if true else 0.0
    print(f"\nverify on the sample web: {len(found)} found addresses, {len(true)} on domains "
          f"that accept no mail; no_mail precision {precision:.3f} recall {recall:.3f}; "
          f"{len(wrong)} addresses classified otherwise than the truth")
    assert not wrong
    assert len(true) >= 3 and precision == recall == 1.0
    setups = {checks[a]["domain"]: domains[checks[a]["domain"]]["setup"] for a in found}
    assert {"mx", "null_mx", "nxdomain", "a_only", "aaaa_only", "slow"} <= set(setups.values())
    slow = [checks[a] for a in found if setups[checks[a]["domain"]] == "slow"]
    print("timeout:", ", ".join(f"{c['address']} -> {c['deliverability']} ({c['reason']})"
                               for c in slow))
    assert slow and all(c["deliverability"] == "unknown" and "timeout" in c["reason"]
                        for c in slow)
    null = [checks[a]["reason"] for a in found if setups[checks[a]["domain"]] == "null_mx"]
    assert all("RFC 7505" in r for r in null)
    _report_badges(db, tmp_path / "report.html")


def _report_badges(db: Path, out: Path) -> None:
    """The report, as Chromium draws it, shows what verify said beside each best email."""
    from tests.chromium import dump_dom

    assert run_cli("report", "--db", str(db), "--out", str(out)).returncode == 0
    dom = dump_dom(out)
    badges = {k: dom.count(f'class="badge mail {k}"') for k in
              ("deliverable", "no_mail", "unknown", "unchecked")}
    listed = dom.count('<li>email: ')  # other addresses, in the "other channels" column
    badged = len(re.findall(r'<li>email: [^<]*<span class="badge mail ', dom))
    print("report badges:", badges, f"; other addresses listed {listed}, with a badge {badged}")
    assert badges["deliverable"] > 10 and badges["unknown"] >= 1 and badges["unchecked"] == 0
    assert listed == badged > 0


def _store_bulk(db: Path, domains: list[str], per_domain: int) -> None:
    """What a crawl of `domains` would store: each site with `per_domain` addresses."""
    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate(f"http://{d}/", d, "seed file") for d in domains])
        pages = []
        for d in domains:
            contacts = tuple(Contact("email", f"person{i}@{d}", f"http://{d}/")
                             for i in range(per_domain))
            facts = PageFacts(url=f"http://{d}/", domain=d, title=d, contacts=contacts)
            pages.append(FetchedPage(site=d, url=f"http://{d}/", status=200,
                                     content_type="text/html", size=10, facts=facts))
        store.add_pages(run, pages)
        store.finish_run(run, "done")


def test_thousand_addresses_on_two_hundred_domains(tmp_path: Path) -> None:
    kinds = ("mx", "mx", "mx", "null_mx", "nxdomain")
    domains = [f"bulk{i:03d}.test" for i in range(200)]
    setups = {d: kinds[i % len(kinds)] for i, d in enumerate(domains)}
    db = tmp_path / "bulk.duckdb"
    _store_bulk(db, domains, 5)
    server = start_dns(setups)
    try:
        started = time.monotonic()
        first = _verify(db, server)
        seconds = time.monotonic() - started
        asked = server.queries()
        again = _verify(db, server)
        asked_again = server.queries() - asked
    finally:
        server.stop()
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    with Store.open(db, read_only=True) as store:
        checks = store.contact_checks()
    print(f"\n{len(checks)} addresses on {len(domains)} domains: {asked} DNS queries at the "
          f"server ({first.stdout.strip()}) in {seconds:.1f} s; a re-run within the TTL: "
          f"{asked_again} queries")
    assert len(checks) == 1000 and asked <= 200 and asked_again == 0
    by_setup = {setups[str(c["domain"])]: c["deliverability"] for c in checks}
    assert by_setup == {"mx": "deliverable", "null_mx": "no_mail", "nxdomain": "no_mail"}


def test_one_resolution_per_domain_in_the_library(tmp_path: Path) -> None:
    setups = {"a-only.test": "a_only", "v6.test": "aaaa_only", "none.test": "mx"}
    server = start_dns(setups)
    try:
        found, sent = resolve_domains(["a-only.test", "A-ONLY.test", "v6.test", "gone.test"],
                                      ResolverSettings("127.0.0.1", server.port, timeout=1.0))
        at_server = server.queries()
    finally:
        server.stop()
    assert found["a-only.test"].deliverability == "deliverable"
    assert "A record" in found["a-only.test"].reason and found["a-only.test"].queries == 2
    assert found["v6.test"].deliverability == "deliverable" and found["v6.test"].queries == 3
    assert found["gone.test"].deliverability == "no_mail" and "NXDOMAIN" in found["gone.test"].reason
    assert sent == at_server == 6


def test_bad_inputs_are_one_line(crawled_db: Path, dns: DnsServer, tmp_path: Path) -> None:
    db = fresh_copy(crawled_db, tmp_path)
    cases = [
        (["--resolver", "127.0.0.1:9"], 5, "does not answer"),   # nothing listens there
        (["--resolver", "not-an-ip"], 2, "--resolver"),
        (["--resolver", dns.address, "--timeout", "0"], 2, "--timeout"),
    ]
    for extra, code, words in cases:
        done = run_cli("verify", "--db", str(db), "--timeout", "1", *extra, timeout=60)
        assert done.returncode == code, (extra, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    missing = run_cli("verify", "--db", str(tmp_path / "none.duckdb"), "--resolver", dns.address)
    assert missing.returncode == 3 and "no database" in missing.stderr
    assert not (tmp_path / "none.duckdb").exists()
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[verify]\ntimeout = -1\n")
    done = run_cli("verify", "--db", str(db), "--config", str(bad_config))
    assert done.returncode == 2 and "dns_timeout" in done.stderr


def test_demo_verifies_with_the_local_dnsmasq(tmp_path: Path) -> None:
    from tests.dns_server import need_dnsmasq

    need_dnsmasq()
    db, out = tmp_path / "demo.duckdb", tmp_path / "demo.html"
    done = run_cli("demo", "--db", str(db), "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("verify"))
    print("\n" + line)
    assert "local dnsmasq" in line and " 0 unknown" not in line
    with Store.open(db, read_only=True) as store:
        assert len(store.contact_checks()) > 50


def test_resolver_from_the_config_file_and_one_list(crawled_db: Path, dns: DnsServer,
                                                    tmp_path: Path) -> None:
    db = fresh_copy(crawled_db, tmp_path)
    config = tmp_path / "bees.toml"
    config.write_text(f'[verify]\nresolver = "{dns.address}"\ntimeout = 1\nttl_days = 2\n')
    done = run_cli("verify", "--db", str(db), "--config", str(config), "--list", "jv")
    assert done.returncode == 0, done.stderr
    with Store.open(db, read_only=True) as store:
        checks = store.contact_checks()
        jv = {a["address"] for a in store.addresses_to_verify("jv")}
        every = {a["address"] for a in store.addresses_to_verify("all")}
    assert {c["address"] for c in checks} == jv and jv < every
    days = {round((c["expires_at"] - c["checked_at"]).total_seconds() / 86400, 3)
            for c in checks if c["deliverability"] != "unknown"}
    assert days == {2.0}


def test_a_slow_first_domain_is_unknown_and_the_run_goes_on() -> None:
    server = start_dns({"aaa-slow.test": "slow", "bbb.test": "mx"})
    try:
        started = time.monotonic()
        found, sent = resolve_domains(["aaa-slow.test", "bbb.test"],
                                      ResolverSettings("127.0.0.1", server.port, timeout=0.5))
        seconds = time.monotonic() - started
    finally:
        server.stop()
    slow = found["aaa-slow.test"]
    print(f"\nslow first domain: {slow.deliverability} ({slow.reason}) in {seconds:.1f} s; "
          f"{sent} queries (one probe told the resolver is there)")
    assert slow.deliverability == "unknown" and "timeout" in slow.reason
    assert found["bbb.test"].deliverability == "deliverable" and sent == 3 and seconds < 3
