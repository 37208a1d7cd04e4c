"""A newsletter's sign-up: where to subscribe and how many readers the page says it has.

Pure: (url, html) in, `NewsletterFacts` out; read only on pages extraction already found
a newsletter on (a provider's embed or a sign-up form), so the extra regex pass costs
nothing elsewhere.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from prospector.urls import canonicalize

# "join 12,000 readers", "12k subscribers", "over 3,400 people read it", "1.2M readers":
# a count next to the words newsletters use for their audience. A count without such a
# word (a price, a year) is never taken.
_COUNT = r"(\d{1,3}(?:[,.\u202f ]\d{3})+|\d+(?:\.\d+)?\s?[kKmM]\b|\d{2,7})"
_AUDIENCE = r"(?:subscribers|readers)"
SUBSCRIBERS_RE = re.compile(
    rf"{_COUNT}\+?\s+(?:other\s+|happy\s+|fellow\s+|curious\s+|weekly\s+|monthly\s+)?"
    rf"{_AUDIENCE}\b", re.I)
MAX_SUBSCRIBERS = 50_000_000  # beyond any newsletter: a misread number
_FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form\s*>", re.I | re.S)
_ACTION_RE = re.compile(r"""\baction\s*=\s*["']([^"']*)["']""", re.I)
_EMAIL_INPUT_RE = re.compile(r"""<input\b[^>]*(?:type\s*=\s*["']?email|name\s*=\s*["'][^"']*e-?mail)""",
                             re.I)
_SIGNUP_WORDS_RE = re.compile(r"subscrib|newsletter|sign[\s-]?up|mailing list|join", re.I)
_HREF_RE = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"']+)["']""", re.I)
# Sign-up pages of the newsletter platforms, and a site's own /subscribe page.
_SIGNUP_LINK_RE = re.compile(
    r"(?:substack\.com/subscribe|/subscribe\b|buttondown\.(?:email|com)/|\.beehiiv\.com/|"
    r"list-manage\.com/subscribe|mailchi\.mp/|eepurl\.com/|convertkit\.com/|kit\.com/)", re.I)
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class NewsletterFacts:
    """Also a crawl item: what one page of `site` says of its newsletter."""

    url: str  # the page read
    signup_url: str = ""
    subscribers: int | None = None
    site: str = ""


def _number(text: str) -> int | None:
    raw = text.strip().lower().replace("\u202f", "").replace(" ", "")
    scale = 1
    if raw[-1:] in ("k", "m"):
        scale = 1000 if raw[-1] == "k" else 1_000_000
        raw = raw[:-1]
        try:
            return int(float(raw) * scale)
        except ValueError:
            return None
    digits = raw.replace(",", "").replace(".", "")
    return int(digits) if digits.isdigit() else None


def subscriber_count(text: str) -> int | None:
    """The largest audience the text states ("join 12,000 readers"), None if it states none."""
    found = [n for m in SUBSCRIBERS_RE.finditer(text) if (n := _number(m.group(1)))
             and 10 <= n <= MAX_SUBSCRIBERS]
    return max(found) if found else None


def signup_url(base: str, markup: str) -> str:
    """A sign-up form's target (a form with an e-mail field and sign-up words), else a link
    to a sign-up page; '' when the page has neither."""
    for attrs, body in _FORM_RE.findall(markup):
        action = _ACTION_RE.search(attrs)
        if action and _EMAIL_INPUT_RE.search(body) and _SIGNUP_WORDS_RE.search(attrs + body):
            url = urljoin(base, htmllib.unescape(action.group(1)))
            if url.startswith(("http://", "https://")):
                return canonicalize(url)
    for href in _HREF_RE.findall(markup):
        url = urljoin(base, htmllib.unescape(href))
        if url.startswith(("http://", "https://")) and _SIGNUP_LINK_RE.search(url):
            return canonicalize(url)
    return ""


def newsletter_facts(url: str, body: bytes | str, site: str = "") -> NewsletterFacts:
    markup = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(htmllib.unescape(_TAG_RE.sub(" ", markup)).split())
    return NewsletterFacts(url=url, signup_url=signup_url(url, markup),
                           subscribers=subscriber_count(text), site=site)
