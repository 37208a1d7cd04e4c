"""Bounded parser input (prospector/extract/bounds.py, issue 23): the pre-pass's
predicates in tables, capped pages parsed in their capped form with their contacts
kept (CPU time printed: `pytest -s`), the hostile sample web's parser bombs, and the
real corpus, where no cap may ever trip."""

from __future__ import annotations

import time
import urllib.request

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from prospector.extract import bounds, extract_page
from prospector.extract.bounds import ATTRIBUTE_CAP, DEPTH_CAP, FORMATTING_CAP
from prospector.sampleweb import hostile
from prospector.sampleweb.proc import SampleWebProcess
from tests._corpus import corpus_pages

CONTACT = '<p>Write to <a href="mailto:keeper@bees.test">keeper@bees.test</a></p>'
AFTER = '<p>Or to <a href="mailto:after@bees.test">after@bees.test</a></p>'


def _page(body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>Bees</title></head><body>{CONTACT}{body}"
            f"{AFTER}</body></html>")


def _nested(depth: int, opener: str = "<div>", closer: str = "</div>") -> str:
    return _page(opener * depth + "deep honey" + closer * depth)


def _attributes(count: int, value: str = "x") -> str:
    names = " ".join(f"data-a{i}={value}" for i in range(count))
    return _page(f"<div {names}>honey</div>")


def _misnested(count: int) -> str:
    """Formatting elements misnested with <p>: the adoption agency case."""
    return _page("".join(f'<b id="f{i}"><p>' for i in range(count)) + "</b>x " * count)


def _open_formatting(count: int) -> str:
    """Formatting elements left open at a shallow depth: each ends a paragraph."""
    return _page("".join(f'<i class="c{i}">honey</p>' for i in range(count)))


# An ordinary page several times bigger than the pre-pass's smallest: paragraphs,
# lists, a table, inline formatting, a script and a long data URI.
_ORDINARY = _page(
    "<ul>" + "<li><a href='/p'>post</a> by <b>bee</b><br>" * 400 + "</ul>"
    + "<table>" + "<tr><td>honey<td><i>wax</i>" * 300 + "</table>"
    + "<script>for (var i = 0; i<n; i++) { x = 'a b c d e f g h'; }" + " y = 1;" * 400
    + "</script>" + '<img src="data:image/png;base64,' + "QUJD" * 2000 + '" alt="logo">'
    + "<p>A paragraph about bees, honey and wax." * 500)


# -- the gate: a window every 4 KB ----------------------------------------------------------
@pytest.mark.parametrize(("name", "markup", "expected"), [
    ("ordinary page", _ORDINARY, False),
    ("nested <div>s under 8 KB", _nested(700), False),
    ("20,000 nested <div>s", _nested(20_000), True),
    ("20,000 nested <div>s with text", _nested(20_000, "<div>bee"), True),
    ("20,000 nested <span class>", _nested(20_000, '<span class="a">', "</span>"), True),
    ("balanced <div>s, 20,000 of them", _page("<div>bee</div>" * 20_000), False),
    ("a tag with 1,000 attributes", _attributes(1_000), True),
    ("a tag with 400 attributes, long values", _attributes(400, "x" * 20), False),
    ("2,000 misnested formatting elements", _misnested(2_000), True),
    ("'<n' in a long script", _page("<script>if (i<n" + " && y" * 2_000 + ") {}</script>"),
     False),
])
def test_suspect(name: str, markup: str, expected: bool) -> None:
    assert bounds.suspect(markup.encode().lower()) is expected, name


# -- the estimates ---------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "markup", "expected"), [
    ("ordinary page", _ORDINARY, ()),
    ("nested to the depth cap", _nested(DEPTH_CAP), ()),
    ("nested past the depth cap", _nested(DEPTH_CAP + 1), ("depth",)),
    ("end tags first close nothing", "</div>" * 2_000 + _nested(DEPTH_CAP + 1), ("depth",)),
    ("unclosed <p>, <li>, <br>, <img>", _page("<p>a<li>b<br><img src=x>" * 3_000), ()),
    ("custom elements, closed", _page("<my-bee>a</my-bee>" * 3_000), ()),
    ("attributes at the cap", _attributes(ATTRIBUTE_CAP), ()),
    ("attributes past the cap", _attributes(ATTRIBUTE_CAP + 1), ("attributes",)),
    ("open formatting at the cap", _open_formatting(FORMATTING_CAP), ()),
    ("open formatting past the cap", _open_formatting(FORMATTING_CAP + 1), ("formatting",)),
    ("closed formatting, many", _page("<b id=1>a</b><i>b</i>" * 3_000), ()),
    ("misnested formatting", _misnested(2_000), ("formatting",)),
])
def test_cap_markup_and_the_estimates(name: str, markup: str,
                                        expected: tuple[str, ...]) -> None:
    data = markup.encode()
    capped, tripped = bounds.cap_markup(data)
    assert tripped == expected, name
    assert (capped is data) is (not expected)
    # The gate's estimates may name more (a start tag the formatting cap drops is not
    # counted in the depth when capping), never fewer.
    over = bounds.over_caps(data.lower())
    assert set(expected) <= set(over) and bool(over) is bool(expected), (name, over)


