"""Links to community hubs on platforms (issue 24): one (platform, id, canonical URL) per
hub, read from a page's anchors, the platform never fetched. Pure: `hub_of` over one
URL, `find_hubs` over a page's shared `Doc`."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add
from urllib.parse import parse_qs, unquote, urlsplit

import ahocorasick_rs

from prospector.extract.doc import Doc
from prospector.extract.dom import deep_text, fold, safe_urljoin
from prospector.extract.vocab.hubs import (
    DISCORD_APP,
    DISCORD_SHORT,
    FACEBOOK_DOMAINS,
    FEDIVERSE_FORUM_HOSTS,
    FEDIVERSE_FORUM_LABELS,
    GOOGLE_GROUPS_HOST,
    GROUPS_IO,
    IRC_SCHEMES,
    IRC_WEB,
    MAILMAN3_RE,
    MAILMAN_LISTINFO_RE,
    MASTODON_HOSTS,
    MASTODON_LABELS,
    MATRIX_HOSTS,
    REDDIT_DOMAINS,
    SLACK_DOMAINS,
    SLACK_RESERVED,
    STACK_EXCHANGE_RESERVED,
    STACK_EXCHANGE_SITES,
    TELEGRAM_DOMAINS,
    TELEGRAM_RESERVED,
)
from prospector.extract.vocab.text import MAX_ANCHOR_CHARS
from prospector.models import HubLink
from prospector.urls import registered_domain

Hub = tuple[str, str, str]  # (platform, id, canonical url)
# Literals one of which every hub link holds: one automaton pass settles most anchors of a
# page (menus, posts) without parsing their URL.
_HUB_WORDS = ahocorasick_rs.AhoCorasick((
    "reddit.", "discord", "facebook.", "fb.com", "t.me/", "telegram.", "stackexchange.",
    *STACK_EXCHANGE_SITES, "lemmy", "kbin", "mbin", "/@", "/tags/", *FEDIVERSE_FORUM_HOSTS,
    *MASTODON_HOSTS, *MATRIX_HOSTS, *IRC_WEB, "irc", "listinfo", "admindb", "options/",
    "/lists/", "/list/", "groups.io", "groups.google.", "slack.com",
))
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-.")


def _name(text: str) -> str:
    """A community name as platforms spell it (letters, digits, _ - .), '' otherwise."""
    text = unquote(text).strip()
    return text if text and set(text.lower()) <= _NAME_CHARS else ""


def _irc(server: str, channel: str) -> Hub | None:
    channel = _name(channel.lstrip("#"))
    server = server.lower().split(":")[0]
    if not channel or not server:
        return None
    network = registered_domain(server) or server
    return "irc", f"#{channel.lower()}@{network}", f"irc://{server}/#{channel.lower()}"


def _matrix(fragment: str) -> Hub | None:
    """matrix.to/#/#room:server (or !id:server), Element's #/room/#room:server."""
    ref = unquote(fragment).removeprefix("/").removeprefix("room/").split("?")[0]
    if ref[:1] not in ("#", "!") or ":" not in ref:
        return None
    return "matrix", ref, f"https://matrix.to/#/{ref}"


def _fediverse(host: str, segments: list[str]) -> Hub | None:
    forum = host in FEDIVERSE_FORUM_HOSTS or host.startswith(FEDIVERSE_FORUM_LABELS)
    if forum and len(segments) >= 2 and segments[0] in ("c", "m") and _name(segments[1]):
        name = segments[1].lower()
        return "lemmy", f"!{name}@{host}", f"https://{host}/{segments[0]}/{name}"
    mastodon = host in MASTODON_HOSTS or host.startswith(MASTODON_LABELS)
    if mastodon and segments and segments[0].startswith("@") and _name(segments[0][1:]):
        name = segments[0][1:].lower()
        return "mastodon", f"@{name}@{host}", f"https://{host}/@{name}"
    if mastodon and len(segments) >= 2 and segments[0] == "tags" and _name(segments[1]):
        tag = segments[1].lower()
        return "mastodon", f"#{tag}@{host}", f"https://{host}/tags/{tag}"
    return None


def _mailing_list(host: str, path: str, query: str, fragment: str) -> Hub | None:
    if host in GROUPS_IO:
        parts = [s for s in path.split("/") if s]
        if len(parts) >= 2 and parts[0] == "g" and _name(parts[1]):
            name = parts[1].lower()
            return "mailing list", f"{name}@groups.io", f"https://groups.io/g/{name}"
        return None
    if host == GOOGLE_GROUPS_HOST:
        parts = [s for s in path.split("/") if s]
        name = ""
        if len(parts) >= 2 and parts[0] == "g":
            name = parts[1]
        elif fragment.startswith("!forum/"):
            name = fragment.split("/")[1]
        name = _name(name).lower()
        return (("mailing list", f"{name}@googlegroups.com",
                 f"https://groups.google.com/g/{name}") if name else None)
    if m := MAILMAN3_RE.search(path):
        name, domain = m.group(1).lower(), m.group(2).lower()
        return "mailing list", f"{name}@{domain}", f"https://{host}/postorius/lists/{name}.{domain}/"
    if m := MAILMAN_LISTINFO_RE.search(path):
        name = m.group(1).lower()
        return "mailing list", f"{name}@{host}", f"https://{host}/mailman/listinfo/{name}"
    return None


