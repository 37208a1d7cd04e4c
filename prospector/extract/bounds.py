"""Bounded parser input: a cheap pre-pass before the parse, against markup that makes
lexbor's tree builder take minutes (issue 23).

lexbor's parse (not our tree walks: `extract_page` took what the bare parse took) grows
with the square of three things a page can have without bound (CPU times here; issue 23
measured 69 s and 87 s for the first two bombs):
- nesting depth: each start tag checks scope down the whole stack of open elements;
  extract_page on 100,000 nested <div>s took 22-24 s, on 30,000 1.5-1.7 s; the parse of
  16,000 0.31 s;
- attributes of one element: each attribute is checked against every earlier one for a
  duplicate name; 100,000 took 39-52 s, 20,000 0.9 s, 5,000 0.03 s;
- formatting elements left open (<b>, <i>, <font>... with attributes, which the
  "Noah's Ark" clause does not merge): each misnested end tag runs the adoption agency
  algorithm, which clones the open ones; 2,000 `<b id=N><p>` then 2,000 `</b>` built
  2 million nodes (1.25 s), 4,000 built 8 million (5 s).
A page over a cap is parsed in its capped form, as browsers bound these too (WebKit's
and Blink's HTMLConstructionSite nest no deeper than 512: a deeper element becomes its
parent's sibling, which their layout tests check): start tags past the
depth cap are dropped with their end tags (their text and void elements stay, in the
deepest kept element); attributes past the attribute cap are dropped from their tag;
formatting start tags past the formatting cap are dropped with their end tags.

The pre-pass must cost next to nothing on the real pages it never caps (extraction is
a few ms a page, and one scan of a 66 KB page is ≈ 40 µs): it looks at a 256-byte window
every 4 KB. Each of the costly shapes above is one dense run of markup many KB long
(the counts that cost 0.1 s or more need ≥ 8 KB of it), so it covers some window:
a window of start tags with few end tags (deep nesting, open formatting elements), or a
window without a '<' inside one tag that started ≥ 1 KB before (a long tag; its
attributes are read as the tokenizer reads them, quoted values and all). Only then is
the page's markup modelled (`over_caps`, C-level passes over its tag names), and only a
page over a cap is edited (`cap_markup`, one pass over its tags). Every step is linear
in the markup (tests/test_bounds.py feeds it markup built against it). These are
estimates from the tag names, not a parse: a page built to fool them (end tags that
close nothing between nested start tags; a '<' every few bytes of a long tag's quoted
values, a few per window) is left to the crawl's per-page CPU deadline, which is the
real bound; this keeps the common hostile shapes cheap, and their pages' contacts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from operator import sub
from typing import Final

# The caps, in the units of the estimates below. Over the 480 pages of the shared
# corpus (tests/test_bounds.py prints them) the highest estimates are depth 411 (375 of
# it Word's <w:LsdException/> tags in a conditional comment; the real trees' deepest
# element is at 68), 40 attributes on one element and 48 formatting elements open.
# Each cap is over twice that, and low enough that a capped page parses in well under a
# second: depth 1,024 (a page nested that deep all along costs ≈ 2.5 µs a start tag),
# 512 attributes (≈ 0.4 ms an element), 128 open formatting elements. (Those still open
# when a block closes are cloned into every later block: ≈ 0.3 µs each, so 128 of them
# and 20,000 blocks, 240 KB, cost 0.65 s; 256 cost 1.9 s. Only the deadline bounds
# that product on a bigger page.)
DEPTH_CAP: Final = 1024
ATTRIBUTE_CAP: Final = 512
FORMATTING_CAP: Final = 128

# The window the gate reads every _STRIDE bytes, and what makes one suspect: this many
# tags in it with fewer than one end tag in 8 (a table whose cells omit their end tags
# has one in 4; no corpus page has such a window), or no '<' in it, inside a tag that
# started at least _LONG_TAG bytes before and has more than ATTRIBUTE_CAP attributes.
_WINDOW: Final = 256
_STRIDE: Final = 4096
_WINDOW_TAGS: Final = 16
_LONG_TAG: Final = 1024
# Smaller pages cannot hold any costly shape (8 KB of nested <div>s parse in ≈ 5 ms).
_MIN_BYTES: Final = 8192

# Elements that never hold others (void), and elements whose end tag is optional and
# which a sibling closes (<p>, <li>, <td>...): they neither deepen the estimate nor close
# anything in it, so unclosed ones on real pages do not inflate it.
_VOID = ("area base basefont bgsound br col embed frame hr image img input keygen link meta"
         " param source track wbr")
_OPTIONAL_END = ("body caption colgroup dd dt head html li optgroup option p rb rp rt rtc"
                 " tbody td tfoot th thead tr")
# The formatting elements of the HTML parsing spec but <a>: a new <a> closes the open
# one, so <a>s never pile up in the list of active formatting elements.
_FORMATTING = "b big code em font i nobr s small strike strong tt u"


class _Depth(dict[bytes, int]):
    """+1 for a start tag, -1 for an end tag, 0 for the elements above; by name as the
    tag regex captures it ('div', '/div'). Unknown names (custom elements) are looked up
    in Python, the rest in C."""

    def __missing__(self, name: bytes) -> int:
        return -1 if name[:1] == b"/" else 1


_DEPTH = _Depth()
for _name in (_VOID + " " + _OPTIONAL_END).split():
    _DEPTH[_name.encode()] = _DEPTH[b"/" + _name.encode()] = 0
_FORMAT: Final[dict[bytes, int]] = {}
for _name in _FORMATTING.split():
    _FORMAT[_name.encode()], _FORMAT[b"/" + _name.encode()] = 1, -1

# Elements whose content is text, not markup (dom.RAW_TEXT_TAGS, and <plaintext>, which
# runs to the end): a '<' in a script ('i<n;') starts no tag.
_RAW_TEXT: Final = frozenset({b"script", b"style", b"textarea", b"title", b"iframe",
                              b"noembed", b"noframes", b"xmp", b"plaintext"})
# A tag's name as the tokenizer ends it, '/' kept for end tags (lower-cased markup).
_NAME_RE: Final = re.compile(rb"<(/?[a-z][^\t\n\f\r />]*)")
# One attribute of a tag, from where the previous one (or the name) ended; a quoted
# value may hold '>' and '<', as the tokenizer reads it.
_ATTR: Final = (rb"[\t\n\f\r /]*+[^\t\n\f\r />=][^\t\n\f\r />=]*+"
                rb"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^\t\n\f\r >]*+))?")
_ATTR_RE: Final = re.compile(_ATTR)
# A whole tag: its name, its attributes, then anything else up to its '>' (or the end).
_TAG_RE: Final = re.compile(rb"<(/?[a-z][^\t\n\f\r />]*)(?:" + _ATTR + rb")*+[^>]*+>?")
# A start tag with more than ATTRIBUTE_CAP attributes. No name here holds a '<' (the
# tokenizer's may): a try from each '<' of '<a<a<a...' would read to the end.
_MANY_ATTRIBUTES_RE: Final = re.compile(
    rb"<[a-z][^\t\n\f\r /><]*+(?:" + _ATTR.replace(b"/>=]", b"/>=<]") + rb"){%d}"
    % (ATTRIBUTE_CAP + 1))


def suspect(lowered: bytes) -> bool:
    """True when a window of the lower-cased markup looks like one of the costly shapes
    (see the module docstring). False for every corpus page, in ≈ 15 µs."""
    if len(lowered) < _MIN_BYTES:
        return False
    count, find, rfind = lowered.count, lowered.find, lowered.rfind
    run_end = 0  # the '>' that ends the run of markup without one the last window was in
    raw_text: list[list[int]] = []
    for start in range(0, len(lowered) - _WINDOW + 1, _STRIDE):
        end = start + _WINDOW
        tags = count(b"<", start, end)
        if tags >= _WINDOW_TAGS:
            if 8 * count(b"</", start, end) < tags:
                return True
        elif not tags and start > run_end:
            # Text, or inside a long tag: the '<' before tells. (Each run without a '<'
            # is read once, however many windows fall in it: an inline image of 500 KB
            # has 120.)
            run_end = find(b"<", end) % (len(lowered) + 1)
            opened = rfind(b"<", 0, start)
            if start - opened >= _LONG_TAG and _many_attributes(lowered, opened, raw_text)[0]:
                return True
    return False


def _many_attributes(lowered: bytes, start: int,
                     raw_text: list[list[int]]) -> tuple[bool, int]:
    """Whether the tag at `start` has more than ATTRIBUTE_CAP attributes and is a tag,
    not a '<' in a script or style ('i<n;' starts no tag there); and where it ends.
    `raw_text` holds `_raw_text_ends(lowered)` once a call has needed it, else []."""
    if not lowered[start + 1:start + 2].isalpha():
        return False, start + 1
    count, end = _attributes(lowered, start, ATTRIBUTE_CAP)
    if count <= ATTRIBUTE_CAP:
        return False, end
    if not raw_text:
        raw_text.append(_raw_text_ends(lowered))
    # (Inside one when more of the starts and ends come before `start` than after.)
    return bisect_right(raw_text[0], start) % 2 == 0, end


def _raw_text_ends(lowered: bytes) -> list[int]:
    """Where each raw-text element's text starts and ends (see _RAW_TEXT), flat and in
    order [start, end, start, end...], nested ones merged. Found forward only: linear."""
    spans = []
    for tag in _RAW_TEXT:
        opener, closer = b"<" + tag, b"</" + tag
        start = lowered.find(opener)
        while start >= 0:
            end = lowered.find(closer, start + 1)
            end = len(lowered) if end < 0 else end
            spans.append((start, end))
            start = lowered.find(opener, end)
    merged: list[int] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1]:
            merged[-1] = max(merged[-1], end)
        else:
            merged += [start, end]
    return merged


def _most_open(deltas: list[int]) -> int:
    """The highest count of open elements the steps reach, where a close with nothing
    open closes nothing: the running sum less its lowest value so far (in C)."""
    sums = list(accumulate(deltas, initial=0))
    most: int = max(map(sub, sums, accumulate(sums, min)))
    return most


def _attributes(lowered: bytes, start: int, limit: int) -> tuple[int, int]:
    """The attributes of the tag at `start` (its '<'), read one after the other as the
    tokenizer reads them and counted up to `limit` + 1, and where the last one ends."""
    name = _NAME_RE.match(lowered, start)
    if name is None:
        return 0, start + 1
    found, at = 0, name.end()
    attribute = _ATTR_RE.match(lowered, at)
    while attribute is not None and found <= limit:
        found, at = found + 1, attribute.end()
        attribute = _ATTR_RE.match(lowered, at)
    return found, at


def over_caps(lowered: bytes) -> tuple[str, ...]:
    """Which caps the markup's estimates pass ('depth', 'attributes', 'formatting')."""
    names = _NAME_RE.findall(lowered)
    over = []
    if _most_open(list(map(_DEPTH.__getitem__, names))) > DEPTH_CAP:
        over.append("depth")
    if _any_many_attributes(lowered):
        over.append("attributes")
    if _most_open(list(map(_FORMAT.get, names, [0] * len(names)))) > FORMATTING_CAP:
        over.append("formatting")
    return tuple(over)


