"""E-mail extraction scored on other projects' test cases (../shared/peer-cases).

`cases.json` holds 109 small pages from the test suites, fixtures and bug reports of 24
other projects (see its README): `expect` must be reported, `reject` must not,
`neutral` may go either way, anything else reported is a false positive. Precision and
recall are over all cases' `expect`. The file is third-party data: read in place, never
copied; absent, the test skips (and fails under CI=true, like the corpus tests).
"""

from __future__ import annotations

import json
from typing import Any

from _corpus import shared_file

from prospector.extract.emails import find_emails

# The floors (issue 18).
PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.95


def peer_cases() -> list[dict[str, Any]]:
    """The cases, from $PROSPECTOR_PEER_CASES or <repo>/../shared/peer-cases."""
    path = shared_file("PROSPECTOR_PEER_CASES", "peer-cases", "cases.json")
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def score(cases: list[dict[str, Any]]) -> tuple[int, int, int, list[str]]:
    """(true positives, false positives, misses, one line per wrong case)."""
    tp = fp = fn = 0
    lines = []
    for case in cases:
        found = {c.value for c in find_emails(case["url"], case["html"])}
        expect = set(case["expect"])
        wrong = found - expect - set(case["neutral"])
        missed = expect - found
        tp, fp, fn = tp + len(found & expect), fp + len(wrong), fn + len(missed)
        if wrong or missed:
            lines.append(f"{case['id']}: wrong {sorted(wrong)} missed {sorted(missed)}")
    return tp, fp, fn, lines


def test_peer_cases_precision_recall() -> None:
    cases = peer_cases()
    tp, fp, fn, lines = score(cases)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\npeer cases ({len(cases)}): precision={precision:.3f} recall={recall:.3f} "
          f"(tp={tp} fp={fp} fn={fn})")
    print("\n".join(lines))
    assert tp + fn > 50  # the file holds the cases the README describes
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


def test_rejected_strings_are_never_reported() -> None:
    """Every case's `reject` list (reserved names, decoded non-addresses) stays out."""
    reported = [(case["id"], value) for case in peer_cases()
                for value in {c.value for c in find_emails(case["url"], case["html"])}
                if value in set(case["reject"])]
    assert reported == []
