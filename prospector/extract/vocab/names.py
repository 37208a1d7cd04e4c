"""Names: the meta keys and bylines that name a person, words that are never names, and
how many names a page may give.

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

# <meta> names naming the author of the page.
AUTHOR_META_KEYS: Final = frozenset({"author", "article:author", "dc.creator",
                                     "twitter:creator", "parsely-author", "sailthru.author"})

# 'By Jane Doe', 'Posted by', 'Von', 'Par', 'Written by' in bylines.
BYLINE_PREFIX_RE: Final = re.compile(
    r"^\s*(?:(?:posted|written|published)\s+)?(?:by|von|par|por|di|door)\s*:?\s+",
    re.IGNORECASE,
)

# Values that sit where a name should but are not one.
NOT_NAMES: Final = frozenset({
    "admin", "administrator", "author", "staff", "editor", "editors", "redaktion",
    "guest", "anonymous", "unknown", "webmaster", "team", "posted by", "by",
})

MAX_NAME_CHARS: Final = 60

MAX_BYLINES: Final = 20

MAX_NAMES: Final = 10
