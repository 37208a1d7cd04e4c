"""Communities on platforms (issue 24): links to hubs read as a table of URLs, then one
real crawl of the sample web: the `hubs` view against the truth (recall, precision, each
hub's linking sites exactly) and `prospector export --list hubs`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from prospector.extract import extract_page
from prospector.extract.hubs import hub_of
from prospector.sampleweb.proc import SampleWebProcess
from prospector.store.db import Store
from tests.conftest import run_cli
from tests.test_eligibility import crawl_sample_web

FLOOR = 0.95


CASES: list[tuple[str, tuple[str, str] | None]] = [
    ("https://www.reddit.com/r/Emacs/comments/abc/x/", ("reddit", "r/emacs")),
    ("https://old.reddit.com/r/emacs", ("reddit", "r/emacs")),
    ("https://www.reddit.com/user/someone", None),  # a person, not a community
    ("https://discord.gg/AbC12", ("discord", "discord.gg/AbC12")),
    ("https://discord.com/invite/AbC12", ("discord", "discord.gg/AbC12")),
    ("https://discord.com/channels/1/2", None),
    ("https://www.facebook.com/groups/BeeKeepers/", ("facebook", "groups/beekeepers")),
    ("https://www.facebook.com/beeshop", None),  # a page: a profile, not a group
    ("https://t.me/emacs_en", ("telegram", "@emacs_en")),
    ("https://t.me/s/emacs_en", ("telegram", "@emacs_en")),
    ("https://t.me/share/url?url=x", None),
    ("https://t.me/joinchat/AbCdEf123", ("telegram", "joinchat/AbCdEf123")),  # an invite
    ("https://t.me/+AbCdEf123", ("telegram", "+AbCdEf123")),
    ("https://emacs.stackexchange.com/questions/1/x", ("stack exchange", "emacs.stackexchange.com")),
    ("https://stackoverflow.com/questions/2", ("stack exchange", "stackoverflow.com")),
    ("https://meta.stackexchange.com/q/3", None),
    ("https://lemmy.world/c/emacs", ("lemmy", "!emacs@lemmy.world")),
    ("https://kbin.social/m/emacs", ("lemmy", "!emacs@kbin.social")),
    ("https://example.com/c/cats", None),  # a shop's category, not Lemmy
    ("https://fosstodon.org/@emacs", ("mastodon", "@emacs@fosstodon.org")),
    ("https://mastodon.social/tags/Emacs", ("mastodon", "#emacs@mastodon.social")),
    ("https://matrix.to/#/#emacs:matrix.org", ("matrix", "#emacs:matrix.org")),
    ("https://matrix.to/", None),
    ("irc://irc.libera.chat/emacs", ("irc", "#emacs@libera.chat")),
    ("ircs://irc.libera.chat:6697/#emacs", ("irc", "#emacs@libera.chat")),
    ("https://web.libera.chat/#emacs", ("irc", "#emacs@libera.chat")),
    ("https://lists.gnu.org/mailman/listinfo/help-gnu-emacs",
     ("mailing list", "help-gnu-emacs@lists.gnu.org")),
    ("https://lists.example.org/postorius/lists/bees.example.org/",
     ("mailing list", "bees@example.org")),
    ("https://groups.io/g/beekeepers", ("mailing list", "beekeepers@groups.io")),
    ("https://groups.google.com/g/emacs-orgmode", ("mailing list", "emacs-orgmode@googlegroups.com")),
    ("https://groups.google.com/forum/#!forum/emacs-orgmode",
     ("mailing list", "emacs-orgmode@googlegroups.com")),
    ("https://join.slack.com/t/beeworkspace/shared_invite/zt-1", ("slack", "beeworkspace.slack.com")),
    ("https://beeworkspace.slack.com/", ("slack", "beeworkspace.slack.com")),
    ("https://app.slack.com/client/T1", None),
    ("https://example.com/forum/", None),
]


@pytest.mark.parametrize(("url", "hub"), CASES)
def test_hub_of(url: str, hub: tuple[str, str] | None) -> None:
    found = hub_of(url)
    assert (found[:2] if found else None) == hub


@pytest.mark.parametrize(("url", "hub"), [c for c in CASES if c[1]])
def test_a_pages_link_to_each_hub_is_read(url: str, hub: tuple[str, str]) -> None:
    # (The page's anchors are first sifted by literals: none of these may be lost.)
    facts = extract_page("http://blog.test/", f'<a href="{url}">x</a>'.encode(), "text/html")
    assert [(h.platform, h.hub_id) for h in facts.hubs] == [hub]


def test_a_page_names_each_hub_once_with_its_anchor() -> None:
    html = ('<p><a href="https://www.reddit.com/r/Bees/comments/1/x/">a thread</a>'
            '<a href="https://old.reddit.com/r/bees">r/bees</a>'
            '<a href="irc://irc.libera.chat/bees">IRC</a>'
            '<a href="https://www.reddit.com/user/joe">joe</a></p>')
    facts = extract_page("http://blog.test/", html.encode(), "text/html")
    assert [(h.hub_id, h.anchor) for h in facts.hubs] == [("r/bees", "a thread"),
                                                          ("#bees@libera.chat", "IRC")]
    # A subreddit is a community, never the blog's channel.
    assert not [c for c in facts.contacts if c.kind == "social"]


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl_sample_web(sampleweb, tmp_path_factory.mktemp("hubs"))


def test_hubs_against_the_truth(crawled: Path, truth: dict[str, Any]) -> None:
    with Store.open(crawled, read_only=True) as store:
        found = {h["url"]: h for h in store.hub_rows()}
    expected = {h["url"]: h for h in truth["hubs"]}
    hit = set(found) & set(expected)
    precision, recall = len(hit) / len(found), len(hit) / len(expected)
    exact = [u for u in hit if found[u]["linking_sites"] == len(expected[u]["linking_sites"])
             and list(found[u]["linked_from"]) == expected[u]["linking_sites"]]
    print(f"\nhubs: {len(found)} found, {len(expected)} in the truth, precision {precision:.3f},"
          f" recall {recall:.3f}; linking-site counts exact for {len(exact)} of {len(hit)}")
    for u in sorted(hit, key=lambda u: -found[u]["linking_sites"]):
        print(f"  {found[u]['rank']:>2} {found[u]['platform']:<14} {found[u]['id']:<32}"
              f" {found[u]['linking_sites']:>3} sites (truth {len(expected[u]['linking_sites'])})")
    assert precision >= FLOOR and recall >= FLOOR
    assert len(exact) == len(hit)
    ranks = [found[u]["niche_sites"] for u in sorted(found, key=lambda u: found[u]["rank"])]
    assert ranks == sorted(ranks, reverse=True)


def test_export_lists_the_hubs(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "hubs.csv"
    result = run_cli("export", "--format", "csv", "--list", "hubs", "--db", str(crawled),
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["id"] == "r/beekeeping" and rows[0]["platform"] == "reddit"
    assert int(rows[0]["linking_sites"]) > 10 and rows[0]["url"].startswith("https://")


# Hubs on real pages of the corpus, read by hand from their markup: (file, hub ids).
CORPUS_HUBS = (
    ("blog/fouryears.eu_interning-of-small-integers-in-python.html", {"r/python"}),
    ("contact/fairkom.eu_about.html", {"fairkom-news@mailman.fairkom.net"}),
    ("forum/community.scope.org.uk_disabled-mum.html", {"groups/378499872939885"}),
    ("forum/foren.myoos.de_viewtopic-f-4-t-167.html",
     {"discussion@mail.fsfeurope.org", "fsfe-de@mail.gnu.org"}),
    ("forum/forum.nationstates.net_viewtopic-f-4-t-170098.html", {"discord.gg/CmezN6v"}),
)


@pytest.mark.parametrize(("name", "ids"), CORPUS_HUBS)
def test_hubs_on_real_pages(name: str, ids: set[str]) -> None:
    from tests._corpus import corpus_dir

    path = corpus_dir() / "pages" / name
    url = "http://" + path.name.split("_")[0] + "/"
    facts = extract_page(url, path.read_bytes(), "text/html")
    assert {h.hub_id for h in facts.hubs} == ids
