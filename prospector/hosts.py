"""Host names as they enter Prospector (seeds, include lists, scraped links, search
results): checked, normalised to the ASCII form DNS uses, and shown safely.

- Control characters (NUL, ESC…) and bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE…) are
  refused with one line: no legitimate host holds one, and they make a stored domain
  print as another name or break a log line.
- Non-ASCII hosts are normalised by IDNA with UTS-46 mapping (the `idna` package: what
  browsers do, and not Python's `encodings.idna`, which is IDNA 2003): 'BÜCHER.test' and
  'bücher.test' are one site, stored as its punycode 'xn--bcher-kva.test'. Only the
  punycode form is stored, keyed and fetched.
- Look-alike (homograph) names: the report shows the Unicode form beside the punycode,
  except for a label that mixes scripts (a Cyrillic 'а' in a Latin word) or that is
  written wholly in one non-Latin script with letters that each imitate a Latin one
  ('аррӏе'). Those are shown in punycode only, with a warning: what browsers do
  (Chromium's IDN display policy, after UTS #39's "highly restrictive" profile).

ASCII hosts take a fast path that changes nothing but refuses controls and spaces:
canonicalisation runs on every link of every page.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

import idna
from confusable_homoglyphs import categories, confusables

# Unicode's bidi formatting characters (UAX #9): embeddings, overrides, isolates and
# marks. Each can make a name display in an order other than the one it is stored in.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# Script sets a single label may mix without being a look-alike: UTS #39's "highly
# restrictive" profile (Japanese, Chinese and Korean writing mix scripts by design).
# COMMON (digits, '-') goes with anything.
ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED"})
MAX_REFUSALS_KEPT = 100_000  # a hostile page may offer millions; the count stops here


class HostError(ValueError):
    """A host name that cannot be a web host; the message is one printable line."""


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _bad_character(host: str) -> str | None:
    """Why `host` holds a character no host may hold (control, bidi, space), or None."""
    for ch in host:
        if ch in BIDI_CONTROLS:
            return f"bidi control character {_codepoint(ch)}"
        if ch.isspace():
            return f"space character {_codepoint(ch)}"
        if unicodedata.category(ch) == "Cc":
            return f"control character {_codepoint(ch)}"
    return None


def ascii_host(host: str) -> str:
    """The lower-case ASCII (punycode) form of `host`, percent-decoded first; HostError
    saying why it is not a host name. IP literals and ASCII names pass as they are
    (lower-cased)."""
    if "%" in host:
        host = unquote(host)  # as a browser or proxy reads it (WHATWG URL host parsing)
    bad = _bad_character(host)
    if bad is not None:
        raise HostError(f"host {host!r} holds a {bad}")
    if host.isascii():
        return host.lower()
    stem, dot = (host[:-1], ".") if host.endswith(".") else (host, "")
    try:
        return idna.encode(stem, uts46=True, transitional=False).decode("ascii") + dot
    except idna.IDNAError as exc:
        raise HostError(f"host {host!r} is not a valid international name: {exc}") from None


@dataclass
class Refusals:
    """Host names refused where a page offered them (scraped links, search results):
    each distinct one once (several readers look at the same link), for the run's one
    summary line. Thread-safe; bounded."""

    seen: dict[str, None] = field(default_factory=dict)  # the refusals, in order
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, why: str) -> None:
        with self._lock:
            if len(self.seen) < MAX_REFUSALS_KEPT:
                self.seen[why] = None

    def take(self) -> tuple[int, list[str]]:
        """(how many distinct refusals, the first three) so far; then from zero again."""
        found = self.drain()
        return len(found), found[:3]

    def drain(self) -> list[str]:
        """Every refusal so far, in order; then from zero again (an extraction worker
        sends its page's to the crawl, whose summary line counts them)."""
        with self._lock:
            found, self.seen = list(self.seen), {}
        return found


REFUSED = Refusals()


def normal_host(host: str) -> str:
    """`ascii_host(host)`, or '' when it is refused (counted in REFUSED): for hosts a
    page or search engine offers, which are dropped, not fatal."""
    if host.isascii() and host.isprintable() and " " not in host and "%" not in host:
        return host.lower()  # the common case, as cheap as it can be
    try:
        return ascii_host(host)
    except HostError as exc:
        REFUSED.add(str(exc))
        return ""


def unicode_host(host: str) -> str:
    """The Unicode form of an ASCII (punycode) host; `host` itself when it has none."""
    if "xn--" not in host:
        return host
    stem, dot = (host[:-1], ".") if host.endswith(".") else (host, "")
    try:
        return idna.decode(stem) + dot
    except (idna.IDNAError, UnicodeError):
        return host


def label_lookalike(label: str) -> str | None:
    """Why a Unicode label could imitate another name, or None: it mixes scripts outside
    the allowed mixes, or every distinct letter of its one non-Latin script looks like
    an ASCII letter (a whole-script confusable, e.g. Cyrillic 'аррӏе')."""
    scripts = frozenset(categories.unique_aliases(label)) - _NEUTRAL_SCRIPTS
    if len(scripts) > 1 and not any(scripts <= mix for mix in ALLOWED_MIXES):
        return "mixed scripts " + "+".join(sorted(s.title() for s in scripts))
    if scripts and scripts != {"LATIN"}:
        letters = {ch for ch in label if ch.isalpha()}
        found = confusables.is_confusable(label, greedy=True, preferred_aliases=["latin"])
        # Only look-alikes of what a host name can hold in ASCII count: 'ф' resembles
        # the IPA letter 'ɸ', which no one types for a Latin host.
        imitated = {str(hit["character"]) for hit in found or []
                    if any(str(g["c"]).isascii() for g in hit["homoglyphs"])}
        if letters and letters <= imitated:
            script = next(iter(scripts)).title()
            return f"{script} letters that all look Latin"
    return None


def shown_host(host: str) -> str:
    """`host` as a report shows it: punycode with its Unicode form beside it, e.g.
    'xn--bcher-kva.test (bücher.test)'; a look-alike in punycode only, with a warning."""
    readable = unicode_host(host)
    if readable == host:
        return host
    for label in readable.split("."):
        why = label_lookalike(label)
        if why is not None:
            return f"{host} (look-alike name: {why})"
    return f"{host} ({readable})"