def _any_many_attributes(lowered: bytes) -> bool:
    """Whether a tag of the markup, outside the text of scripts and styles, has more
    than ATTRIBUTE_CAP attributes."""
    raw_text: list[int] = []
    for tag in _MANY_ATTRIBUTES_RE.finditer(lowered):
        raw_text = raw_text or _raw_text_ends(lowered)
        if bisect_right(raw_text, tag.start()) % 2 == 0:
            return True
    return False


class _Capper:
    """The state of `cap_markup`'s one pass: how deep the markup is (counting the tags
    it dropped), how many formatting elements are open, and how many dropped ones of
    each name still wait for their end tag."""

    def __init__(self) -> None:
        self.depth = 0
        self.open_formatting = 0
        self.dropped_formatting: dict[bytes, int] = {}
        self.tripped: set[str] = set()

    def drops(self, name: bytes) -> bool:
        """Whether the tag named `name` ('div', '/div') is dropped. The depth counts the
        start tags the depth cap drops (so that their end tags go too), not those the
        formatting cap drops (whose end tags it matches itself)."""
        step = _DEPTH[name]
        if step > 0:
            if self.depth >= DEPTH_CAP:
                self.depth += 1
                self.tripped.add("depth")
                return True
            if _FORMAT.get(name, 0) > 0 and self._drops_formatting_start(name):
                return True
            self.depth += 1
        elif step < 0:
            if self.depth > DEPTH_CAP:
                self.depth -= 1
                return True
            if _FORMAT.get(name, 0) < 0 and self._drops_formatting_end(name[1:]):
                return True
            self.depth = max(0, self.depth - 1)
        return False

    def _drops_formatting_start(self, name: bytes) -> bool:
        if self.open_formatting >= FORMATTING_CAP:
            self.dropped_formatting[name] = self.dropped_formatting.get(name, 0) + 1
            self.tripped.add("formatting")
            return True
        self.open_formatting += 1
        return False

    def _drops_formatting_end(self, name: bytes) -> bool:
        if self.dropped_formatting.get(name, 0) > 0:
            self.dropped_formatting[name] -= 1
            return True
        self.open_formatting = max(0, self.open_formatting - 1)
        return False


