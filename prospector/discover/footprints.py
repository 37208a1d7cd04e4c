"""Footprint query templates: phrases that sites of one kind print on every page.

`{kw}` is replaced by the keyword (quoted when it has spaces). Each group says which
kind of prospect it targets, so the query that found a site explains why it is listed.
"""

from __future__ import annotations

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


def _quote(keyword: str) -> str:
    keyword = keyword.strip()
    return f'"{keyword}"' if " " in keyword else keyword


def expand(keywords: tuple[str, ...], templates: tuple[str, ...] = DEFAULT_FOOTPRINTS) -> list[str]:
    """Every template for every keyword, deduplicated, in order."""
    seen: dict[str, None] = {}
    for template in templates:
        for keyword in keywords:
            seen.setdefault(template.replace("{kw}", _quote(keyword)), None)
    return list(seen)
