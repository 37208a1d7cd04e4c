"""Newsletters: the words of a sign-up, its providers' embeds, and reach figures.

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

# A page that leads with a newsletter sign-up.
NEWSLETTER_TEXT_RE: Final = re.compile(
    r"subscribe to (?:our|my|the) newsletter|join \d[\d,]* (?:other )?subscribers|"
    r"newsletter abonnieren", re.IGNORECASE
)

# Literals one of which every match of NEWSLETTER_TEXT_RE in lower-cased text contains
# ('ubscr' with the 's' also as 'ſ', which case-insensitive matching takes for an 's'):
# the regex only runs on text holding one of them.
NEWSLETTER_TEXT_KEYS: Final = ("ubscr", "ub\u017fcr", "letter")

# Characters a NEWSLETTER_TEXT_RE match reaches either side of its literal.
NEWSLETTER_REACH: Final = 120

# Newsletter providers by the hosts/markup of their embeds and sign-up links, matched
# against the lower-cased markup (bytes). Order: the more specific first.
NEWSLETTER_PROVIDERS: Final[tuple[tuple[str, tuple[bytes, ...]], ...]] = (
    ("mailchimp", (b"list-manage.com", b"mc.us", b"mailchimp.com", b"mc-embedded")),
    ("kit", (b"convertkit.com", b"ck.page", b"kit.com/", b"data-sv-form")),
    ("substack", (b"substack.com/subscribe", b"substackcdn.com", b".substack.com/embed")),
    ("beehiiv", (b"beehiiv.com",)),
    ("mailerlite", (b"mailerlite.com", b"mlcdn.com", b"ml-form-embed")),
    ("aweber", (b"aweber.com",)),
    ("getresponse", (b"getresponse.com", b"gr-wf.")),
    ("buttondown", (b"buttondown.email", b"buttondown.com")),
    ("brevo", (b"sibforms.com", b"sendinblue.com", b"brevo.com")),
)

# Words that make a form with an email field a newsletter sign-up.
NEWSLETTER_WORD_RE: Final = re.compile(
    r"newsletter|subscribe|sign\s*up|mailing\s*list|e-?zine|abonnieren|s'abonner|"
    r"suscribir", re.IGNORECASE,
)