def cap_markup(markup: bytes) -> tuple[bytes, tuple[str, ...]]:
    """`markup` (UTF-8, or any ASCII-compatible encoding) with the tags past the caps
    dropped, and which caps it passed, in the order of CAPS. Linear in the markup."""
    lowered = markup.lower()
    capper = _Capper()
    pieces: list[bytes] = []
    last = 0
    for tag in _tags(lowered):
        name, after = tag.group(1), tag.end()
        if capper.drops(name):
            pieces.append(markup[last:tag.start()])
            last = after
        elif name[:1] != b"/" and after - tag.end(1) > 2 * ATTRIBUTE_CAP:
            cut = _attribute_cut(lowered, tag.end(1), after)
            if cut is not None:
                capper.tripped.add("attributes")
                pieces.append(markup[last:cut])
                last = after - 1 if lowered[after - 1:after] == b">" else after
    if not capper.tripped:
        return markup, ()
    pieces.append(markup[last:])
    return b"".join(pieces), tuple(c for c in CAPS if c in capper.tripped)


def _tags(lowered: bytes) -> Iterator[re.Match[bytes]]:
    """The tags of the lower-cased markup, in order, but none in the text of a raw-text
    element (a script's 'i<n;')."""
    tag = _TAG_RE.search(lowered)
    while tag is not None:
        name, after = tag.group(1), tag.end()
        yield tag
        if name in _RAW_TEXT:  # on from its end tag
            closing = lowered.find(b"</" + name, after)
            after = len(lowered) if closing < 0 else closing
        tag = _TAG_RE.search(lowered, after)