def _ancestors(node: LexborNode) -> list[LexborNode]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def _depth(tree: LexborHTMLParser) -> int:
    root = tree.root
    return max((len(_ancestors(node)) for node in root.traverse()), default=0) if root else 0


def test_capped_depth_keeps_the_text_and_what_follows() -> None:
    capped, tripped = bounds.cap_markup(_nested(5_000).encode())
    assert tripped == ("depth",)
    tree = LexborHTMLParser(capped)
    assert DEPTH_CAP <= _depth(tree) <= DEPTH_CAP + 4
    text = tree.body.text() if tree.body is not None else ""
    assert "deep honey" in text and "after@bees.test" in text


def test_capped_attributes_keep_the_first_ones_and_the_text() -> None:
    capped, tripped = bounds.cap_markup(_attributes(3 * ATTRIBUTE_CAP).encode())
    assert tripped == ("attributes",)
    div = LexborHTMLParser(capped).css_first("div")
    assert div is not None and len(div.attributes) == ATTRIBUTE_CAP
    assert f"data-a{ATTRIBUTE_CAP - 1}" in div.attributes
    assert div.text() == "honey"


def test_capped_formatting_drops_the_extra_start_tags_with_their_end_tags() -> None:
    markup = _page("".join(f"<b id=o{i}>" for i in range(FORMATTING_CAP + 50))
                   + "bold" + "</b>" * (FORMATTING_CAP + 50) + "<p>plain</p>")
    capped, tripped = bounds.cap_markup(markup.encode())
    assert tripped == ("formatting",)
    tree = LexborHTMLParser(capped)
    assert len(tree.css("b")) == FORMATTING_CAP
    plain = tree.css_first("p:last-of-type")
    assert plain is not None and not any(a.tag == "b" for a in _ancestors(plain))


# -- extraction of capped pages --------------------------------------------------------------
_HOSTILE = {
    "100,000 nested <div>s": (hostile.parser_bomb("deep.test"), "keeper@deep.test", ("depth",)),
    "30,000 nested <div>s": (_nested(30_000).encode(), "keeper@bees.test", ("depth",)),
    "100,000 attributes": (hostile.parser_bomb("attributes.test"), "keeper@attributes.test",
                           ("attributes",)),
    "2,000 misnested formatting elements": (hostile.parser_bomb("misnested.test"),
                                            "keeper@misnested.test", ("formatting",)),
    # Left open in a block, they are cloned into each of the 10,000 blocks after it:
    # 20 million elements unbounded, 1.3 million capped (see bounds.FORMATTING_CAP).
    "2,000 open formatting elements, then 10,000 blocks": (_page(
        "<div>" + "".join(f"<b id=f{i}>" for i in range(2_000)) + "</div>"
        + "<div>honey</div>" * 10_000).encode(), "keeper@bees.test", ("formatting",)),
}


@pytest.mark.parametrize("name", sorted(_HOSTILE))
def test_hostile_page_extracts_capped_within_the_deadline(name: str) -> None:
    body, email, caps = _HOSTILE[name]
    started = time.process_time()
    facts = extract_page("http://bees.test/", body, "text/html; charset=utf-8")
    seconds = time.process_time() - started
    print(f"\n{name} ({len(body):,} bytes): extract_page {seconds:.3f} s CPU, capped {facts.capped}")
    assert seconds < 2.0  # the crawl's per-page CPU deadline (issue 23)
    assert facts.capped == caps
    assert email in {c.value for c in facts.contacts}
    assert facts.title.startswith("Beekeeping") or facts.title == "Bees"


