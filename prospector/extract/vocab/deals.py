"""Deal signals: the words and paths by which a site says it takes advertising,
sponsors, affiliates, partners, guest posts, or sells.

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

# Deal signals, in report order.
DEAL_SIGNALS: Final = ("advertise", "sponsor", "affiliate", "partners", "write_for_us",
                       "shop", "ebook")

# Link paths / anchor texts (lower-cased) naming a deal page.
DEAL_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("advertise", re.compile(r"advertis|media-?kit|mediadaten|werbung|werben|publicit")),
    ("sponsor", re.compile(r"sponsor")),
    ("affiliate", re.compile(r"affiliate|partnerprogramm")),
    ("partners", re.compile(r"partner(?!programm)")),
    ("write_for_us", re.compile(r"write[-_ ]?for[-_ ]?us|guest[-_ ]?post|contribut|"
                                r"submit[-_ ]an?[-_ ]article|gastbeitrag")),
    ("shop", re.compile(r"(?:^|/|\b)(?:shop|store|cart|products?|boutique)(?:$|/|\b|\.)")),
    # (Not inside a word: 'facebook' is no e-book.)
    ("ebook", re.compile(r"(?<![a-z])e-?books?\b")),
)

DEAL_ANY_RE: Final = re.compile("|".join(f"(?:{r.pattern})" for _, r in DEAL_RULES))

# Every match of DEAL_ANY_RE holds one of these (it is only run on text that does).
DEAL_ANY_LITERALS: Final = (
    "advertis", "media", "werb", "publicit", "sponsor", "affiliate", "partner", "write",
    "guest", "contribut", "submit", "gastbeitrag", "shop", "store", "cart", "product",
    "boutique", "book",
)

# Statements in the visible text (lower-cased).
DEAL_TEXT_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("advertise", re.compile(r"advertise (?:with|on) (?:us|our)|advertising opportunities")),
    ("sponsor", re.compile(r"sponsored posts?|sponsorship opportunities|become a sponsor")),
    ("affiliate", re.compile(r"affiliate program|join our affiliate")),
    ("write_for_us", re.compile(r"write for us|guest posts? (?:are )?welcome|accepting guest")),
    ("ebook", re.compile(r"(?:free|our|my|download the) e-?book")),
)

# A literal every alternative of each DEAL_TEXT_RULES regex contains: the regex only
# runs on text holding one of them.
DEAL_TEXT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "advertise": ("advertis",),
    "sponsor": ("sponsor",),
    "affiliate": ("affiliate",),
    "write_for_us": ("write for us", "guest"),
    "ebook": ("book",),
}

# Characters a DEAL_TEXT_RULES match reaches either side of its literal.
DEAL_TEXT_REACH: Final = 40
