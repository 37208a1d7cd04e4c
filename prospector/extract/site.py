"""One contact profile per site, merged over all its crawled pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from prospector.extract.vocab.deals import DEAL_SIGNALS
from prospector.extract.vocab.platforms import PLUGIN_MARKERS
from prospector.models import Community, Contact, PageFacts, SiteProfile
from prospector.urls import registered_domain

# Tie-break between ways an address was written, when confidences are equal.
_METHOD_RANK = {m: i for i, m in enumerate(
    ("mailto", "jsonld", "microdata", "cfemail", "entity", "obfuscated", "text", "script",
     "form", "link")
)}


# Ties between kinds with as many votes go to the more specific one.
_TIE_ORDER = {kind: i for i, kind in enumerate(
    ("forum", "shop", "news", "newsletter", "blog", "association", "directory", "business",
     "other"))}


# The home page says most about its site: its vote counts this many times.
HOME_VOTES = 3
# Kinds that say who runs a site; a blog is what many of their pages look like.
_WHO_KINDS = frozenset({"forum", "shop", "news", "newsletter", "association", "directory",
                        "business"})


def site_kind(pages: Iterable[tuple[str, str]], home: str = "") -> str:
    """The kind of a site from its pages' (url, kind). A home page that names who runs
    the site (a newsroom, a club, a shop...) decides: their news pages look like a
    blog's posts. Otherwise a vote, the home page counting HOME_VOTES times, 'other'
    and '' only when no page says more; forum or shop pages make half a crawl or more
    a forum or a shop (a board's rules and member pages read as nothing)."""
    votes: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    home_kind = ""
    for url, kind in pages:
        counts[kind] += 1
        if url == home and home:
            home_kind = kind
        if kind and kind != "other":
            votes[kind] += HOME_VOTES if url == home else 1
    if home_kind in _WHO_KINDS:
        return home_kind
    if not votes:
        return "other" if counts else ""
    total = sum(counts.values())
    for strong in ("forum", "shop"):
        if counts[strong] * 2 >= total:
            return strong
    return max(votes, key=lambda k: (votes[k], -_TIE_ORDER.get(k, 99)))


def _is_home(url: str) -> bool:
    path = url.split("://", 1)[-1].partition("/")[2]
    return path in ("", "index.html", "index.php", "index.htm")


def _merge_contacts(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    """One contact per (kind, value): best confidence then method, first source URL."""
    best: dict[tuple[str, str], Contact] = {}
    first_source: dict[tuple[str, str], str] = {}
    for c in contacts:
        key = (c.kind, c.value)
        first_source.setdefault(key, c.source_url)
        old = best.get(key)
        if old is None or (c.confidence, -_METHOD_RANK.get(c.method, 99)) > (
            old.confidence, -_METHOD_RANK.get(old.method, 99)
        ):
            best[key] = c
    return tuple(
        Contact(kind=c.kind, value=c.value, source_url=first_source[k], method=c.method,
                confidence=c.confidence, role=c.role)
        for k, c in best.items()
    )


def _max(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def site_platform(facts: list[PageFacts], kind: str, picked: str) -> str:
    """The site's platform: `picked` (the home page's or the most common), except that
    a plugin (WooCommerce, bbPress) names the site only when the site's kind is what
    the plugin makes; otherwise the engine its pages name."""
    extras = {e for f in facts for e in f.extras}
    plugins = {name: makes for name, makes, _ in PLUGIN_MARKERS}
    for name, makes in plugins.items():
        if name in extras and kind == makes:
            return name
    if picked not in plugins:
        return picked
    engines = [f.platform for f in facts if f.platform and f.platform not in plugins]
    return max(engines, key=engines.count) if engines else ""


def _distinct_names(ordered: Sequence[PageFacts]) -> list[str]:
    """Every page's names in order, each once whatever its case (a set rebuilt for each
    name, as before, was 2 % of a fast crawl's busy thread)."""
    names: list[str] = []
    seen: set[str] = set()
    for facts in ordered:
        for name in facts.names:
            if name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
    return names


def merge_site(pages: Iterable[PageFacts]) -> SiteProfile:
    """Merge the facts of one site's pages. Kind: a vote over the pages (see
    site_kind); platform: the home page's when it was crawled and says,
    else the most common non-empty value, a plugin only when the kind agrees; contacts
    deduplicated; numbers the largest stated; signals, names and feeds the union in
    page order."""
    facts = list(pages)
    if not facts:
        return SiteProfile(domain="")
    domain = next((f.domain for f in facts if f.domain), "") or registered_domain(facts[0].url)
    ordered = sorted(facts, key=lambda f: not _is_home(f.url))  # stable: home first

    def pick(attr: str) -> str:
        values = [getattr(f, attr) for f in ordered if getattr(f, attr)]
        if not values:
            return ""
        if _is_home(ordered[0].url) and getattr(ordered[0], attr):
            return str(getattr(ordered[0], attr))
        return str(max(set(values), key=lambda v: (values.count(v), -values.index(v))))

    contacts = _merge_contacts(c for f in facts for c in f.contacts)  # crawl order
    communities = [f.community for f in facts if f.community is not None]
    community = None
    if communities:
        opens = [c.registration_open for c in communities if c.registration_open is not None]
        community = Community(
            members=_max(c.members for c in communities),
            topics=_max(c.topics for c in communities),
            posts=_max(c.posts for c in communities),
            online=_max(c.online for c in communities),
            registration_open=all(opens) if opens else None,
            last_post=max((c.last_post for c in communities), default=""),
        )
    names = _distinct_names(ordered)
    signals = {s for f in facts for s in f.signals}
    home = next((f.url for f in ordered if _is_home(f.url)), "")
    kind = site_kind([(f.url, f.kind) for f in facts], home=home)
    newsletters = [f.newsletter for f in ordered if f.newsletter]
    provider = next((n for n in newsletters if n != "form"), newsletters[0] if newsletters else "")
    return SiteProfile(
        domain=domain,
        kind=kind,
        platform=site_platform(facts, kind, pick("platform")),
        emails=tuple(c for c in contacts if c.kind == "email"),
        forms=tuple(c for c in contacts if c.kind == "form"),
        socials=tuple(c for c in contacts if c.kind == "social"),
        phones=tuple(c for c in contacts if c.kind == "phone"),
        names=tuple(names),
        community=community,
        comments=_max(f.comments for f in facts),
        newsletter=provider,
        signals=tuple(s for s in DEAL_SIGNALS if s in signals),
        feeds=tuple(dict.fromkeys(u for f in ordered for u in f.feeds)),
        latest_date=max((f.latest_date for f in facts), default=""),
        pages=len(facts),
        extras=tuple(dict.fromkeys(e for f in ordered for e in f.extras)),
    )