# Markup built against the pre-pass itself: every step of it must stay linear (a regex
# tried from each '<' of '<a<a<a...' that read to the end took minutes), and a '>' or
# '<' in a quoted value must not hide a tag's attributes.
_AGAINST = {
    "'<a' 1,000,000 times, no '>'": ("<a" * 1_000_000, ()),
    "'<a ' 700,000 times, no '>'": ("<a " * 700_000, ("attributes",)),
    "a script of pseudo-tags": ("<script>" + ("i<n" + " x" * 600 + ";\n") * 1_500
                                + "</script>", ()),
    "1,500 tags of 600 attributes": (
        ("<div " + " ".join(f"a{i}" for i in range(600)) + ">x</div>") * 1_500,
        ("attributes",)),
    "100,000 attributes, '>' and '<' quoted": (
        "<div " + " ".join(f'a{i}="<>"' for i in range(100_000)) + ">x</div>",
        ("attributes",)),
}


@pytest.mark.parametrize("name", sorted(_AGAINST))
def test_markup_built_against_the_pre_pass(name: str) -> None:
    bomb, caps = _AGAINST[name]
    body = _page("").replace(AFTER, bomb).encode()
    started = time.process_time()
    facts = extract_page("http://bees.test/", body, "text/html; charset=utf-8")
    seconds = time.process_time() - started
    print(f"\n{name} ({len(body):,} bytes): extract_page {seconds:.3f} s CPU, capped {facts.capped}")
    assert seconds < 2.0
    assert facts.capped == caps
    assert "keeper@bees.test" in {c.value for c in facts.contacts}


def test_the_hostile_web_serves_the_parser_bombs() -> None:
    """Through the sample web as a crawl asks it (the server as its proxy): the index
    links each bomb host, and each answers its page, whose extraction is capped."""
    with SampleWebProcess(hostile=True) as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.url}))
        with opener.open("http://hostile.test/", timeout=30) as answer:
            index = answer.read().decode()
        for host, email in hostile.PARSER_CONTACTS.items():
            assert f'href="http://{host}/"' in index
            with opener.open(f"http://{host}/", timeout=60) as answer:
                body = answer.read()
                kind = answer.headers.get("Content-Type", "")
            assert body == hostile.parser_bomb(host) and kind.startswith("text/html")
            facts = extract_page(f"http://{host}/", body, kind)
            assert facts.capped and email in {c.value for c in facts.contacts}


def test_a_page_within_the_caps_is_not_marked() -> None:
    facts = extract_page("http://bees.test/", _nested(DEPTH_CAP).encode(), "text/html")
    assert facts.capped == ()
    assert {"keeper@bees.test", "after@bees.test"} <= {c.value for c in facts.contacts}


@pytest.mark.parametrize("charset", ["windows-1252", "utf-16"])
def test_a_capped_page_in_another_charset_is_capped_too(charset: str) -> None:
    # (UTF-16's tags are not ASCII bytes: the gate reads the decoded page as UTF-8.)
    body = _nested(3_000).replace("Bees", "Bienen für alle").encode(charset)
    facts = extract_page("http://bees.test/", body, f"text/html; charset={charset}")
    assert facts.capped == ("depth",)
    assert facts.title == "Bienen für alle"
    assert "after@bees.test" in {c.value for c in facts.contacts}


# -- the real corpus: no cap trips ---------------------------------------------------------
@pytest.mark.corpus
def test_no_corpus_page_passes_a_cap() -> None:
    pages = corpus_pages()
    highest = {"depth": 0, "attributes": 0, "formatting": 0}
    where = dict.fromkeys(highest, "")
    for page in pages:
        body = page.path.read_bytes()
        assert bounds.bound_markup(body.lower(), body) == (None, ()), page.file
        assert bounds.cap_markup(body)[1] == (), page.file
        for cap, value in bounds.largest(body).items():
            if value > highest[cap]:
                highest[cap], where[cap] = value, page.file
    print(f"\ncorpus ({len(pages)} pages): highest estimates "
          + ", ".join(f"{cap} {value} ({where[cap].rsplit('/', 1)[-1][:40]})"
                      for cap, value in highest.items())
          + f"; caps: depth {DEPTH_CAP}, attributes {ATTRIBUTE_CAP}, formatting {FORMATTING_CAP}")
    assert highest["depth"] * 2 <= DEPTH_CAP
    assert highest["attributes"] * 4 <= ATTRIBUTE_CAP
    assert highest["formatting"] * 2 <= FORMATTING_CAP
