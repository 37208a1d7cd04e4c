"""Issue 25: the extraction tests fail when the code they guard is broken.

Each test here applies one mutation of the issue's table with monkeypatch (the cheap
form of `scripts/mutations.py`, which edits the source itself) and runs the guarding
test's own function under it: that test must fail. Without the mutation the same
functions pass (they are the suite's tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _corpus import corpus_pages
from lxml import etree

import prospector.extract.addresses as addresses
import prospector.extract.feeds as feeds
from prospector.extract import extract_page
from prospector.extract.doc import Doc
from tests import test_extract_corpus, test_extract_expectations, test_extract_facts


def _fails(test: Callable[[], object]) -> str:
    with pytest.raises(AssertionError) as info:
        test()
    return str(info.value)


def test_xxe_is_caught(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Mutation: the feed parser resolves entities and loads the DTD."""
    unsafe = etree.XMLParser(recover=True, resolve_entities=True, load_dtd=True, no_network=True)
    monkeypatch.setattr(feeds, "_PARSER", unsafe)
    assert test_extract_facts.XXE_MARKER in _fails(lambda: test_extract_facts.test_parse_feed(tmp_path))


@pytest.mark.corpus
def test_raw_html_addresses_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutation: every e-mail-shaped string of the raw HTML is taken as a text address."""
    text = Doc.email_text
    monkeypatch.setattr(Doc, "email_text", lambda self: self.raw + " " + text(self))
    precision, _, lines = test_extract_facts.gold_email_scores()
    print("\n" + lines.splitlines()[0])
    assert precision < 0.98
    _fails(test_extract_facts.test_gold_labelled_emails)


@pytest.mark.corpus
def test_junk_filter_off_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutation: the junk filter lets every address through."""
    monkeypatch.setattr(addresses, "is_junk_email", lambda address: False)
    files = {file for file, _ in test_extract_corpus.PLACEHOLDERS_ON_PAGES}
    pages = [p for p in corpus_pages() if p.file in files]
    facts = [extract_page(p.url, p.path.read_bytes(), "text/html") for p in pages]
    run = test_extract_corpus.Run(pages, facts, 0.0)
    assert "pages/" in _fails(lambda: test_extract_corpus.test_no_junk_emails(run))
    assert "found decoy" in _fails(test_extract_expectations.test_hand_checked_expectations)
