"""Infrastructure: domains that are never a niche's prospect and are not crawled unless
the user names them (seed or include list).

Two sources. The bundled WhoTracks.Me snapshot (`infrastructure_snapshot`, made by
scripts/refresh_infrastructure.py; its source and date are SOURCE and SNAPSHOT_DATE):
every tracker, analytics, advertising, CDN, comment-widget and hosting domain of its
tracker database, and the most visited sites of the web (search engines, the biggest
publishers, portals, shops, Q&A and social platforms). And the hand lists below, for the
kinds the snapshot does not cover or that are younger than it; each says why.

A vocabulary: nothing here is mutated at run time."""

from __future__ import annotations

from typing import Final

from prospector.discover.vocab import MEGA_PLATFORMS
from prospector.extract.vocab.infrastructure_snapshot import (
    POPULAR_SITES,
    SNAPSHOT_DATE,
    SOURCE,
    TRACKER_DOMAINS,
)

# Messengers: a link to one is a chat or a share, never a site with an owner to reach.
MESSENGERS: Final = frozenset({
    "telegram.me", "telegram.org", "t.me", "wa.me", "whatsapp.com", "signal.me",
    "signal.org", "viber.com", "line.me", "kik.me", "messenger.com",
})
# Link shorteners: the target behind them is what counts.
SHORTENERS: Final = frozenset({
    "bit.ly", "t.co", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "is.gd", "cutt.ly",
    "rebrand.ly", "lnkd.in", "shorturl.at", "s.id", "rb.gy", "tiny.cc",
})
# Image and file hosts, raw-content CDNs: blogs embed and link them for assets.
ASSET_HOSTS: Final = frozenset({
    "unsplash.com", "pexels.com", "pixabay.com", "imgur.com", "flickr.com", "staticflickr.com",
    "githubusercontent.com", "raw.githubusercontent.com", "jsdelivr.net", "unpkg.com",
    "cdnjs.com", "dropbox.com", "dropboxusercontent.com", "wetransfer.com", "box.com",
    "mega.nz", "mediafire.com", "giphy.com", "tenor.com", "cloudinary.com", "imgix.net",
    "shields.io", "archive.org", "web.archive.org",
})
# Comment, embed and analytics widgets younger than the snapshot or missing from it.
WIDGETS: Final = frozenset({
    "utteranc.es", "giscus.app", "disqus.com", "disquscdn.com", "commento.io",
    "hyvor.com", "statcounter.com", "plausible.io", "usefathom.com", "goatcounter.com",
    "umami.is", "clicky.com", "hotjar.com", "gravatar.com", "buymeacoffee.com", "ko-fi.com",
    "patreon.com", "liberapay.com", "paypal.me", "carbonads.com", "codepen.io",
    "jsfiddle.net", "gist.github.com", "webmention.io", "mailchi.mp",
})
# App stores: a link to an app's page, not to its maker's site.
APP_STORES: Final = frozenset({
    "apps.apple.com", "itunes.apple.com", "play.google.com", "microsoft.com",
    "chrome.google.com", "addons.mozilla.org", "f-droid.org", "flathub.org",
    "snapcraft.io",
})
# The biggest publishers and Q&A platforms: cited, never partners for a niche site.
PUBLISHERS: Final = frozenset({
    "springer.com", "link.springer.com", "wiley.com", "elsevier.com", "sciencedirect.com",
    "nature.com", "tandfonline.com", "jstor.org", "arxiv.org", "doi.org", "ncbi.nlm.nih.gov",
    "nih.gov", "researchgate.net", "academia.edu", "oreilly.com", "packtpub.com",
    "manning.com", "nytimes.com", "theguardian.com", "bbc.co.uk", "bbc.com", "cnn.com",
    "zhihu.com", "quora.com", "stackexchange.com", "stackoverflow.com", "superuser.com",
    "serverfault.com", "askubuntu.com", "wikipedia.org", "wikihow.com", "answers.com",
    "news.ycombinator.com", "ycombinator.com", "lobste.rs", "slashdot.org",
    "producthunt.com", "hackernoon.com", "dev.to", "medium.com",
})
# Platforms whose communities are hubs (extract.hubs reads their links) and social
# networks: places, never sites with an owner of their own.
PLATFORMS: Final = frozenset({
    "reddit.com", "redd.it", "discord.gg", "discord.com", "discordapp.com", "facebook.com",
    "fb.com", "groups.io", "matrix.to", "element.io", "libera.chat", "oftc.net",
    "slack.com", "join.slack.com", "lemmy.world", "lemmy.ml", "kbin.social", "mastodon.social",
    "fosstodon.org", "x.com", "twitter.com", "instagram.com", "youtube.com", "youtu.be",
    "linkedin.com", "pinterest.com", "tiktok.com", "threads.net", "bsky.app", "github.com",
    "gitlab.com", "codeberg.org", "sourceforge.net", "bitbucket.org", "twitch.tv",
    "vimeo.com", "soundcloud.com", "spotify.com", "goodreads.com", "meetup.com",
    "eventbrite.com", "google.com", "apple.com", "amazon.com",
})

_HAND: Final = (("messenger", MESSENGERS), ("shortener", SHORTENERS),
                ("asset host", ASSET_HOSTS), ("widget", WIDGETS), ("app store", APP_STORES),
                ("publisher or Q&A", PUBLISHERS), ("platform", PLATFORMS),
                ("platform", MEGA_PLATFORMS))
# The same as one map, name → the first kind of _HAND that lists it: one lookup a name
# where the lists took eight (the scoring asks for each of 100,000 sites).
_HAND_KIND: Final = {name: kind for kind, names in reversed(_HAND) for name in names}
# Every category of the snapshot counts: a tracker domain is never a niche's site, and a
# site among the web's most visited is a platform or a mega-publisher, not a partner.
INFRASTRUCTURE_SOURCE: Final = f"{SOURCE}, snapshot {SNAPSHOT_DATE}, and hand lists"


def infrastructure_kind(domain: str, host: str = "") -> str:
    """Why `domain` (a registered domain; `host` its full host name when known) is
    infrastructure: 'tracker: cdn', 'popular site: News and Portals', 'messenger'...;
    '' when it is not."""
    domain = domain.strip().lower().rstrip(".")
    if not domain:
        return ""
    for name in (host.strip().lower().rstrip("."), domain):
        kind = _HAND_KIND.get(name) if name else None
        if kind:
            return kind
    tracker = TRACKER_DOMAINS.get(domain)
    if tracker:
        return f"tracker: {tracker}"
    popular = POPULAR_SITES.get(domain)
    if popular:
        return f"popular site: {popular}"
    return ""


def is_infrastructure(domain: str, host: str = "") -> bool:
    return bool(infrastructure_kind(domain, host))
