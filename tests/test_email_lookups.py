"""A page of thousands of addresses is read in time linear in its size: the credit-line
check (each a read of the whole markup) runs for the first MAX_CREDIT_LOOKUPS addresses
only (issue 23: 40,000 disguised addresses took 87 s of CPU)."""

from __future__ import annotations

import pytest

from prospector.extract import emails
from prospector.extract.emails import MAX_CREDIT_LOOKUPS, find_emails


def _page(count: int) -> str:
    return "<html><body>" + "".join(
        f"<p>mail me{i} (at) bees{i}.test</p>" for i in range(count)) + "</body></html>"


def test_credit_lines_are_looked_for_a_bounded_number_of_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = emails._credit_line

    def counting(lower: bytes, address: str) -> bool:
        calls.append(address)
        return real(lower, address)

    monkeypatch.setattr(emails, "_credit_line", counting)
    found = find_emails("http://list.test/", _page(1_000))
    assert len(found) == 1_000  # every address still found
    assert len(calls) == MAX_CREDIT_LOOKUPS


def test_a_theme_credit_is_still_dropped() -> None:
    page = ("<html><body><p>Write to owner@bees.test</p>"
            "<footer>Theme by Ann <a href='mailto:ann@themesmith.org'>ann@themesmith.org</a>"
            "</footer></body></html>")
    assert [c.value for c in find_emails("http://bees.test/", page)] == ["owner@bees.test"]
