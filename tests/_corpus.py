"""Locating and reading the shared real-page corpus (data only, read in place).

The corpus lives outside the repository (`<repo>/../shared/corpus`, or wherever
`$PROSPECTOR_CORPUS` points). Tests that need it skip when it is absent, except on CI
(`CI=true`), where a missing corpus is a broken setup and fails loudly.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

PAGE_CATEGORIES = ("forum", "blog", "contact", "business", "other")


def corpus_dir() -> Path:
    """The corpus root; skips (or fails on CI) the calling test when it is missing."""
    env = os.environ.get("PROSPECTOR_CORPUS")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not (path / "MANIFEST.tsv").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"corpus not found at {path}")
        pytest.skip(f"real-page corpus not found at {path} (set PROSPECTOR_CORPUS)")
    return path


def shared_file(env: str, *parts: str) -> Path:
    """A data file of `<repo>/../shared` (or of the directory `$env` names), such as
    the peer cases; skips (or fails on CI) the calling test when it is missing."""
    root = os.environ.get(env)
    base = Path(root) if root else Path(__file__).resolve().parents[2] / "shared" / parts[0]
    path = base.joinpath(*parts[1:])
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} not found")
        pytest.skip(f"{path} not found (set {env})")
    return path


@dataclass(frozen=True, slots=True)
class CorpusPage:
    """One MANIFEST row of an HTML page."""

    path: Path
    file: str
    category: str
    platform: str
    url: str
    emails: frozenset[str]
    has_rss: bool
    notes: str


def manifest_rows(root: Path | None = None) -> list[dict[str, str]]:
    """Every MANIFEST.tsv row as a dict (all categories, including feeds and robots)."""
    root = root or corpus_dir()
    with (root / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_pages(root: Path | None = None) -> list[CorpusPage]:
    """The HTML pages of the corpus (categories forum/blog/contact/business/other)."""
    root = root or corpus_dir()
    pages = []
    for row in manifest_rows(root):
        if row["category"] not in PAGE_CATEGORIES:
            continue
        url = row["original_url"] or row["canonical_url"] or (
            "http://unknown.test/" + row["file"].rsplit("/", 1)[-1]
        )
        emails = frozenset(
            e.strip().lower() for e in row["emails_found"].split(";") if e.strip()
        )
        pages.append(CorpusPage(
            path=root / row["file"], file=row["file"], category=row["category"],
            platform=row["platform"], url=url, emails=emails,
            has_rss=row["has_rss"] == "y", notes=row["notes"],
        ))
    return pages
