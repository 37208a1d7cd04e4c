"""Footprint query templates: phrases that sites of one kind print on every page.

`{kw}` is replaced by the keyword (quoted when it has spaces). Each group says which
kind of prospect it targets, so the query that found a site explains why it is listed.
"""

from __future__ import annotations

import re

DEFAULT_FOOTPRINTS: tuple[str, ...] = (
    # The plain keyword: whatever the index ranks first for the niche.
    "{kw}",
    # Forums announce their engine in a footer the engine writes itself.
    '{kw} "powered by phpBB"',
    '{kw} "powered by vBulletin"',
    '{kw} "powered by XenForo"',
    '{kw} "powered by Discourse"',
    '{kw} "powered by Simple Machines"',
    '{kw} "powered by MyBB"',
    "{kw} forum",
    "{kw} inurl:forum",
    # Blogs: the engine's footer, comment prompts and blogrolls are blog furniture.
    '{kw} "powered by WordPress"',
    '{kw} "leave a comment"',
    "{kw} blogroll",
    "{kw} blog",
    # Joint-venture prospects say they want partners.
    '{kw} "write for us"',
    '{kw} "advertise"',
    '{kw} "affiliate program"',
    "{kw} partners",
    "{kw} sponsor",
    # Newsletters and e-zines: audiences for ad swaps and sponsorship.
    "{kw} newsletter",
    "{kw} e-zine",
    "{kw} subscribe",
)


# The operators each backend's query parser understands; any other `op:value` token is
# sent as its plain value, so a backend never searches for the literal word "inurl:forum".
# SearXNG passes the query to its engines, which know the operators (Google, Bing, DDG).
DIALECT_OPERATORS: dict[str, frozenset[str] | None] = {
    "searxng": None,  # None: every operator kept
    # Marginalia's "Special Keywords" (search-service footerHowto.jte and its search help):
    # site:, browse:, ip:, links:, tld:, format:, generator: — no inurl:.
    "marginalia": frozenset({"site", "browse", "ip", "links", "tld", "format", "generator"}),
    # search.brave.com/help/operators: ext:, filetype:, inbody:, intitle:, inpage:, lang:,
    # loc:, site: — no inurl:.
    "brave": frozenset({"ext", "filetype", "inbody", "intitle", "inpage", "lang", "loc", "site"}),
}
_OPERATOR = re.compile(r'(?<![\w"])-?([a-z]+):(\S+)')


def for_dialect(query: str, dialect: str) -> str:
    """`query` in the syntax `dialect` understands: an unknown operator becomes its value,
    an unknown exclusion is dropped."""
    known = DIALECT_OPERATORS.get(dialect)
    if known is None:
        return query

    def plain(match: re.Match[str]) -> str:
        if match.group(1) in known:
            return match.group(0)
        # An exclusion it cannot express is dropped: as a plain word it would ask for it.
        return "" if match.group(0).startswith("-") else match.group(2)

    return " ".join(_OPERATOR.sub(plain, query).split())


def _quote(keyword: str) -> str:
    keyword = keyword.strip()
    return f'"{keyword}"' if " " in keyword else keyword


def expand(keywords: tuple[str, ...], templates: tuple[str, ...] = DEFAULT_FOOTPRINTS,
           dialect: str = "searxng") -> list[str]:
    """Every template for every keyword in `dialect`'s syntax, deduplicated, in order
    (for Marginalia `{kw} inurl:forum` becomes `{kw} forum`, which is already asked)."""
    seen: dict[str, None] = {}
    for template in templates:
        for keyword in keywords:
            seen.setdefault(for_dialect(template.replace("{kw}", _quote(keyword)), dialect), None)
    return list(seen)
