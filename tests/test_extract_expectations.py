"""Hand-checked expectations over 315 corpus pages (tests/data/expectations.json).

The data file's header says how the pages were read. This test prints email precision
and recall, platform and kind accuracy over that set and asserts the issue's floors.
Run with `-s` to see the figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _corpus import corpus_dir, corpus_pages

from prospector.extract import extract_page
from prospector.extract.vocab.kinds import KINDS

pytestmark = pytest.mark.corpus

DATA = Path(__file__).resolve().parent / "data" / "expectations.json"
# Kind is a judgement call on borderline sites (company blogs, magazines, clubs that
# publish news); issue 18's goal is 0.92. Measured 0.930 (293/315) on 2026-12-06, of
# which three pages are labels corrected that day (business -> shop, a cart on the
# site: see the data header); 0.921 (290/315) against the labels before that. The floor
# sits just under the measure: one page lost still passes (0.927), two fail (0.924).
KIND_FLOOR = 0.925


def _load() -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["pages"]
    return pages


def test_expectations_file_is_well_formed() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    pages = data["pages"]
    assert data["_header"]["pages"] == len(pages) >= 300
    assert len({p["file"] for p in pages}) == len(pages)
    for page in pages:
        assert set(page) == {"file", "emails", "must_not", "platform", "kind"}
        assert page["kind"] is None or page["kind"] in KINDS


def test_hand_checked_expectations() -> None:
    root = corpus_dir()
    urls = {p.file: p.url for p in corpus_pages(root)}
    tp = fp = fn = 0
    platform_ok = platform_n = kind_ok = kind_n = 0
    problems: list[str] = []
    for page in _load():
        file = page["file"]
        facts = extract_page(urls[file], (root / file).read_bytes(), "text/html")
        found = {c.value for c in facts.contacts if c.kind == "email"}
        for decoy in page["must_not"]:
            if decoy.lower() in found:
                fp += 1
                problems.append(f"{file}: found decoy {decoy}")
        if page["emails"] is not None:
            expected = {e.lower() for e in page["emails"]}
            tp += len(found & expected)
            extra = found - expected - {d.lower() for d in page["must_not"]}
            missed = expected - found
            fp += len(extra)
            fn += len(missed)
            problems += [f"{file}: unexpected {e}" for e in sorted(extra)]
            problems += [f"{file}: missed {e}" for e in sorted(missed)]
        if page["platform"] is not None:
            platform_n += 1
            if facts.platform in page["platform"]:
                platform_ok += 1
            else:
                problems.append(f"{file}: platform {facts.platform!r}, expected {page['platform']}")
        if page["kind"] is not None:
            kind_n += 1
            if facts.kind == page["kind"]:
                kind_ok += 1
            else:
                problems.append(f"{file}: kind {facts.kind!r}, expected {page['kind']!r}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    platform_acc = platform_ok / platform_n
    kind_acc = kind_ok / kind_n
    print(f"\nhand-checked set: {len(_load())} pages; emails precision={precision:.3f} "
          f"recall={recall:.3f} ({tp} right, {fp} wrong, {fn} missed); "
          f"platform accuracy={platform_acc:.3f} ({platform_ok}/{platform_n}); "
          f"kind accuracy={kind_acc:.3f} ({kind_ok}/{kind_n})")
    for line in problems:
        print("  " + line)
    # A decoy is an address a person checked is no contact (a placeholder, a vendor's
    # box): reporting one is a bug whatever the precision.
    assert [p for p in problems if "found decoy" in p] == []
    assert precision >= 0.98, problems
    assert recall >= 0.98, problems
    assert platform_acc >= 0.98, problems
    assert kind_acc >= KIND_FLOOR, problems
