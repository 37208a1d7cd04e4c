"""Every fixed byte string the page readers look for, found with one pass per page.

Platform fingerprints, newsletter embeds, registration notices, blog-post markup and
the cheap pre-checks of the address readers are about 170 literals tested against the page's lower-cased
markup. One substring scan of a 66 KB page costs ≈ 30 µs in CPython, and a regex
alternation of them is slower still (Python's engine tries every alternative at every
position): testing them one by one was a quarter of the extraction time. An
Aho-Corasick automaton compiled to a DFA (ahocorasick-rs, Rust) finds all of them in
one pass, overlapping occurrences included, so the answer for every literal is exactly
`literal in page`: ≈ 190 µs a page over the corpus, where the scans it replaced took
≈ 2,800 µs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick_rs

from prospector.extract import patterns as P


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


# The literals the page readers test against the lower-cased markup.
PAGE_NEEDLES = NeedleSet([
    *(s.encode() for _, _, subs, _ in P.PLATFORM_RULES for s in subs),
    *P.PLATFORM_REGEX_KEYS.values(),
    *(m for _, markers in P.NEWSLETTER_PROVIDERS for m in markers),
    *P.REGISTRATION_OPEN_MARKERS,
    *P.REGISTRATION_CLOSED_MARKERS,
    *P.ADDRESS_MARKUP_HINTS,
    *P.POST_MARKUP_HINTS,
])
