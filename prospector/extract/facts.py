"""Site facts of one page: owner names, forum numbers, comments, newsletter, deal signals
and the latest dated activity. Pure readers over a page's shared `Doc`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.doc import Doc
from prospector.extract.dom import fold
from prospector.extract.emails import jsonld_blocks
from prospector.extract.needles import GatedRegex
from prospector.models import Community
from prospector.urls import registered_domain

# ------------------------------------------------------------------------ dates


def iso_date(value: str) -> str:
    """'YYYY-MM-DD' of an ISO-8601-ish date or timestamp, '' when there is none."""
    match = P.ISO_DATE_RE.search(value or "")
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if not (P.MIN_YEAR <= year <= P.MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _jsonld_nodes(data: Any, depth: int = 0) -> Iterable[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _jsonld_nodes(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _jsonld_nodes(item, depth + 1)


def is_news(jsonld: list[Any]) -> bool:
    """The page's JSON-LD says it is news reporting or a newsroom's (NEWS_TYPES)."""
    for data in jsonld:
        for node in _jsonld_nodes(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k in P.NEWS_TYPES for k in kinds):
                return True
    return False


def post_evidence(doc: Doc, blog_class: bool) -> bool:
    """Some sign that the page is, or lists, dated posts: blog-post classes, a post's
    publication time or Open Graph type, a date in its URL, comments or author links,
    or 'blog' in its URL."""
    return (
        blog_class
        or any(doc.contains(hint) for hint in P.POST_MARKUP_HINTS)
        or bool(doc.meta("article:published_time"))
        or doc.meta("og:type").lower() == "article"
        or bool(P.DATED_URL_RE.search(doc.url))
        or "blog" in doc.url.lower()
    )


def page_dates(doc: Doc, jsonld: list[Any]) -> list[str]:
    """Every activity date on the page: <time datetime>, article:published/modified
    metadata, JSON-LD datePublished/dateModified/dateCreated."""
    dates = [iso_date(str(el.get("datetime") or "")) for el in doc.times]
    for el in doc.metas:
        key = str(el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in P.DATE_META_KEYS:
            dates.append(iso_date(str(el.get("content") or "")))
    for data in jsonld:
        for node in _jsonld_nodes(data):
            for key in ("datePublished", "dateModified", "dateCreated"):
                value = node.get(key)
                if isinstance(value, str):
                    dates.append(iso_date(value))
    return [d for d in dates if d]


# ------------------------------------------------------------------------ names


def _clean_name(value: str) -> str:
    name = fold(P.BYLINE_PREFIX_RE.sub("", fold(value))).strip(" ,;:|-")
    if not (2 < len(name) <= P.MAX_NAME_CHARS) or "@" in name or "://" in name:
        return ""
    if name.lower() in P.NOT_NAMES or not any(c.isalpha() for c in name):
        return ""
    if len(name.split()) > 5:
        return ""  # a sentence, not a name
    return name


def _author_names(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            yield name
    elif isinstance(value, list):
        for item in value[:5]:
            yield from _author_names(item)


def find_names(doc: Doc, jsonld: list[Any]) -> tuple[str, ...]:
    """Owner or author names: meta author, JSON-LD author/Person, rel=author links and
    byline elements; deduplicated case-insensitively, in that order."""
    found: list[str] = []
    for el in doc.metas:
        key = str(el.get("name") or el.get("property") or "").lower()
        if key in P.AUTHOR_META_KEYS:
            found.append(str(el.get("content") or ""))
    for data in jsonld:
        for node in _jsonld_nodes(data):
            if "author" in node:
                found.extend(_author_names(node["author"]))
            kind = node.get("@type")
            if kind == "Person" or (isinstance(kind, list) and "Person" in kind):
                found.extend(_author_names(node))
    for el, _ in doc.anchors:
        rel = el.get("rel")
        if rel is not None and "author" in str(rel).lower().split():
            found.append("".join(el.itertext()))
    bylines = [el for el in doc.attrs().bylines if not _byline_container(el)]
    for el in bylines[: P.MAX_BYLINES]:
        found.append("".join(el.itertext()))
    out: list[str] = []
    seen: set[str] = set()
    for raw in found:
        name = _clean_name(raw)
        if name and name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return tuple(out[: P.MAX_NAMES])


def _byline_container(el: etree._Element) -> bool:
    """A body, article or paragraph-holding div: a whole post, not a byline."""
    tag = el.tag
    if tag == "body" or tag == "article":
        return True
    return tag == "div" and next(el.iter("p"), None) is not None

# -------------------------------------------------------------------- community


def _number(text: str) -> int | None:
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits and len(digits) <= 10 else None


# Words each group of forum-number regexes cannot match without (checked on the
# lower-cased text first: the regexes have no literal prefix and scan slowly).
_MEMBERS_KEYS = ("members", "mitglieder", "membres", "miembros", "users")
_TOPICS_KEYS = ("topics", "threads", "themen", "discussions")
_POSTS_KEYS = ("posts", "messages", "beiträge")
_ONLINE_KEYS = ("online",)


def _first(regexes: tuple[re.Pattern[str], ...], text: str, lower: str = "",
           keys: tuple[str, ...] = ()) -> int | None:
    if keys and not any(k in lower for k in keys):
        return None
    for regex in regexes:
        match = _board_total(regex, text) if regex in P.PER_POSTER_RES else \
            regex.search(text)
        if match:
            value = _number(match.group(1))
            if value is not None:
                return value
    return None


# Each per-poster form with its 'total' made required: the board's own statement.
_TOTAL_RES = {
    regex: re.compile(regex.pattern.replace(r"\b(?:total\s+)?", r"\btotal\s+", 1), regex.flags)
    for regex in P.PER_POSTER_RES
}
assert all(total.pattern != regex.pattern for regex, total in _TOTAL_RES.items())


def _board_total(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The match of a 'Label: number' form that states a board total: the only one on
    the page, else the first that says 'total' (see PER_POSTER_RES)."""
    first = regex.search(text)
    if first is None or regex.search(text, first.end()) is None:
        return first
    return _TOTAL_RES[regex].search(text)


