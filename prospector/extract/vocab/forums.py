"""Community numbers: members, topics, posts, who is online, open or closed
registration, and blog comment counts, as forum engines and blogs print them.

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

# Forum statistics as engines print them in the board index or footer ('Total members
# 24,551', 'Members 5,250', '5,785 members', 'by 1,234 Members', 'Mitglieder: 812').
_NUM: Final = r"(\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+)"

MEMBERS_RES: Final = (
    re.compile(rf"\b(?:total\s+)?(?:registered\s+)?(?:members|mitglieder|membres|miembros)"
               rf"\s*:?\s*{_NUM}\b", re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:registered\s+)?(?:members|mitglieder|membres|miembros)\b",
               re.IGNORECASE),
    re.compile(rf"\b(?:registered\s+)?users\s*:?\s*{_NUM}\b", re.IGNORECASE),
)

TOPICS_RES: Final = (
    re.compile(rf"\b(?:total\s+)?(?:topics|threads|themen|discussions)\s*:?\s*{_NUM}\b",
               re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:topics|threads|themen|discussions)\b", re.IGNORECASE),
)

POSTS_RES: Final = (
    re.compile(rf"\b(?:total\s+)?(?:posts|messages|beiträge)\s*:?\s*{_NUM}\b",
               re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:posts|beiträge)\s+in\b", re.IGNORECASE),
)

# The 'Label: number' forms above are also how thread pages show each poster's own
# numbers ('Posts: 1,234' under every avatar): a page where one of them matches more
# than once is read for its board total only where 'total' names it.
PER_POSTER_RES: Final = frozenset({MEMBERS_RES[0], TOPICS_RES[0], POSTS_RES[0]})

ONLINE_RES: Final = (
    re.compile(rf"\b(?:there\s+are|insgesamt\s+sind)\s+{_NUM}\s+(?:users|benutzer)\s+online",
               re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:users?|members?|benutzer)\s+(?:are\s+)?online\b",
               re.IGNORECASE),
    re.compile(rf"\busers\s+online\s*:?\s*{_NUM}\b", re.IGNORECASE),
)

# Markup (lower-cased bytes) of an open or closed registration.
REGISTRATION_OPEN_MARKERS: Final = (
    b"ucp.php?mode=register", b"register.php", b"action=register", b'href="/register',
    b"/register/", b"/signup", b"/sign-up", b"/join\"", b"/registrieren",
)

REGISTRATION_CLOSED_MARKERS: Final = (
    b"registration is closed", b"registration is disabled", b"registrations are closed",
    b"registrierung ist deaktiviert", b"not accepting new members",
)

# '12 Comments' / '3 Responses to ...' / '5 Kommentare' headings of blog posts.
COMMENTS_RE: Final = re.compile(
    r"\b(\d{1,6})\s+(?:comments?|responses?|replies|kommentare?|commentaires?|"
    r"comentarios?)\b", re.IGNORECASE,
)

# Literals one of which every COMMENTS_RE match holds in lower-cased text (none has an
# 's' or a 'k', which case-insensitive matching also takes as 'ſ' and the Kelvin sign),
# and how far a match reaches either side of one.
COMMENTS_KEYS: Final = ("mment", "oment", "pon", "repl")

COMMENTS_REACH: Final = 40
