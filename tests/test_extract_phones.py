"""Phone numbers: tel: links everywhere, written numbers on contact pages, in E.164."""

from __future__ import annotations

import json
import re

import pytest
from _corpus import corpus_dir, manifest_rows

from prospector.extract import extract_page
from prospector.extract.phones import page_region, written_numbers


def phones(url: str, body: str, lang: str = "") -> dict[str, str]:
    page = f'<html lang="{lang}"><head><title>Bees</title></head><body>{body}</body></html>'
    facts = extract_page(url, page.encode())
    return {c.value: c.method for c in facts.contacts if c.kind == "phone"}


@pytest.mark.parametrize(("url", "lang", "region"), [
    ("https://imker.de/kontakt", "", "DE"),
    ("https://bees.co.uk/contact", "en-GB", "GB"),
    ("https://abeilles.fr/", "en", "FR"),  # the country-code domain wins
    ("https://imkerei.com/kontakt", "de-DE", "DE"),  # a generic domain: a non-English lang
    ("https://bees.com/contact", "en-GB", "US"),  # English lang regions mislead
    ("https://bees.com/contact", "", "US"),
    ("https://bees.io/contact", "", "US"),  # .io is no country one numbers are read in
])
def test_page_region(url: str, lang: str, region: str) -> None:
    assert page_region(url, lang) == region


def test_tel_links_on_any_page() -> None:
    found = phones("https://imker.de/", '<a href="tel:+49 30 1234567">call</a>'
                   '<a href="tel:030%20765432">call</a><a href="tel:12">bad</a>')
    assert found == {"+49301234567": "tel", "+4930765432": "tel"}


def test_written_numbers_on_contact_pages_only() -> None:
    body = "<p>Phone: (303) 850-9393 · Fax: (303) 740-8678</p>"
    assert phones("https://bees.com/contact-us/", body) == {"+13038509393": "text"}
    assert phones("https://bees.com/2023/05/swarm/", body) == {}


@pytest.mark.parametrize("text", [
    "Tel: 778.340.1355 Fax: 778.340.1356",
    "T: 778 340 1355 F: 778 340 1356",
    "Phone 778-340-1355 By fax: 778-340-1356",
])
def test_fax_lines_are_not_phones(text: str) -> None:
    assert list(written_numbers(text, "CA")) == ["+17783401355"]


def test_phone_quality_on_webstruct_labels() -> None:
    """The written-number reader over the visible text of the 122 WebStruct business
    and contact pages whose telephone numbers people labelled (TEL; FAX is labelled
    apart). Compared by their last ten digits."""
    root = corpus_dir()
    labels = json.loads((root / "annotations" / "webstruct_contact_entities.json").read_text())
    rows = {row["file"]: row for row in manifest_rows(root)}

    def digits(text: str) -> str:
        return re.sub(r"\D", "", text)[-10:]

    right = wrong = missed = 0
    for file, entry in labels.items():
        row = rows[file]
        url = row["original_url"] or row["canonical_url"]
        gold = {digits(e["text"]) for e in entry["entities"]
                if e["type"] == "TEL" and len(digits(e["text"])) >= 7}
        text = extract_page(url, (root / file).read_bytes(), "text/html").text
        found = {digits(n) for n in written_numbers(text, page_region(url, row["lang"]))}
        right += len(found & gold)
        wrong += len(found - gold)
        missed += len(gold - found)
    precision, recall = right / (right + wrong), right / (right + missed)
    print(f"\nphones on {len(labels)} WebStruct pages: precision={precision:.3f} "
          f"recall={recall:.3f} ({right} right, {wrong} wrong, {missed} missed)")
    assert precision >= 0.90 and recall >= 0.80


def test_dates_are_not_read_as_numbers_but_dotted_numbers_are() -> None:
    text = ("Posted 2024-01-07 10:15 · 07.01.2024 · 12/31/2023 · "
            "Appelez le 01.23.45.67.89 ou le +33 1 42 68 53 00")
    assert list(written_numbers(text, "FR")) == ["+33123456789", "+33142685300"]


def test_number_lists_are_skipped_but_a_number_beside_them_is_read() -> None:
    """An hour picker is a run of many digit groups: no number is read from it (the
    matcher spent 20 ms a page there), and the number after it is still found."""
    hours = " ".join(f"{h:02d}" for h in range(24))
    text = f"Pickup time: {hours} Reservations: (303) 555-0148"
    assert list(written_numbers(text, "US")) == ["+13035550148"]
    assert list(written_numbers(f"Pickup time: {hours}", "US")) == []