def largest(markup: bytes) -> dict[str, int]:
    """The highest estimate of each cap's measure over `markup`, from every tag (for
    choosing the caps: tests/test_bounds.py prints them over the real corpus)."""
    lowered = markup.lower()
    tags = list(_tags(lowered))
    names = [tag.group(1) for tag in tags]
    return {
        "depth": _most_open(list(map(_DEPTH.__getitem__, names))),
        "attributes": max((_attributes(lowered, tag.start(), len(lowered))[0]
                           for tag in tags if tag.group(1)[:1] != b"/"), default=0),
        "formatting": _most_open([_FORMAT.get(name, 0) for name in names]),
    }


def _attribute_cut(lowered: bytes, start: int, end: int) -> int | None:
    """Where the tag whose attributes run from `start` to `end` passes ATTRIBUTE_CAP
    attributes (the end of the last one kept), or None when it has no more."""
    cut = start
    for found, attribute in enumerate(_ATTR_RE.finditer(lowered, start, end), 1):
        if found > ATTRIBUTE_CAP:
            return cut
        cut = attribute.end()
    return None


CAPS: Final = ("depth", "attributes", "formatting")


def bound_markup(lowered: bytes, utf8: bytes | None,
                 text: str = "") -> tuple[bytes | None, tuple[str, ...]]:
    """The capped UTF-8 markup of a page and the caps it passed; (None, ()) for a page
    within them (nearly all pages, settled by `suspect` alone). `lowered` is the
    lower-cased markup in any ASCII-compatible encoding; `utf8` the page's UTF-8
    bytes when it has them, else `text` is its markup, encoded only when capped."""
    if not suspect(lowered) or not over_caps(lowered):
        return None, ()
    capped, tripped = cap_markup(utf8 if utf8 is not None else text.encode("utf-8", "replace"))
    return (capped, tripped) if tripped else (None, ())
