"""Whose profile a link is (issue 24): the words that mark theme and platform credits,
comment sections and a site's own "follow me" blocks.

A vocabulary: tables extract.channels reads, each with why it exists."""

from __future__ import annotations

import re
from typing import Final

# Text right before a link that credits a theme, template, platform, photo or tool:
# "Theme by panr", "Powered by Hugo", "Photo by … on Unsplash". The linked profile is the
# credit's author, never the site's channel, wherever it sits (footers hold both).
CREDIT_BEFORE_RE: Final = re.compile(
    r"(?:\b(?:theme|template|design(?:ed)?|skin|layout|powered|built|made|crafted|coded|"
    r"developed|hosted|photo(?:graph)?s?|image|picture|icons?|illustrations?|artwork|logo|"
    r"font|ported|based|inspired|forked|generated|created)\b[\w\s'-]{0,24}?"
    r"\b(?:by|with|on|from|using)\b|\btheme:|\bcredits?:|\bvia)\s*[:\-–—]?\s*$",
    re.IGNORECASE,
)
# The anchor text of a credit link itself ("Hugo theme by panr", "WordPress theme").
CREDIT_ANCHOR_RE: Final = re.compile(
    r"\btheme\b|\btemplate\b|powered by|designed by|built with", re.IGNORECASE)
# class/id words of comment sections and their authors: a commenter's profile.
COMMENT_MARKS_RE: Final = re.compile(
    r"comment|reply|replies|respond|discussion|disqus|webmention|guestbook|author-box-comment",
    re.IGNORECASE,
)
# class/id words of a site's own profile block ("Follow me", "Elsewhere", social icons).
OWN_BLOCK_MARKS_RE: Final = re.compile(
    r"social|follow|elsewhere|connect|profiles?\b|find-?me|me-links|rel-me|contact-links|"
    r"site-links|h-card|author-links|bio",
    re.IGNORECASE,
)
# Sections (extract.links.link_section) that are the site's own chrome: every page
# shows them, and their profile links are the site's.
CHROME_SECTIONS: Final = frozenset({"footer", "nav", "sidebar"})
# Pages about the site or its owner: their profile links are the owner's.
ABOUT_PATH_RE: Final = re.compile(
    r"/(?:about|about-?me|about-?us|contact|contact-?us|impressum|imprint|team|bio|"
    r"profile|kontakt|uber|ueber-?mich|a-propos|now)(?:[/.?#-]|$)",
    re.IGNORECASE,
)
# Handles shorter than this match too much by chance ("jo" in "journal").
MIN_HANDLE_MATCH = 4
# Ancestors walked to find a block's marks.
MAX_DEPTH = 25
