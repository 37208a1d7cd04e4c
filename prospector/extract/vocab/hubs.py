"""Community hubs on platforms (issue 24): the hosts and path words by which a link names
a subreddit, a Discord invite, a Facebook group, a Telegram channel, a Stack Exchange
site, a Lemmy/kbin community, a Mastodon account or hashtag, a Matrix room, an IRC
channel, a mailing list or a Slack workspace. The platforms are never crawled: a hub is
known only from the niche's pages that link to it.

A vocabulary: tables extract.hubs reads, each with why it exists."""

from __future__ import annotations

import re
from typing import Final

# Reddit answers on many hosts (old., new., np., i.): the registered domain decides.
REDDIT_DOMAINS: Final = frozenset({"reddit.com"})
# Discord invites: the short host, or /invite/ on the app's hosts.
DISCORD_SHORT: Final = frozenset({"discord.gg"})
DISCORD_APP: Final = frozenset({"discord.com", "discordapp.com"})
FACEBOOK_DOMAINS: Final = frozenset({"facebook.com", "fb.com"})
TELEGRAM_DOMAINS: Final = frozenset({"t.me", "telegram.me", "telegram.dog"})
# t.me paths that are tools, not channels (share dialogs, sticker sets, proxies).
TELEGRAM_RESERVED: Final = frozenset({"share", "addstickers", "addemoji", "proxy", "socks",
                                      "iv", "login", "setlanguage", "addtheme", "bg",
                                      "confirmphone", "invoice", "boost"})
# Stack Exchange network sites with a domain of their own; the rest are
# NAME.stackexchange.com.
STACK_EXCHANGE_SITES: Final = frozenset({"stackoverflow.com", "superuser.com",
                                         "serverfault.com", "askubuntu.com",
                                         "mathoverflow.net", "stackapps.com"})
# Hosts of stackexchange.com that are the network's own tools, not a Q&A site.
STACK_EXCHANGE_RESERVED: Final = frozenset({"www", "meta", "chat", "api", "data", "openid",
                                            "area51", "stackexchange"})
# Lemmy (/c/NAME) and kbin/mbin (/m/NAME) instances: these, or a host whose first label
# names the software. Other sites' /c/ and /m/ paths are categories and media.
FEDIVERSE_FORUM_HOSTS: Final = frozenset({
    "lemmy.world", "lemmy.ml", "programming.dev", "sh.itjust.works", "beehaw.org",
    "lemm.ee", "feddit.de", "feddit.org", "kbin.social", "fedia.io", "kbin.earth",
    "lemmy.sdf.org", "discuss.tchncs.de", "sopuli.xyz", "lemmy.dbzer0.com", "infosec.pub",
    "mbin.social", "lemmy.ca", "lemmy.zip", "slrpnk.net", "aussie.zone", "lemmy.one",
})
FEDIVERSE_FORUM_LABELS: Final = ("lemmy.", "kbin.", "mbin.")
# Mastodon servers: these, or a host whose first label names the software.
MASTODON_HOSTS: Final = frozenset({
    "mastodon.social", "fosstodon.org", "mas.to", "hachyderm.io", "mstdn.social",
    "mastodon.online", "infosec.exchange", "social.vivaldi.net", "emacs.ch",
    "mastodon.world", "techhub.social", "indieweb.social", "social.coop", "floss.social",
    "mathstodon.xyz", "scholar.social", "toot.community", "mastodon.art", "c.im",
    "masto.ai", "universeodon.com", "aus.social", "chaos.social", "ruby.social",
    "phpc.social", "front-end.social", "tech.lgbt", "social.linux.pizza",
})
MASTODON_LABELS: Final = ("mastodon.", "mstdn.", "toot.", "masto.")
MATRIX_HOSTS: Final = frozenset({"matrix.to", "app.element.io", "chat.mozilla.org"})
# Web front ends of IRC networks: host → the network's server.
IRC_WEB: Final = {"web.libera.chat": "irc.libera.chat", "webchat.oftc.net": "irc.oftc.net",
                  "kiwiirc.com": "", "webchat.freenode.net": "irc.freenode.net"}
IRC_SCHEMES: Final = ("irc://", "ircs://", "irc6://")
GROUPS_IO: Final = frozenset({"groups.io"})
GOOGLE_GROUPS_HOST: Final = "groups.google.com"
# Mailman 2 (listinfo), Mailman 3 (postorius, hyperkitty) list pages: the list name
# follows these path words.
MAILMAN_LISTINFO_RE: Final = re.compile(
    r"/(?:mailman/)?(?:listinfo|admindb|options)/([A-Za-z0-9][A-Za-z0-9._+-]*)/?$")
MAILMAN3_RE: Final = re.compile(
    r"/(?:mailman3/|postorius/)?(?:lists|list|hyperkitty/list|archives/list)/"
    r"([A-Za-z0-9._+-]+)[.@]([A-Za-z0-9.-]+\.[A-Za-z]{2,})/?")
SLACK_DOMAINS: Final = frozenset({"slack.com"})
# slack.com hosts that are Slack's own, not a workspace.
SLACK_RESERVED: Final = frozenset({"www", "app", "api", "status", "join", "slack", "files",
                                   "hooks", "edgeapi", "a", "downloads", "get"})
