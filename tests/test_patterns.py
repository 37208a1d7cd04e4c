"""Address pattern inference: tables for the predicates, and the sample web, where every
proposed address must follow the site's truth pattern and no site without one gets any."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prospector.store.db import Store
from prospector.verify.patterns import (
    fitting,
    infer_store,
    make_local,
    name_parts,
    names_in_text,
    propose,
    site_pattern,
)
from tests.dns_server import crawled_db, fresh_copy

__all__ = ["crawled_db"]


@pytest.mark.parametrize(("name", "parts"), [
    ("Jane Doe", ("jane", "doe")),
    ("José  Álvarez-Ruiz", ("jose", "alvarezruiz")),
    ("Dale Brandt, staff reporter", ("dale", "brandt")),
    ("Mary Ann Smith", ("mary", "smith")),
    ("Admin", None),
    ("The Team", None),
])
def test_name_parts(name: str, parts: tuple[str, str] | None) -> None:
    assert name_parts(name) == parts


@pytest.mark.parametrize(("name", "local", "patterns"), [
    ("Jane Doe", "jane.doe", {"first.last"}),
    ("Tom Hill", "thill", {"flast"}),
    ("Tom Hill", "tom", {"first"}),
    ("Tom Hill", "tomh", {"firstl"}),
    ("Tom Hill", "tom_hill", {"first_last"}),
    ("Tom Hill", "info", set()),
    ("Eli Li", "eli", {"first", "flast"}),  # one local, two patterns
])
def test_fitting(name: str, local: str, patterns: set[str]) -> None:
    assert fitting(name, local) == patterns


@pytest.mark.parametrize(("names", "locals_", "expected"), [
    (["Jane Doe"], ["jane.doe"], ("first.last", 1)),
    (["Jane Doe", "Tom Hill"], ["jane.doe", "tom.hill"], ("first.last", 2)),
    # a single pair that another pattern fits as well proposes nothing
    (["Eli Li"], ["eli"], None),
    # ... but a second pair settles it
    (["Eli Li", "Tom Hill"], ["eli", "thill"], ("flast", 2)),
    # two patterns, one pair each: a tie
    (["Jane Doe", "Tom Hill"], ["jane.doe", "thill"], None),
    (["Jane Doe"], ["info", "hello"], None),
    ([], ["jane.doe"], None),
])
def test_site_pattern(names: list[str], locals_: list[str],
                      expected: tuple[str, int] | None) -> None:
    assert site_pattern(names, locals_) == expected


def test_proposals_skip_people_with_an_address_and_other_domains() -> None:
    found = propose("bees.test", ["Jane Doe", "Tom Hill", "Ann Lee"],
                    ["jane.doe@bees.test", "beegirl.ann@gmail.com", "info@bees.test"])
    assert [(p.name, p.address, p.pattern, p.support) for p in found] == [
        ("Tom Hill", "tom.hill@bees.test", "first.last", 1),
        ("Ann Lee", "ann.lee@bees.test", "first.last", 1)]
    assert propose("bees.test", ["Tom Hill"], ["beegirl.tom@gmail.com"]) == []


def test_names_in_text() -> None:
    text = ("About Hive Notes. Hive Notes is run by Marta Ashby. By Tom Hill, staff reporter. "
            "Responsible for content: Ines Varga. Made by the team.")
    assert names_in_text(text) == ["Marta Ashby", "Tom Hill", "Ines Varga"]


def test_sample_web_proposals_follow_the_truth(crawled_db: Path, truth: dict[str, Any],
                                               tmp_path: Path) -> None:
    db = fresh_copy(crawled_db, tmp_path)
    with Store.open(db) as store:
        summary = infer_store(store)
        inferred = store.inferred()
        found = {a["address"] for a in store.addresses_to_verify("all") if a["origin"] == "found"}
    patterns = {s["domain"]: s["address_pattern"] for s in truth["sites"]}
    wrong = []
    for row in inferred:
        expected = patterns[row["domain"]]
        parts = name_parts(row["name"])
        assert parts is not None and row["method"] == "inferred"
        if expected is None or row["value"] != f"{make_local(expected, *parts)}@{row['domain']}":
            wrong.append((row["domain"], row["name"], row["value"], expected))
    with_pattern = {d for d, p in patterns.items() if p}
    sites = {r["domain"] for r in inferred}
    print(f"\npattern inference on the sample web: {summary.line()}; truth has a pattern on "
          f"{len(with_pattern)} sites, proposals on {len(sites & with_pattern)} of them and on "
          f"{len(sites - with_pattern)} without one; {len(wrong)} proposals disagree")
    assert not wrong and not sites - with_pattern
    assert len(inferred) >= 10 and len(sites) >= 4
    assert not {r["value"] for r in inferred} & found  # never mixed with found addresses
    assert all(r["support"] >= 1 for r in inferred)
