"""Bounds on what a page yields (text, titles, anchors), feed types, and the markup
words without which the attribute queries cannot match.

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

from typing import Final

# Visible text is capped: relevance scoring needs the gist, not megabytes of forum.
MAX_TEXT_CHARS: Final = 20_000

MAX_TITLE_CHARS: Final = 500

MAX_ANCHOR_CHARS: Final = 200

# Feed MIME types advertised by <link rel="alternate">.
FEED_TYPES: Final = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json",
     "application/rdf+xml"}
)

# Lower-cased words without which an element the readers query by its attributes
# (bylines, blog-post classes, data-email attributes) cannot be on a page: the query
# leaves out the selectors whose word is missing. (Each is on a page a few times at
# most: the one pass reports every occurrence.)
MARKED_HINTS: Final = (
    b"author", b"byline", b"fn", b"hentry", b"blog-post", b"post-body", b"data-email",
    b"data-mail",
)

# The tags `parse_html` rewrites when a page holds more than MAX_SELECT_OPTIONS options
# (dom.py): a page with neither has nothing to rewrite, and its options (a scan of the
# whole page: ≈ 40 µs) are not counted.
SELECT_TAGS: Final = (b"<select", b"</select")

# The start tags (lower-cased, as a page's markup is read) without which the element
# query of a page (doc.py) cannot find a form, a <time>, a <style>...: each selector
# tries every element of the page (≈ 65,000 instructions a page each, of 1.3 million
# for the query), and most pages lack half of these elements. (<a>, <link>, <meta> and
# <script> are on nearly every page.)
ELEMENT_OPENERS: Final = {
    "area[href]": b"<area", "form": b"<form", "time": b"<time", "title": b"<title",
    "base": b"<base", "style": b"<style", "textarea": b"<textarea",
    "template": b"<template", "noscript": b"<noscript", "iframe": b"<iframe",
    "noembed": b"<noembed", "noframes": b"<noframes", "xmp": b"<xmp",
}