def find_community(doc: Doc, text: str, dates: list[str]) -> Community:
    """Forum numbers as the board index or footer states them."""
    text_lower = text.lower()
    registration: bool | None = None
    if any(doc.contains(m) for m in P.REGISTRATION_CLOSED_MARKERS):
        registration = False
    elif any(doc.contains(m) for m in P.REGISTRATION_OPEN_MARKERS):
        registration = True
    return Community(
        members=_first(P.MEMBERS_RES, text, text_lower, _MEMBERS_KEYS),
        topics=_first(P.TOPICS_RES, text, text_lower, _TOPICS_KEYS),
        posts=_first(P.POSTS_RES, text, text_lower, _POSTS_KEYS),
        online=_first(P.ONLINE_RES, text, text_lower, _ONLINE_KEYS),
        registration_open=registration,
        last_post=max(dates) if dates else "",
    )


def find_comments(text: str, jsonld: list[Any]) -> int | None:
    """Comments on a blog post: JSON-LD commentCount, else the '12 comments' heading."""
    for data in jsonld:
        for node in _jsonld_nodes(data):
            value = node.get("commentCount")
            if isinstance(value, int | str) and str(value).isdigit():
                return int(value)
    match = P.COMMENTS_RE.search(text)
    return _number(match.group(1)) if match else None


# ------------------------------------------------------------- newsletter, deals


def find_newsletter(doc: Doc, text_lower: str) -> str:
    """Newsletter provider the page embeds or links, 'form' for a plain sign-up form
    (a form with an email field near newsletter/subscribe words), '' for none."""
    for provider, markers in P.NEWSLETTER_PROVIDERS:
        if any(doc.contains(m) for m in markers):
            return provider
    for form in doc.forms:
        marks = " ".join(str(form.get(a, "")) for a in ("id", "class", "action", "name"))
        inputs = [" ".join(str(i.get(a, "")) for a in ("type", "name", "id"))
                  for i in form.iter("input")]
        has_email = any("email" in i.lower() for i in inputs)
        if has_email and len(inputs) <= 6 and (
            P.NEWSLETTER_WORD_RE.search(marks)
            or P.NEWSLETTER_WORD_RE.search(fold(" ".join(form.itertext()))[:300])
        ):
            return "form"
    if any(k in text_lower for k in P.NEWSLETTER_TEXT_KEYS) and \
            P.NEWSLETTER_TEXT_RE.search(text_lower):
        return "form"
    return ""


_DEAL_ANY = GatedRegex(P.DEAL_ANY_RE, P.DEAL_ANY_LITERALS)


def find_signals(doc: Doc, platform: str, text_lower: str) -> tuple[str, ...]:
    """Deal signals: same-site links (by URL or anchor) and statements naming an
    advertise, sponsor, affiliate, partners, write-for-us, shop or e-book offer."""
    found: set[str] = set()
    if platform in P.SHOP_PLATFORMS:
        found.add("shop")
    site = registered_domain(doc.url)
    deal_paths: dict[str, str] = {}  # target -> its path when it names a deal, else ''
    deal_anchors: dict[str, bool] = {}  # a menu repeats the same labels
    for el, href in doc.anchors:
        target, domain = doc.target(href)
        if not target or domain != site:
            continue
        path = deal_paths.get(target)
        if path is None:
            path = target.split("://", 1)[-1].partition("/")[2].lower()
            path = deal_paths[target] = path if _DEAL_ANY.search(path) else ""
        # Menu entries carry their label as direct text; the cheap read is enough.
        anchor = (el.text or "").strip().lower()
        anchor = anchor if len(anchor) <= P.MAX_CONTACT_ANCHOR else ""
        if not path:
            deal = deal_anchors.get(anchor)
            if deal is None:
                deal = deal_anchors[anchor] = bool(anchor and _DEAL_ANY.search(anchor))
            if not deal:
                continue
        if not path:  # no deal in the path: only the anchor can name one
            path = target.split("://", 1)[-1].partition("/")[2].lower()
        for signal, regex in P.DEAL_RULES:
            if signal not in found and (regex.search(path) or regex.search(anchor)):
                found.add(signal)
    for signal, regex in P.DEAL_TEXT_RULES:
        keys = P.DEAL_TEXT_KEYS[signal]
        if signal not in found and any(k in text_lower for k in keys) \
                and regex.search(text_lower):
            found.add(signal)
    return tuple(s for s in P.DEAL_SIGNALS if s in found)


def jsonld_data(doc: Doc) -> list[Any]:
    """Parsed JSON-LD blocks of the page (broken ones skipped)."""
    return [data for _, data in jsonld_blocks(doc.scripts) if data is not None]
