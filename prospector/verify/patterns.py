"""A site's address pattern, inferred from the people it names and the addresses it
shows ("Jane Doe" with jane.doe@ → first.last; "Tom Hill" with thill@ → flast), and
the addresses it proposes for the named people who show none.

A (name, address) pair is an address on the site's own domain whose local part one or
more patterns make from the name. A pattern's support is the number of addresses it
explains. The site's pattern is the one with the most support, and only when no other
pattern has as much, and never from a single address that another pattern also fits
("jd@" for Jane Doe could be `fl` or a nickname; two pairs settle it). Proposals are
stored apart from found addresses (`inferred_contacts`, method `inferred`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prospector.store.connection import now
from prospector.store.db import Store

# The patterns companies and small sites use for personal addresses (the ones
# Hunter-style tools report), as templates over the name's first and last word and
# their initials (f, l), lower case ASCII.
PATTERNS: dict[str, str] = {
    "first.last": "{first}.{last}", "first_last": "{first}_{last}",
    "first-last": "{first}-{last}", "firstlast": "{first}{last}", "flast": "{f}{last}",
    "f.last": "{f}.{last}", "first": "{first}", "firstl": "{first}{l}",
    "first.l": "{first}.{l}", "last": "{last}", "last.first": "{last}.{first}",
    "lastf": "{last}{f}", "fl": "{f}{l}",
}


def make_local(pattern: str, first: str, last: str) -> str:
    return PATTERNS[pattern].format(first=first, last=last, f=first[0], l=last[0])


# Phrases that introduce a person on about, contact, impressum and team pages and in
# bylines: "X is run by Jane Doe", "Responsible for content: Jane Doe", "By Tom Hill".
_NAME = r"([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?(?: [A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?){1,2})"
NAME_PHRASES = re.compile(
    r"(?:\b(?:is run by|run by|written by|edited by|founded by|maintained by|owned by)"
    r"|Responsible for content:|Team lead:|Editor:|Owner:|\bBy) " + _NAME)
# Words that start a capitalised phrase after "by" without being a name.
NOT_FIRST_NAMES = frozenset({"the", "our", "a", "an", "this", "email", "phone", "appointment"})


@dataclass(frozen=True, slots=True)
class Proposal:
    domain: str
    name: str
    address: str
    pattern: str
    support: int


@dataclass(frozen=True, slots=True)
class InferenceSummary:
    sites: int  # sites with a pattern
    proposals: int

    def line(self) -> str:
        return f"{self.proposals} addresses inferred on {self.sites} sites"


def name_parts(name: str) -> tuple[str, str] | None:
    """(first, last) of a person's name, ASCII lower case; None for one word."""
    # "Dale Brandt, staff reporter": the name ends at the comma.
    folded = unicodedata.normalize("NFKD", name.split(",")[0])
    ascii_name = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    words = [re.sub(r"[^a-z]", "", w) for w in ascii_name.split()]
    words = [w for w in words if w]
    if len(words) < 2 or words[0] in NOT_FIRST_NAMES:
        return None
    return words[0], words[-1]


def fitting(name: str, local: str) -> set[str]:
    """The patterns that make `local` from `name`."""
    parts = name_parts(name)
    if parts is None:
        return set()
    return {p for p in PATTERNS if make_local(p, *parts) == local.lower()}


def names_in_text(text: str) -> list[str]:
    """People a page names with one of NAME_PHRASES."""
    return [m.group(1) for m in NAME_PHRASES.finditer(text)
            if name_parts(m.group(1)) is not None]


def site_pattern(names: Sequence[str], locals_: Sequence[str]) -> tuple[str, int] | None:
    """(pattern, support) of one site, or None (no pair, a tie, or one ambiguous pair)."""
    support: Counter[str] = Counter()
    for local in dict.fromkeys(locals_):
        support.update(set().union(*(fitting(n, local) for n in names)) if names else set())
    if not support:
        return None
    ranked = support.most_common()
    best, count = ranked[0]
    # Two patterns explaining the addresses equally well propose nothing. This also
    # covers a single pair that another pattern fits as well ("Eli Li" with eli@ gives
    # first and flast one address each): a second pair is needed to settle it.
    if len(ranked) > 1 and ranked[1][1] == count:
        return None
    return best, count


def propose(domain: str, names: Iterable[str], addresses: Iterable[str]) -> list[Proposal]:
    """The addresses the site's pattern gives its named people who have none."""
    unique = list(dict.fromkeys(n.strip() for n in names if name_parts(n)))
    own = [a.lower() for a in addresses if a.lower().rpartition("@")[2] == domain]
    locals_ = [a.split("@")[0] for a in own]
    found = site_pattern(unique, locals_)
    if found is None:
        return []
    pattern, support = found
    out: list[Proposal] = []
    for name in unique:
        if any(fitting(name, local) for local in locals_):
            continue  # this person shows an address already
        parts = name_parts(name)
        assert parts is not None
        address = f"{make_local(pattern, *parts)}@{domain}"
        if address not in own and all(p.address != address for p in out):
            out.append(Proposal(domain, name, address, pattern, support))
    return out


def site_names(store: Store) -> dict[str, list[str]]:
    """Per site, the people it names: its owner, its posts' authors, and the people
    its about, contact, impressum and team pages introduce."""
    people = {d: [n for n, _ in found] for d, found in store.site_people().items()}
    for domain, text in store.name_page_texts():
        people.setdefault(domain, []).extend(names_in_text(text))
    return people


def infer_store(store: Store) -> InferenceSummary:
    """Infer every site's pattern from what the store holds; replace the proposals."""
    people = site_names(store)
    emails = store.found_emails()
    proposals = [p for domain in sorted(emails) if domain in people
                 for p in propose(domain, people[domain], emails[domain])]
    at = now()
    store.replace_inferred([(p.domain, p.address, p.name, p.pattern, p.support, at)
                            for p in proposals])
    return InferenceSummary(len({p.domain for p in proposals}), len(proposals))
