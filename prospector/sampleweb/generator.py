"""Builds the whole sample web from a seed: which sites exist, how they link, how each
publishes its contacts, then renders every page once.

All randomness comes from `random.Random` instances seeded from (seed, purpose), so
the same (seed, today) always yields the same bytes.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from . import content
from .blogs import BLOG_ENGINES, WordPress
from .contacts import DECOY_KINDS, PROFILES, ContactPlan, plan
from .forums import FORUM_ENGINES
from .hubs import decorate
from .kinds import Business, Club, NewsSite, OwnForum, StaticBlog
from .model import SampleWeb, Site
from .others import FARM_EMAIL, LinkFarm, Plain, Shopify, WooCommerce
from .render import Builder, Engine

# (kind, platform, how many, of which link_only)
NICHE_LAYOUT: tuple[tuple[str, str, int, int], ...] = (
    ("forum", "phpbb", 3, 0),
    ("forum", "vbulletin", 3, 0),
    ("forum", "xenforo", 3, 1),
    ("forum", "discourse", 3, 0),
    ("forum", "smf", 3, 1),
    ("forum", "mybb", 3, 0),
    ("blog", "wordpress", 10, 4),
    ("blog", "blogger", 6, 2),
    ("blog", "ghost", 5, 1),
    ("blog", "substack", 3, 0),
    ("shop", "woocommerce", 4, 1),
    ("shop", "shopify", 3, 0),
    ("association", "none", 2, 0),
    ("newsletter", "none", 2, 0),
    ("directory", "none", 2, 0),
)
# Sites whose engine does not give their kind away (issue 18), planned after the others:
# (kind, platform, layout, words the name is made of, host prefix). Static-generator
# blogs, a newsroom on WordPress that loads WooCommerce, a club, a company and a forum
# on software of its own. They are planned with random streams of their own, so the
# rest of the web (names, links, contacts) is what it was without them.
KIND_LAYOUT: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("blog", "hugo", "static", ("journal", "notebook"), ""),
    ("blog", "jekyll", "static", ("log", "letters"), ""),
    ("blog", "eleventy", "static", ("field-notes", "yard"), "www."),
    ("news", "wordpress", "news", ("chronicle", "courier"), "www."),
    ("association", "none", "club", ("beekeeping-club",), "www."),
    ("business", "none", "company", ("pollination",), "www."),
    ("forum", "none", "own", ("keepers-board", "hive-talk"), ""),
)
# (topic, platform)
OFFTOPIC_LAYOUT: tuple[tuple[str, str], ...] = (
    ("cooking", "wordpress"), ("cooking", "blogger"), ("cars", "none"),
    ("cars", "wordpress"), ("cycling", "ghost"), ("photography", "none"),
)
FORUM_ROBOTS: dict[str, tuple[str, ...]] = {
    "phpbb": ("/ucp.php", "/search.php"),
    "vbulletin": ("/memberlist.php", "/search.php"),
    "xenforo": ("/members/", "/search/"),
    "discourse": ("/u/", "/admin/"),
    "smf": ("/index.php?action=mlist",),
    "mybb": ("/memberlist.php", "/search.php"),
    "none": ("/register",),
}
REGIONS: tuple[str, ...] = ("northvale", "eastmere", "westbrook", "southdown", "highfield")
# The link farm: 20 thin keyword-stuffed sites of one owner linking each other and one
# target; the first is in the search index, the rest are reached through it.
FARM_PREFIXES: tuple[str, ...] = ("best", "cheap", "top", "easy", "free")
FARM_TOPICS: tuple[str, ...] = ("tips", "guide", "secrets", "hacks")
FARM_TARGET = "beekeeping-supplies-online"


def build(seed: int = 7, today: date | None = None) -> SampleWeb:
    today = today or datetime.now(UTC).date()
    rng = random.Random(f"sampleweb:{seed}:plan")
    krng = random.Random(f"sampleweb:{seed}:kinds")
    sites = _plan_sites(rng, krng)
    base = [s for s in sites if not s.layout]
    _plan_links(rng, base)
    _plan_contacts(rng, base)
    _plan_kind_sites(krng, [s for s in sites if s.layout], sites)
    _plan_reach(random.Random(f"sampleweb:{seed}:reach"), sites)
    _plan_farm(random.Random(f"sampleweb:{seed}:farm"), sites)
    for site in sites:
        _render(site, seed, today)
    sites.sort(key=lambda s: s.domain)
    hosts: dict[str, Site] = {}
    for site in sites:
        hosts[site.host] = site
        for alias in site.aliases:
            hosts[alias] = site
    return SampleWeb(seed=seed, today=today, sites=sites, hosts=hosts)


def _title(domain: str) -> str:
    return " ".join(w.capitalize() for w in domain.split(".")[0].split("-"))


def _plan_sites(rng: random.Random, krng: random.Random) -> list[Site]:
    """The sites; those of KIND_LAYOUT last, drawn with `krng`."""
    used: set[str] = set()

    def pick(first: tuple[str, ...], second: tuple[str, ...], joiner: str = "-",
             r: random.Random = rng) -> str:
        pool = [f"{a}{joiner}{b}" for a in first for b in second if f"{a}{joiner}{b}" not in used]
        name = r.choice(pool)
        used.add(name)
        return name

    sites: list[Site] = []

    def add(label: str, host_prefix: str, kind: str, platform: str, niche: bool, link_only: bool,
            topic: str = content.KEYWORD, name: str = "", r: random.Random = rng) -> Site:
        domain = f"{label}.test"
        host = f"{host_prefix}{domain}"
        site = Site(
            index=len(sites), domain=domain, host=host,
            aliases=(domain,) if host_prefix == "www." else (),
            name=name or _title(domain), kind=kind, platform=platform, topic=topic,
            in_niche=niche, link_only=link_only, fresh=r.random() < 0.6,
        )
        sites.append(site)
        return site

    for kind, platform, count, link_only in NICHE_LAYOUT:
        for i in range(count):
            lonely = i >= count - link_only
            if kind == "forum":
                label = pick(content.BEE_WORDS, content.FORUM_WORDS)
                prefix = (rng.choice(("community.", "discuss.")) if platform == "discourse"
                          else rng.choice(("www.", "forum.", "")))
                site = add(label, prefix, kind, platform, True, lonely)
                site.members = rng.randint(150, 25000)
                site.robots_disallow = FORUM_ROBOTS[platform]
            elif kind == "blog":
                label = pick(content.BEE_WORDS, content.BLOG_WORDS)
                add(label, rng.choice(("www.", "")), kind, platform, True, lonely)
            elif kind == "shop":
                label = pick(content.BEE_WORDS, content.SHOP_WORDS, "")
                add(label, "www.", kind, platform, True, lonely)
            elif kind == "association":
                label = pick(REGIONS, ("beekeepers", "bka"))
                site = add(label, "www.", kind, platform, True, False,
                           name=f"{label.split('-')[0].capitalize()} Beekeepers' Association")
            elif kind == "newsletter":
                label = pick(content.BEE_WORDS, ("dispatch", "gazette", "bulletin"))
                add(label, "www.", kind, platform, True, False)
            else:
                label = pick(("beekeeping", "apiary", "hive"), ("directory", "links", "index"))
                add(label, "www.", kind, platform, True, False)
    for topic, platform in OFFTOPIC_LAYOUT:
        names = [n for n in content.OFFTOPIC[topic]["names"] if content.slugify(n) not in used]
        name = rng.choice(names)
        used.add(content.slugify(name))
        add(content.slugify(name), rng.choice(("www.", "")), "offtopic", platform, False, False,
            topic=topic, name=name)
    for kind, platform, layout, words, prefix in KIND_LAYOUT:
        first = REGIONS if kind in ("association", "news") else content.BEE_WORDS
        site = add(pick(first, words, r=krng), prefix, kind, platform, True, False, r=krng)
        site.layout = layout
        if kind == "forum":
            site.members = krng.randint(150, 25000)
            site.robots_disallow = FORUM_ROBOTS[platform]
    for site in sites:
        if site.platform == "wordpress" and site.kind == "blog":
            site.robots_disallow = ("/wp-admin/",)
    return sites


def _plan_links(rng: random.Random, sites: list[Site]) -> None:
    niche = [s for s in sites if s.in_niche]
    off = [s for s in sites if not s.in_niche]
    for s in sites:
        others = [t for t in niche if t is not s]
        if not s.in_niche:
            s.targets = rng.sample([t for t in off if t is not s], rng.randint(1, 2))
        elif s.kind == "directory":
            s.targets = others
        elif s.kind == "association":
            s.targets = rng.sample(others, 10)
        elif s.kind == "shop":
            s.targets = rng.sample(others, rng.randint(2, 3))
        else:
            s.targets = rng.sample(others, rng.randint(3, 6))
            if s.kind == "blog" and rng.random() < 0.3:
                s.targets.append(rng.choice(off))


def _plan_kind_sites(rng: random.Random, extra: list[Site], sites: list[Site]) -> None:
    """Links and contact profiles of the KIND_LAYOUT sites, drawn apart from the rest."""
    niche = [s for s in sites if s.in_niche]
    for s in extra:
        others = [t for t in niche if t is not s]
        s.targets = rng.sample(others, 10 if s.kind == "association" else rng.randint(3, 6))
        s.profile = rng.choice(PROFILES)


# Kinds whose home page shows the links the site makes (a blogroll, a partners or
# 'elsewhere' list): what a crawler that reads home and contact pages can follow.
HOME_LINK_KINDS = frozenset({"blog", "shop", "newsletter", "business", "news"})


def _plan_reach(rng: random.Random, sites: list[Site]) -> None:
    """Every link-only niche site is linked from the home page of a searchable site a
    polite crawler can read: links only in forum threads, a directory's inner pages or
    a site closed by robots.txt lead nowhere for it."""
    readers = [s for s in sites if s.in_niche and not s.link_only and not s.disallow_all
               and s.kind in HOME_LINK_KINDS and s.platform != "substack"]
    for site in sites:
        if not site.in_niche or not site.link_only or site.kind == "linkfarm":
            continue
        if not any(site in r.targets for r in readers):
            rng.choice(readers).targets.append(site)


def _plan_contacts(rng: random.Random, sites: list[Site]) -> None:
    niche = [s for s in sites if s.in_niche]
    # Exactly one in-niche, searchable site shuts every crawler out.
    closed = rng.choice([s for s in niche if s.kind == "blog" and not s.link_only])
    closed.robots_disallow = ("/",)
    closed.profile = "text"
    rest = [s for s in niche if s is not closed]
    rng.shuffle(rest)
    for i, s in enumerate(rest):
        s.profile = PROFILES[i % len(PROFILES)]
    for i, s in enumerate(s for s in sites if not s.in_niche):
        s.profile = ("text", "mailto")[i % 2]
    searchable = [s for s in rest if not s.link_only]
    for s in searchable[1:18:4]:
        s.robots_disallow = (*s.robots_disallow, "/private/")


def _plan_farm(rng: random.Random, sites: list[Site]) -> None:
    """On topic by its words (in_niche), worthless by design (kind linkfarm)."""
    farm: list[Site] = []
    labels = [f"{a}-beekeeping-{b}" for b in FARM_TOPICS for a in FARM_PREFIXES]
    for i, label in enumerate([*labels, FARM_TARGET]):
        domain = f"{label}.test"
        farm.append(Site(index=len(sites), domain=domain, host=domain, aliases=(),
                         name=_title(domain), kind="linkfarm", platform="none",
                         topic=content.KEYWORD, in_niche=True, link_only=i > 0, fresh=False,
                         profile="text"))
        sites.append(farm[-1])
    target = farm[-1]
    for site in farm[:-1]:
        others = [t for t in farm[:-1] if t is not site]
        site.targets = [*rng.sample(others, len(others)), target]
    target.targets = rng.sample(farm[:-1], 3)


def _farm_plan(site: Site) -> ContactPlan:
    p = ContactPlan(owner="Rank Fast")
    p.put("contact", f"<p>Email: {FARM_EMAIL}</p>")
    site.emails.add(FARM_EMAIL)
    site.methods.add("text")
    return p


def _engine(site: Site) -> Engine:
    if site.layout:
        return _layout_engine(site)
    if site.kind == "linkfarm":
        return LinkFarm()
    if site.kind == "forum":
        return FORUM_ENGINES[site.platform]()
    if site.platform == "wordpress":
        # Every third WordPress blog keeps the default ?p=123 permalinks.
        return WordPress(pretty=site.index % 3 != 0)
    if site.platform in BLOG_ENGINES:
        return BLOG_ENGINES[site.platform]()
    if site.platform == "woocommerce":
        return WooCommerce()
    if site.platform == "shopify":
        return Shopify()
    return Plain()


def _layout_engine(site: Site) -> Engine:
    if site.layout == "static":
        return StaticBlog(site.platform)
    if site.layout == "news":
        return NewsSite()
    if site.layout == "club":
        return Club()
    if site.layout == "company":
        return Business()
    return OwnForum()


def _deals(rng: random.Random, site: Site) -> list[str]:
    if site.kind == "shop":
        opts = ["advertise", "affiliate-program", "partners", "write-for-us"]
        return sorted(rng.sample(opts, rng.randint(2, 4)))
    if site.kind == "newsletter":
        return ["advertise", "sponsor"]
    if site.kind == "association":
        return ["partners"]
    if site.kind in ("directory", "news"):
        return ["advertise"]
    if site.kind == "business":
        return ["partners"]
    deals = []
    if site.kind in ("blog", "forum") and site.in_niche:
        if rng.random() < 0.4:
            deals.append("write-for-us" if site.kind == "blog" else "advertise")
        if site.kind == "blog" and rng.random() < 0.3:
            deals.append("advertise")
    return deals


def _render(site: Site, seed: int, today: date) -> None:
    rng = random.Random(f"sampleweb:{seed}:{site.domain}")
    deals = _deals(rng, site)
    decoy = None
    if site.in_niche and not site.disallow_all and site.index % 3 == 0:
        decoy = DECOY_KINDS[(site.index // 3) % len(DECOY_KINDS)]
    contact_plan = (_farm_plan(site) if site.kind == "linkfarm" else
                    plan(site, rng, decoy, private="/private/" in site.robots_disallow,
                         deals=bool(deals)))
    engine = _engine(site)
    b = Builder(site=site, engine=engine, rng=rng, today=today, plan=contact_plan, deals=deals,
                impressum=site.index % 11 == 5)
    engine.content(b)
    b.finish()
    decorate(site, seed)  # issue 24: hubs, profile decoys, infrastructure links
