"""The cheap pre-checks extraction runs before a costly reader or regex skip only input
the reader would find nothing in: checked over generated input, and over real markup
that the skipped work is the same as the work done."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prospector.extract import _parse, dom
from prospector.extract.doc import Doc, make_doc
from prospector.extract.links import _contact_like_urls, contact_like_url
from prospector.extract.vocab import links as links_vocab

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Path segments and query values that name a contact page, and ones that do not.
_SEGMENTS = st.one_of(
    st.from_regex(links_vocab.CONTACT_SEGMENT_RE, fullmatch=True),
    st.sampled_from(["product", "archive", "print", "2024", "blog", "index.php", "p",
                     "Team.html", "ABOUT-US", "contact.pdf", "x.y", ""]),
)
_QUERIES = st.one_of(
    st.just(""),
    st.from_regex(r"(?:mode|action|page|do|p|section|q)=[a-zA-Z]{0,12}(?:&x=1)?",
                  fullmatch=True),
    st.from_regex(r"(?i:(?:mode|page|do)=(?:contactadmin|contact|kontakt|impressum|"
                  r"imprint|about|advertise|sendmail))", fullmatch=True),
)


@SETTINGS
@given(segments=st.lists(_SEGMENTS, max_size=4), query=_QUERIES,
       host=st.sampled_from(["bees.test", "www.Press-Team.example", "x.org"]))
def test_contact_url_gate_passes_every_contact_url(segments: list[str], query: str,
                                                   host: str) -> None:
    url = f"https://{host}/{'/'.join(segments)}" + (f"?{query}" if query else "")
    if not url.isascii() or "%" in url:
        return  # (the gate is for plain ASCII URLs only; others are tested one by one)
    if contact_like_url(url):
        assert any(word in url.lower() for word in links_vocab.CONTACT_URL_LITERALS), url
    assert _contact_like_urls({url})[url] == contact_like_url(url)


# One segment for each word of CONTACT_SEGMENT_RE (generated ones reach them at random).
_EVERY_WORD = [
    "contact", "contacts", "contactus", "contact-us", "contact_me", "contactme",
    "kontakt", "kontaktformular", "contacto", "contatti", "contato", "about",
    "about-us", "aboutme", "aboutus", "ueber_uns", "uberuns", "wir", "chi-siamo",
    "qui_sommes-nous", "a-propos", "a_propos", "advertise", "advertising",
    "advertise-with-us", "werbung", "mediadaten", "media-kit", "mediakit",
    "write-for-us", "writeforus", "guest-posting", "guestpost", "contribute",
    "submit-a-guest-post", "partner", "partners", "partnership", "partner-with-us",
    "affiliate", "affiliates", "affiliate_program", "sponsor", "sponsorship",
    "sponsoring", "impressum", "imprint", "legal-notice", "mentions_legales",
    "team", "our-team", "staff", "the-team", "meet-the-team", "press", "presse",
    "work-with-us", "work-with-me", "collaborate", "pr", "contact-page",
    "about-info", "team.html",
]


@pytest.mark.parametrize("word", _EVERY_WORD)
def test_contact_url_gate_passes_every_word(word: str) -> None:
    url = f"https://bees.test/en/{word.upper() if len(word) % 2 else word}"
    assert contact_like_url(url)
    assert _contact_like_urls({url}) == {url: True}


@pytest.mark.parametrize(("url", "contact"), [
    ("https://bees.test/contact/", True),
    ("https://bees.test/en/A-Propos.html", True),
    ("https://bees.test/meet-the-team", True),
    ("https://bees.test/index.php?page=Contact", True),
    ("https://bees.test/product/printer", False),
    ("https://bees.test/archive/2024", False),
    ("https://press.bees.test/", False),
])
def test_contact_urls_in_one_pass(url: str, contact: bool) -> None:
    assert _contact_like_urls({url}) == {url: contact}


_COMMENT_PIECES = st.sampled_from(["<!--", "-->", "<", ">", " ", "a", "é", "-", "\n",
                                   "x" * 70, "<!---->", "--->", "\t"])


def _old_sub(text: str) -> str:
    """What parse_html did before: a substitution calling back for each comment."""
    def drop(match: dom.re.Match[str]) -> str:
        start, end = match.start(), match.end()
        if start > 0 and end < len(text) and text[start - 1] not in " \t\r\n<>" \
                and text[end] not in " \t\r\n<>":
            return ""
        return match.group(0)
    return dom._INLINE_COMMENT_RE.sub(drop, text)


def _old_sub_bytes(data: bytes) -> bytes:
    def drop(match: dom.re.Match[bytes]) -> bytes:
        start, end = match.start(), match.end()
        if start > 0 and end < len(data) and data[start - 1] not in b" \t\r\n<>" \
                and data[end] not in b" \t\r\n<>" \
                and len(match.group(0)[4:-3].decode("utf-8", "replace")) <= 64:
            return b""
        return match.group(0)
    return dom._INLINE_COMMENT_BYTES_RE.sub(drop, data)


@SETTINGS
@given(text=st.lists(_COMMENT_PIECES, max_size=14).map("".join))
def test_inline_comments_dropped_as_the_substitution_did(text: str) -> None:
    assert dom.drop_inline_comments(text, dom._INLINE_COMMENT_RE, "<!--",
                                    " \t\r\n<>") == _old_sub(text)
    data = text.encode()
    assert dom.drop_inline_comments(data, dom._INLINE_COMMENT_BYTES_RE, b"<!--",
                                    b" \t\r\n<>", 64) == _old_sub_bytes(data)


def test_inline_comment_examples() -> None:
    drop = lambda t: dom.drop_inline_comments(t, dom._INLINE_COMMENT_RE, "<!--",  # noqa: E731
                                              " \t\r\n<>")
    assert drop("1<!-- -->2") == "12"
    assert drop("1 <!-- -->2") == "1 <!-- -->2"
    assert drop("<!-- -->2") == "<!-- -->2"
    assert drop("a<!--x-->b<!--y-->c") == "abc"


_MARKUP_PIECES = st.sampled_from([
    "<a href=x>", "</a>", "<AREA href=y>", "<form>", "</form>", "<TIME>", "<title>t</title>",
    "<base href=/b/>", "<style>", "</style>", "<textarea>", "</textarea>", "<template>",
    "</template>", "<noscript>", "</noscript>", "<iframe>", "</iframe>", "<noembed>",
    "<noframes>", "<xmp>", "</xmp>", "<ti", "me>", "fo", "rm>", "\x00", "<!---->",
    "<!-- -->", "x", " ", "<svg>", "</svg>", "<p>", "<script>", "</script>", "<script/>",
    "<meta name=a>", "<link rel=b>", "é", "<", ">", "/>",
])


def _buckets(doc: Doc) -> list[list[int]]:
    return [[el.mem_id for el, _ in doc.anchors], *([el.mem_id for el in bucket]
            for bucket in (doc.link_tags, doc.metas, doc.forms, doc.times, doc._hidden,
                           doc._noscripts)),
            [len(doc.scripts)], [len(doc.titles)], sorted(doc.swallowers)]


@SETTINGS
@given(markup=st.lists(_MARKUP_PIECES, max_size=30).map("".join),
       charset=st.sampled_from(["utf-8", "windows-1252", "utf-16"]))
def test_element_query_left_short_finds_every_element(markup: str, charset: str) -> None:
    """The page's element query leaves out the elements whose start tag the markup
    lacks (ELEMENT_OPENERS): it buckets what the whole query buckets."""
    parsed = _parse("http://bees.test/", markup.encode(charset, "replace"),
                    f"text/html; charset={charset}")
    if parsed is None:
        return
    tree, doc = parsed
    assert _buckets(doc) == _buckets(make_doc(doc.url, tree, doc.raw))


def test_a_tag_joined_by_the_parse_edits_is_found() -> None:
    for markup in ("<p><ti\x00me>1</time>", "<p><ti<!---->me>1</time>"):
        parsed = _parse("http://bees.test/", markup.encode(), "text/html")
        assert parsed is not None
        assert len(parsed[1].times) == 1


# ------------------------------------------ hubs, own channels, deal signals (issue 18)

_PIECES = st.sampled_from(["a", "B", "/", "\n", "İ", "ſ", "reddit.", "REDDIT.", "Discord",
                           "irc", "t.me/", "shop", "Media", "x.org", " "])


@SETTINGS
@given(texts=st.lists(st.lists(_PIECES, max_size=5).map("".join), max_size=6))
def test_holding_lowered_as_one_lower_and_pass_each(texts: list[str]) -> None:
    from prospector.extract.hubs import _HUB_WORDS, holding_in, holding_lowered
    from prospector.extract.needles import holding

    each = {i for i, text in enumerate(texts)
            if _HUB_WORDS.find_matches_as_indexes(text.lower())}
    assert holding_lowered(_HUB_WORDS, texts) == each
    assert holding_in(_HUB_WORDS, texts) == holding(_HUB_WORDS, texts)


_URL_PARTS = st.sampled_from(["shop", "Advertise", "media", "book", "blog", "2024", "p",
                              "write-for-us", "Partners", "x"])


@SETTINGS
@given(hosts=st.lists(st.sampled_from(["bees.test", "www.shop-bees.test", "books.test",
                                       "media.bees.test"]), min_size=1, max_size=4),
       paths=st.lists(st.lists(_URL_PARTS, max_size=3).map("/".join), min_size=1,
                      max_size=4))
def test_deal_paths_cut_from_every_url_whose_path_names_a_deal(
        hosts: list[str], paths: list[str]) -> None:
    from prospector.extract import facts

    targets = list(dict.fromkeys(f"https://{h}/{p}" for h in hosts for p in paths))
    each = {}
    for target in targets:
        path = target.split("://", 1)[-1].partition("/")[2].lower()
        if facts._DEAL_WORDS.find_matches_as_indexes(path) and \
                facts._DEAL_ANY.regex.search(path):
            each[target] = path
    assert facts._deal_paths(targets) == each


@SETTINGS
@given(words=st.lists(st.sampled_from([
    "advertise with us", "sponsored post", "affiliate program", "write for us",
    "guest posts welcome", "free ebook", "our e-book", "advertisponsorship opportunities",
    "book", "guest", "sponsor", "lorem", "ipsum", "\u017f", "İ"]), max_size=12))
def test_text_rules_skipped_only_without_their_keys(words: list[str]) -> None:
    from prospector.extract import facts
    from prospector.extract.needles import TextWindows
    from prospector.extract.vocab.deals import DEAL_TEXT_REACH, DEAL_TEXT_RULES

    text = " ".join(words).lower()
    each = [signal for signal, regex in DEAL_TEXT_RULES
            if TextWindows(text, text, facts.DEAL_TEXT_KEYS[signal], DEAL_TEXT_REACH)
            .search(regex)]
    assert list(facts._text_signals(text)) == each


_NESTED = """<html><body><div class="site"><header class="social-links">
<a href="https://x.com/bees">x</a><div id="comments"><p class="follow">
<a href="https://x.com/commenter">c</a></p></div></header>
<main><article class="post"><div class="comment-body"><a href="https://x.com/c2">c2</a>
</div><div class="bio"><a href="https://github.com/bees">gh</a></div>
<a href="https://x.com/plain">p</a></article></main></div></body></html>"""


def test_marks_read_once_per_page_give_the_same_answers() -> None:
    from prospector.extract.channels import MarksCache, in_comments, in_own_block

    parsed = _parse("https://bees.test/", _NESTED.encode(), "text/html")
    assert parsed is not None
    anchors = [el for el, _ in parsed[1].anchors]
    for order in (anchors, anchors[::-1]):
        cache: MarksCache = {}
        for el in order:
            assert in_comments(el, cache) == in_comments(el)
            assert in_own_block(el, cache) == in_own_block(el)
    assert [in_comments(el) for el in anchors] == [False, True, True, False, False]
    assert [in_own_block(el) for el in anchors] == [True, True, False, True, False]


_INPUT = st.tuples(st.sampled_from(["type", "name", "id", "class"]),
                   st.sampled_from(["email", "EMail", "e-mail", "text", "mailİ", "x", ""]))


@SETTINGS
@given(inputs=st.lists(st.lists(_INPUT, max_size=3), max_size=8),
       marks=st.sampled_from(["", "newsletter", "search", "Subscribe-box"]),
       words=st.sampled_from(["", "Sign up", "Search", "Join our mailing list"]))
def test_newsletter_form_read_as_every_field_joined(inputs: list[list[tuple[str, str]]],
                                                    marks: str, words: str) -> None:
    from prospector.extract.facts import find_newsletter

    fields = "".join("<input " + " ".join(f'{a}="{v}"' for a, v in attrs) + ">"
                     for attrs in inputs)
    markup = f'<html><body><form class="{marks}">{words}{fields}</form></body></html>'
    parsed = _parse("https://bees.test/", markup.encode(), "text/html")
    assert parsed is not None
    form = parsed[1].forms[0]
    joined = [" ".join(i.attributes.get(a) or "" for a in ("type", "name", "id"))
              for i in form.css("input")]
    expected = "form" if any("email" in j.lower() for j in joined) and len(joined) <= 6 \
        and (marks.lower().startswith(("newsletter", "subscribe"))
             or words in ("Sign up", "Join our mailing list")) else ""
    assert find_newsletter(parsed[1], "") == expected
