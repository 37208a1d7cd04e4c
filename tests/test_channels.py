"""A site's own channels only (issue 24): whose a profile link is, as a table of pages,
then one real crawl of the sample web: the social channels stored against the truth
(precision), and none of its decoys (theme credits, people a post mentions, commenters)
taken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prospector.extract import extract_page
from prospector.extract.channels import handle_matches
from prospector.sampleweb.hubs import THEME_CREDITS
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.test_eligibility import crawl_sample_web

FLOOR = 0.95
X = "https://x.com/beeking"


def _socials(html: str, url: str = "http://hive-notes.test/post/1") -> list[str]:
    facts = extract_page(url, html.encode(), "text/html")
    return [c.value for c in facts.contacts if c.kind == "social"]


@pytest.mark.parametrize(("html", "url", "own"), [
    (f'<a rel="me" href="{X}">me</a>', "", True),  # rel=me, anywhere
    (f'<footer><a href="{X}">X</a></footer>', "", True),  # the site's chrome
    (f'<header><nav><a href="{X}">X</a></nav></header>', "", True),
    (f'<aside class="widget"><a href="{X}">follow</a></aside>', "", True),
    (f'<div class="social-links"><a href="{X}">X</a></div>', "", True),  # a follow block
    (f'<main><p>Find me on <a href="{X}">X</a></p></main>', "http://hive-notes.test/about/",
     True),  # the about page
    ('<main><p>I am <a href="https://x.com/hivenotes">here</a></p></main>', "", True),  # handle
    (f'<main><p>As <a href="{X}">Bee King</a> says</p></main>', "", False),  # mentioned
    (f'<footer><p>Theme by <a href="{X}">beeking</a></p></footer>', "", False),  # credit
    (f'<footer><p>Powered by <a href="{X}">Bee CMS</a></p></footer>', "", False),
    (f'<footer><p>Photo by <a href="{X}">B. King</a> on Unsplash</p></footer>', "", False),
    (f'<footer><a href="{X}">Hugo theme by B. King</a></footer>', "", False),
    (f'<div class="comments"><div class="comment"><a href="{X}">bk</a></div></div>', "",
     False),  # a commenter
    (f'<aside class="widget"><ol class="comment-list"><a href="{X}">bk</a></ol></aside>', "",
     False),  # recent comments in a sidebar
    ('<a href="https://www.reddit.com/r/beekeeping">r/beekeeping</a>', "", False),  # a hub
])
def test_whose_profile(html: str, url: str, own: bool) -> None:
    found = _socials(html, url or "http://hive-notes.test/post/1")
    assert bool(found) == own, found


@pytest.mark.parametrize(("handle", "owners", "match"), [
    ("hivenotes", ("hive-notes",), True),
    ("HiveNotes_", ("hive-notes",), True),
    ("jane.hollis", ("jane.hollis",), True),
    ("beeking", ("hive-notes", "ann"), False),
    ("ann", ("ann",), False),  # too short to tell
])
def test_handle_matches(handle: str, owners: tuple[str, ...], match: bool) -> None:
    assert handle_matches(handle, owners) == match


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl_sample_web(sampleweb, tmp_path_factory.mktemp("channels"))


def test_channels_against_the_truth(crawled: Path, truth: dict[str, Any]) -> None:
    with Store.open(crawled, read_only=True) as store:
        stored = {(r["domain"], r["value"]) for r in store.rows(
            "SELECT domain, value FROM contacts WHERE kind = 'social'")}
    # The truth writes profiles as the pages do (www.facebook.com); extraction keeps one
    # spelling per profile (no www.).
    own = {(s["domain"], u.replace("://www.", "://")) for s in truth["sites"]
           for u in s["socials"]}
    decoys = {(s["domain"], u) for s in truth["sites"] for u in s["social_decoys"]}
    credits = {u for _, u, _ in THEME_CREDITS}
    taken_credits = [(d, u) for d, u in stored
                     if u.replace("twitter.com", "x.com").rstrip("/").lower()
                     in {c.replace("twitter.com", "x.com").replace("www.", "").rstrip("/").lower()
                         for c in credits}]
    precision = len(stored & own) / len(stored)
    recall = len(stored & own) / len(own)
    print(f"\nsocial channels: {len(stored)} stored, {len(own)} in the truth, precision "
          f"{precision:.3f}, recall {recall:.3f}; decoys planted {len(decoys)} on "
          f"{len({d for d, _ in decoys})} sites, taken {len(stored & decoys)}; "
          f"credits taken {len(taken_credits)}")
    assert len(decoys) >= 20  # the decoys are there: the test means something
    assert precision >= FLOOR
    assert not stored & decoys and not taken_credits


def test_a_profile_recurring_across_the_sites_pages_is_its_channel(tmp_path: Path) -> None:
    from prospector.models import Candidate, FetchedPage, Link, PageFacts
    from prospector.score import rescore

    author, credit, mention = ("https://x.com/author_box", "https://github.com/themesmith",
                               "https://x.com/someone_else")
    with Store.open(tmp_path / "r.duckdb") as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate("http://bees.test/", "bees.test", "seed")])
        pages = []
        for i in range(5):
            url = f"http://bees.test/post/{i}"
            links = [Link(url, credit, "github.com", "Hugo theme by themesmith", "content")]
            if i < 4:  # an author box under four posts of five
                links.append(Link(url, author, "x.com", "follow me", "content"))
            if i == 0:
                links.append(Link(url, mention, "x.com", "a friend", "content"))
            pages.append(FetchedPage("bees.test", url, 200, "text/html", 1, PageFacts(
                url=url, domain="bees.test", text="beekeeping", links=tuple(links))))
        store.add_pages(run, pages)
        store.finish_run(run, "done")
        rescore(store)
        found = store.rows("SELECT value, method FROM contacts WHERE kind = 'social'")
    assert found == [{"value": "https://x.com/author_box", "method": "recurs"}]
