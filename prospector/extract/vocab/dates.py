"""Dates: the ISO shape, the plausible years, and the meta keys that carry a page's date.

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

# An ISO date at the start of a datetime attribute or metadata value.
ISO_DATE_RE: Final = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")

# Dates outside these years are typos or placeholders (0000-00-00, 2099-...).
MIN_YEAR: Final = 1995

MAX_YEAR: Final = 2100

# <meta> names/properties holding a publication or update date.
DATE_META_KEYS: Final = frozenset({
    "article:published_time", "article:modified_time", "og:updated_time",
    "datepublished", "datemodified", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.modified", "pubdate", "publish_date", "sailthru.date",
})