def _telegram(segments: list[str]) -> Hub | None:
    """t.me/NAME (t.me/s/NAME, its preview), or an invite: t.me/joinchat/HASH, t.me/+HASH
    (an invite's hash is case-sensitive)."""
    first = segments[0]
    if first == "joinchat" and len(segments) > 1 and _name(segments[1]):
        return "telegram", f"joinchat/{segments[1]}", f"https://t.me/joinchat/{segments[1]}"
    if first.startswith("+") and _name(first[1:]):
        return "telegram", first, f"https://t.me/{first}"
    name = _name(segments[1] if first == "s" and len(segments) > 1 else first).lower()
    return ("telegram", f"@{name}", f"https://t.me/{name}") if name else None


def _platform_hub(host: str, domain: str, segments: list[str]) -> Hub | None:
    """Subreddits, Discord invites, Facebook groups, Telegram, Stack Exchange, Slack."""
    first = segments[0] if segments else ""
    if domain in REDDIT_DOMAINS and first.lower() == "r" and len(segments) > 1:
        name = _name(segments[1]).lower()
        return ("reddit", f"r/{name}", f"https://www.reddit.com/r/{name}") if name else None
    if (domain in DISCORD_SHORT and first) or (domain in DISCORD_APP and first == "invite"
                                                and len(segments) > 1):
        code = _name(first if domain in DISCORD_SHORT else segments[1])
        return ("discord", f"discord.gg/{code}", f"https://discord.gg/{code}") if code else None
    if domain in FACEBOOK_DOMAINS and first == "groups" and len(segments) > 1:
        name = _name(segments[1]).lower()
        return (("facebook", f"groups/{name}", f"https://www.facebook.com/groups/{name}")
                if name else None)
    if domain in TELEGRAM_DOMAINS and first and first.lower() not in TELEGRAM_RESERVED:
        return _telegram(segments)
    label = host.split(".")[0]
    if host in STACK_EXCHANGE_SITES or (domain == "stackexchange.com" and host != domain
                                        and label not in STACK_EXCHANGE_RESERVED):
        site = host.removeprefix("www.")
        return "stack exchange", site, f"https://{site}"
    if domain in SLACK_DOMAINS:
        if host == "join.slack.com" and first == "t" and len(segments) > 1 and _name(segments[1]):
            name = segments[1].lower()
            return "slack", f"{name}.slack.com", f"https://{name}.slack.com"
        if host != domain and label not in SLACK_RESERVED:
            return "slack", host, f"https://{host}"
    return None


def hub_of(url: str) -> Hub | None:
    """(platform, id, canonical url) of the hub `url` links to, None for other links."""
    if url.lower().startswith(IRC_SCHEMES):
        rest = url.split("://", 1)[1]
        server, _, channel = rest.partition("/")
        return _irc(server, channel.split(",")[0].split("?")[0] or "")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if host in MATRIX_HOSTS:
        return _matrix(parts.fragment)
    if host in IRC_WEB:
        server = IRC_WEB[host] or (segments[1] if len(segments) > 1 else "")
        channel = parts.fragment or parse_qs(parts.query).get("channels", [""])[0]
        return _irc(server, channel) if server else None
    domain = registered_domain(host)
    return (_platform_hub(host, domain, segments)
            or _fediverse(host, segments)
            or _mailing_list(host, parts.path, parts.query, parts.fragment))


def holding_lowered(automaton: ahocorasick_rs.AhoCorasick, texts: list[str]) -> set[int]:
    """Indexes of the `texts` whose lower-cased form holds one of `automaton`'s
    literals (none of which holds a newline, so no match spans two texts): one lower()
    and one pass over them all (most hold none) instead of one each."""
    joined = "\n".join(texts)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        # Lower-casing changed the length ('İ'): positions would not line up.
        return holding_in(automaton, [text.lower() for text in texts])
    return holding_in(automaton, texts, lowered)


def holding_in(automaton: ahocorasick_rs.AhoCorasick, texts: list[str],
               joined: str | None = None) -> set[int]:
    """Indexes of the `texts` that hold one of `automaton`'s literals, found in
    `joined` (the texts joined by newlines, or a form of it of the same length, as
    lower-cased; joined here when not given). As extract.needles.holding, with the
    texts' ends summed in C."""
    matches = automaton.find_matches_as_indexes("\n".join(texts) if joined is None else joined)
    if not matches:
        return set()
    # Text k spans [ends[k-1], ends[k]) (its newline included).
    ends = list(accumulate(map(add, map(len, texts), repeat(1))))
    return {bisect_right(ends, at) for _, at, _ in matches}


def find_hubs(url: str, doc: Doc) -> tuple[HubLink, ...]:
    """One HubLink per hub the page at `url` links to, with the first anchor text."""
    seen: set[str] = set()
    out: list[HubLink] = []
    anchors = doc.anchors
    for i in sorted(holding_lowered(_HUB_WORDS, [href for _, href in anchors])):
        el, href = anchors[i]
        target = href.strip()
        if not target.lower().startswith(IRC_SCHEMES):
            target = safe_urljoin(doc.base, target)
        hub = hub_of(target) if target else None
        if hub is None or hub[2] in seen:
            continue
        seen.add(hub[2])
        anchor = fold(deep_text(el))[:MAX_ANCHOR_CHARS]
        out.append(HubLink(platform=hub[0], hub_id=hub[1], url=hub[2], anchor=anchor))
    return tuple(out)
