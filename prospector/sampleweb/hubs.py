"""Issue 24's part of the sample web: links to community hubs on platforms, profile
links that are not the site's channels (theme credits, people a post mentions,
commenters) and links to infrastructure, each recorded on the site for the truth.

Added to a site's home page after it is rendered, with a random stream of its own, so
the rest of the web (names, links, contacts) is what it was without them. The home page
is what every crawl of a site fetches first."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from html import escape

from .model import Site


@dataclass(frozen=True, slots=True)
class HubSpec:
    platform: str
    written: str  # the link as the page writes it
    url: str  # the hub's canonical URL (extract.hubs)
    hub_id: str
    anchor: str


# The niche's communities on platforms; the first is the one most sites point to.
# Some are written in two spellings (a thread of the subreddit, the IRC web client).
HUBS: tuple[HubSpec, ...] = (
    HubSpec("reddit", "https://www.reddit.com/r/Beekeeping/comments/1q2w3e/first_inspection/",
            "https://www.reddit.com/r/beekeeping", "r/beekeeping", "r/Beekeeping thread"),
    HubSpec("reddit", "https://old.reddit.com/r/Bees/", "https://www.reddit.com/r/bees",
            "r/bees", "r/Bees"),
    HubSpec("discord", "https://discord.gg/BeeKeep42", "https://discord.gg/BeeKeep42",
            "discord.gg/BeeKeep42", "our Discord"),
    HubSpec("facebook", "https://www.facebook.com/groups/BackyardBeekeepers/",
            "https://www.facebook.com/groups/backyardbeekeepers", "groups/backyardbeekeepers",
            "Backyard Beekeepers group"),
    HubSpec("telegram", "https://t.me/beekeeping_chat", "https://t.me/beekeeping_chat",
            "@beekeeping_chat", "Telegram chat"),
    HubSpec("stack exchange", "https://beekeeping.stackexchange.com/questions/12/varroa",
            "https://beekeeping.stackexchange.com", "beekeeping.stackexchange.com",
            "Beekeeping Stack Exchange"),
    HubSpec("lemmy", "https://lemmy.world/c/beekeeping", "https://lemmy.world/c/beekeeping",
            "!beekeeping@lemmy.world", "beekeeping on Lemmy"),
    HubSpec("mastodon", "https://mastodon.social/tags/Beekeeping",
            "https://mastodon.social/tags/beekeeping", "#beekeeping@mastodon.social",
            "#beekeeping on Mastodon"),
    HubSpec("matrix", "https://matrix.to/#/#beekeeping:matrix.org",
            "https://matrix.to/#/#beekeeping:matrix.org", "#beekeeping:matrix.org",
            "Matrix room"),
    HubSpec("irc", "irc://irc.libera.chat/beekeeping", "irc://irc.libera.chat/#beekeeping",
            "#beekeeping@libera.chat", "#beekeeping on Libera"),
    HubSpec("irc", "https://web.libera.chat/#beekeeping", "irc://irc.libera.chat/#beekeeping",
            "#beekeeping@libera.chat", "chat in your browser"),
    HubSpec("mailing list", "https://groups.io/g/beekeepers", "https://groups.io/g/beekeepers",
            "beekeepers@groups.io", "Beekeepers mailing list"),
    HubSpec("mailing list", "https://groups.google.com/g/bee-l",
            "https://groups.google.com/g/bee-l", "bee-l@googlegroups.com", "BEE-L"),
    HubSpec("slack", "https://join.slack.com/t/hivemind-keepers/shared_invite/zt-9x8y7z",
            "https://hivemind-keepers.slack.com", "hivemind-keepers.slack.com", "Slack"),
)
# Profile links that are not the site's channel, by how the page holds them:
# (network URL, canonical profile, anchor). Their handles name no site of the web.
THEME_CREDITS: tuple[tuple[str, str, str], ...] = (
    ("Theme by", "https://github.com/panr", "panr"),
    ("Design by", "https://www.instagram.com/pixelmill_studio/", "PixelMill"),
    ("Powered by", "https://twitter.com/ThemeForestCo", "ThemeForest"),
)
MENTIONED: tuple[str, ...] = ("https://x.com/waggle_dance_wes", "https://github.com/varroa-tools",
                              "https://www.youtube.com/@OldDroneChannel")
COMMENTERS: tuple[str, ...] = ("https://github.com/combcutter99", "https://x.com/smokerlit",
                               "https://www.instagram.com/queenless_quinn/")
# Infrastructure a blog links: (url, registered domain, anchor).
INFRA_LINKS: tuple[tuple[str, str, str], ...] = (
    ("https://statcounter.com/", "statcounter.com", "web stats"),
    ("https://unsplash.com/photos/honeycomb-x1y2", "unsplash.com", "header photo"),
    ("https://raw.githubusercontent.com/bees/hive-log/main/log.csv",
     "raw.githubusercontent.com", "hive log data"),
    ("https://utteranc.es/", "utteranc.es", "comments by utterances"),
    ("https://wa.me/15550104477", "wa.me", "message us"),
    ("https://www.zhihu.com/question/2233", "zhihu.com", "a question on Zhihu"),
    ("https://link.springer.com/article/10.1007/s13592-020-0001", "springer.com",
     "the Apidologie paper"),
)
# Every domain off the sample web that its pages link to is infrastructure: the engines'
# and networks' own sites (credits, share buttons, profiles) and INFRA_LINKS.
OFF_WEB_INFRASTRUCTURE: frozenset[str] = frozenset({
    "wordpress.org", "blogger.com", "ghost.org", "shopify.com", "substack.com",
    "vbulletin.com", "phpbb.com", "discourse.org", "simplemachines.org", "mybb.com",
    "xenforo.com", "woocommerce.com", "x.com", "twitter.com", "facebook.com",
    "instagram.com", "pinterest.com", "youtube.com", "github.com", "reddit.com",
    "discord.gg", "t.me", "stackexchange.com", "lemmy.world", "mastodon.social",
    "matrix.to", "libera.chat", "groups.io", "google.com", "slack.com",
    *(d for _, d, _ in INFRA_LINKS),
})
_HREF = re.compile(r"""<a\b[^>]*?\bhref=["'](https?://[^"'#?/]+)""", re.IGNORECASE)


def _profile(url: str) -> str:
    """The canonical profile URL extraction keeps (extract.social.social_profile)."""
    host, _, path = url.split("://", 1)[1].partition("/")
    host = host.removeprefix("www.").replace("twitter.com", "x.com")
    handle = path.strip("/")
    return f"https://{host}/{handle.lower()}"


def takes_part(site: Site) -> bool:
    """Sites a crawl surely fetches: searchable niche sites robots.txt lets in."""
    return site.in_niche and not site.link_only and not site.disallow_all \
        and site.kind != "linkfarm"


def decorate(site: Site, seed: int) -> None:
    """Add hub links, profile decoys and infrastructure links to the site's home page."""
    if not takes_part(site) or "/" not in site.pages:
        return
    rng = random.Random(f"sampleweb:{seed}:hubs:{site.domain}")
    hubs = ([HUBS[0]] if rng.random() < 0.6 else []) + rng.sample(HUBS[1:], rng.randint(0, 2))
    parts = []
    if hubs:
        items = " · ".join(f'<a href="{escape(h.written)}">{escape(h.anchor)}</a>' for h in hubs)
        parts.append(f'<div class="post-content"><p>Where beekeepers meet: {items}</p></div>')
        site.hub_links.update(h.url for h in hubs)
    kind = site.index % 4
    if kind == 0:
        label, url, anchor = THEME_CREDITS[site.index % len(THEME_CREDITS)]
        parts.append(f'<footer class="theme-credit"><p>{label} <a href="{url}">{anchor}</a></p>'
                     "</footer>")
        site.social_decoys.add(_profile(url))
    elif kind == 1:
        url = MENTIONED[site.index % len(MENTIONED)]
        parts.append(f'<article class="entry"><p>Thanks to <a href="{url}">this keeper</a> for '
                     "the tip on spring feeding.</p></article>")
        site.social_decoys.add(_profile(url))
    elif kind == 2:
        url = COMMENTERS[site.index % len(COMMENTERS)]
        parts.append(f'<section class="comments"><div class="comment"><a class="comment-author" '
                     f'href="{url}">A reader</a><p>Great post, thanks!</p></div></section>')
        site.social_decoys.add(_profile(url))
    if site.kind == "blog" and rng.random() < 0.6:
        for url, domain, anchor in rng.sample(INFRA_LINKS, rng.randint(1, 2)):
            parts.append(f'<p class="post-content"><a href="{url}">{escape(anchor)}</a></p>')
            site.infra_links.add(domain)
    if not parts:
        return
    page = site.pages["/"].body.decode("utf-8")
    at = page.rfind("</body>")
    site.add_html("/", page[:at] + "\n".join(parts) + "\n" + page[at:])


def off_web_domains(site: Site) -> set[str]:
    """Registered domains off the sample web that the site's home page links to."""
    from ..urls import registered_domain

    page = site.pages.get("/")
    if page is None:
        return set()
    hosts = {m.group(1).split("://", 1)[1].lower() for m in _HREF.finditer(page.body.decode())}
    return {registered_domain(h) for h in hosts if not h.endswith(".test")} - {""}


def rank_reason(site: Site) -> str:
    """Why no ranked list should take the site ('' when one may): robots.txt shuts it
    (unreachable) or it is off the niche. (No site of the web is infrastructure.)"""
    if site.disallow_all:
        return "unreachable"
    return "" if site.in_niche else "off-topic"


def site_truth(site: Site) -> dict[str, object]:
    """The site's part of the truth for issue 24."""
    return {
        "hub_links": sorted(site.hub_links),
        "social_decoys": sorted(site.social_decoys),
        "infra_links": sorted(site.infra_links),
        "rank_reason": rank_reason(site),
        # A channel of its own a crawl can find: an address, a form or a profile.
        "own_channel": bool(site.emails or site.forms or site.socials),
    }


def web_truth(sites: list[Site]) -> dict[str, object]:
    """The hubs with the sites linking to each, and the infrastructure the pages link."""
    linking: dict[str, list[str]] = {}
    for s in sites:
        for url in s.hub_links:
            linking.setdefault(url, []).append(s.domain)
    specs = {h.url: h for h in HUBS}
    off_web = set().union(*(off_web_domains(s) for s in sites if not s.disallow_all))
    assert off_web <= OFF_WEB_INFRASTRUCTURE, off_web - OFF_WEB_INFRASTRUCTURE
    return {
        "hubs": [{"platform": specs[u].platform, "id": specs[u].hub_id, "url": u,
                  "linking_sites": sorted(d)} for u, d in sorted(linking.items())],
        "infrastructure": sorted(off_web),
    }
