"""Social networks: the hosts of profile links, their canonical spellings, and the paths
that are no one's profile (share dialogs, reserved segments).

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

# Host (registered domain) → network name for profile links.
SOCIAL_DOMAINS: Final = {
    "facebook.com": "facebook", "fb.com": "facebook", "twitter.com": "x", "x.com": "x",
    "instagram.com": "instagram", "youtube.com": "youtube", "linkedin.com": "linkedin",
    "pinterest.com": "pinterest", "pinterest.de": "pinterest",
    "pinterest.co.uk": "pinterest", "tiktok.com": "tiktok", "reddit.com": "reddit",
    "github.com": "github", "threads.net": "threads", "threads.com": "threads",
    "bsky.app": "bluesky",
}

# Canonical host per network: one spelling per profile.
SOCIAL_CANONICAL_HOST: Final = {
    "facebook": "facebook.com", "x": "x.com", "instagram": "instagram.com",
    "youtube": "youtube.com", "linkedin": "linkedin.com", "pinterest": "pinterest.com",
    "tiktok": "tiktok.com", "reddit": "reddit.com", "github": "github.com",
    "threads": "threads.net", "bluesky": "bsky.app",
}

# First path segments that are site features, share widgets or content, not profiles.
SOCIAL_RESERVED_SEGMENTS: Final = frozenset(
    {
        "sharer", "sharer.php", "share", "share.php", "dialog", "plugins", "tr", "login",
        "login.php", "home.php", "policies", "help", "privacy", "watch", "embed",
        "results", "playlist", "intent", "search", "hashtag", "i", "home", "explore",
        "p", "reel", "reels", "accounts", "pin", "sharearticle", "sharing",
        "submit", "settings", "about", "legal", "terms", "signup", "tos", "feed",
        "notifications", "messages", "events", "marketplace", "groups", "watch?v",
        "v", "shorts", "feeds", "gist", "orgs", "features", "pricing", "topics",
        "trending", "collections", "site", "web", "ajax", "photo.php",
        "story.php", "permalink.php", "media", "r.php", "l.php", "oauth", "developers",
        "business", "ads", "status", "compose", "widgets", "wp-content",
    }
)

# Share/intent URLs that must never be taken for a profile even when the segment test
# would pass (e.g. 'pinterest.com/pin/create/button').
SOCIAL_SHARE_RE: Final = re.compile(
    r"sharer|intent/|/share\b|share\?|/pin/create|sharearticle|/sharing/|addthis|"
    r"/dialog/|/plugins/", re.IGNORECASE
)
