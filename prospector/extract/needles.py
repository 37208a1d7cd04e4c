"""Every fixed byte string the page readers look for, found with one pass per page.

Platform fingerprints, newsletter embeds, registration notices, blog-post markup, the
cheap pre-checks of the address readers and the words the element queries need are
about 180 literals tested against the page's lower-cased markup. One substring scan of
a 66 KB page costs ≈ 30 µs in CPython, and a regex alternation of them is slower still
(Python's engine tries every alternative at every position): testing them one by one
was a quarter of the extraction time. An
Aho-Corasick automaton compiled to a DFA (ahocorasick-rs, Rust) finds all of them in
one pass, overlapping occurrences included, so the answer for every literal is exactly
`literal in page`: ≈ 190 µs a page over the corpus, where the scans it replaced took
≈ 2,800 µs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate

import ahocorasick_rs

from prospector.extract.vocab import emails as V
from prospector.extract.vocab.forums import REGISTRATION_CLOSED_MARKERS, REGISTRATION_OPEN_MARKERS
from prospector.extract.vocab.kinds import KIND_PAGE_LITERALS
from prospector.extract.vocab.newsletters import NEWSLETTER_PROVIDERS
from prospector.extract.vocab.platforms import PLATFORM_REGEX_KEYS, PLATFORM_RULES
from prospector.extract.vocab.text import ELEMENT_OPENERS, MARKED_HINTS, SELECT_TAGS


class NeedleSet:
    """A fixed set of byte strings, and which of them a text contains."""

    __slots__ = ("_automaton", "_needles", "needles")

    def __init__(self, needles: Iterable[bytes]) -> None:
        self._needles: tuple[bytes, ...] = tuple(sorted({n for n in needles if n}))
        self.needles: frozenset[bytes] = frozenset(self._needles)
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            self._needles, implementation=ahocorasick_rs.Implementation.DFA
        )

    def present(self, text: bytes) -> frozenset[bytes]:
        """The needles `text` contains (as `needle in text` would say for each)."""
        needles = self._needles
        return frozenset(needles[index] for index, _, _ in
                         self._automaton.find_matches_as_indexes(text, overlapping=True))


class GatedRegex:
    """`regex.search(text)`, run only when `text` holds one of `literals`, a set of
    which every match of `regex` contains one (tests/test_properties.py checks this for
    every gated pattern). The readers run a few regexes of many alternatives, with no
    literal prefix for the engine to skip ahead by, on every link path, anchor and
    class attribute of a page; most hold none of the literals, and one automaton pass
    settles those several times faster than the search."""

    __slots__ = ("_automaton", "literals", "regex")

    def __init__(self, regex: re.Pattern[str], literals: Iterable[str]) -> None:
        self.regex = regex
        self.literals = tuple(literals)
        self._automaton = ahocorasick_rs.AhoCorasick(self.literals)

    def search(self, text: str) -> re.Match[str] | None:
        if not self._automaton.find_matches_as_indexes(text):
            return None
        return self.regex.search(text)


class TextWindows:
    """The stretches of a text within `reach` characters of any occurrence of `keys`
    in its lower-cased form, merged, in order. When every match of a regex holds one
    of the keys and spans less than `reach` either side of it, the leftmost match in
    the stretches is the leftmost in the whole text (tests/test_properties.py checks
    each such use): the page-text regexes with no literal prefix, which try every
    position of a 20,000-character text, then try a few hundred."""

    __slots__ = ("spans", "text")

    def __init__(self, text: str, lower: str, keys: tuple[str, ...], reach: int) -> None:
        self.text = text
        if len(lower) != len(text):
            # Lower-casing changed the length: positions would not line up.
            self.spans = [(0, len(text))] if any(k in lower for k in keys) else []
            return
        spots = sorted((at, at + len(key)) for key in keys for at in occurrences(lower, key))
        spans: list[tuple[int, int]] = []
        for start, end in spots:
            lo, hi = max(0, start - reach), min(len(text), end + reach)
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
            else:
                spans.append((lo, hi))
        self.spans = spans

    def search(self, regex: re.Pattern[str], start: int = 0) -> re.Match[str] | None:
        """The leftmost match of `regex` at or after `start` inside the stretches."""
        for lo, hi in self.spans:
            if hi <= start:
                continue
            match = regex.search(self.text, max(lo, start), hi)
            if match:
                return match
        return None


def occurrences(text: str, word: str) -> Iterator[int]:
    """Every position of `word` in `text`, overlapping ones included, in order."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def holding(automaton: ahocorasick_rs.AhoCorasick, texts: list[str]) -> set[int]:
    """Indexes of the `texts` that hold one of `automaton`'s literals (none of which
    holds a newline, so no match spans two texts): one pass over them all instead of a
    call each."""
    if not texts:
        return set()
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    return {bisect_right(starts, at) - 1
            for _, at, _ in automaton.find_matches_as_indexes("\n".join(texts))}


# The literals the page readers test against the lower-cased markup.
PAGE_NEEDLES = NeedleSet([
    *(s.encode() for _, _, subs, _ in PLATFORM_RULES for s in subs),
    *PLATFORM_REGEX_KEYS.values(),
    *(m for _, markers in NEWSLETTER_PROVIDERS for m in markers),
    *REGISTRATION_OPEN_MARKERS,
    *REGISTRATION_CLOSED_MARKERS,
    *V.ADDRESS_MARKUP_HINTS,
    *V.ENTITY_AT_HINTS,
    *V.DISGUISE_HINTS,
    *KIND_PAGE_LITERALS,
    *MARKED_HINTS,
    *SELECT_TAGS,
    *ELEMENT_OPENERS.values(),
])
