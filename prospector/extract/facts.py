"""Site facts of one page: owner names, forum numbers, comments, newsletter, deal signals
and the latest dated activity. Pure readers over a page's shared `Doc`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import ahocorasick_rs

from prospector.extract.doc import Doc
from prospector.extract.dom import Node, deep_text, fold
from prospector.extract.hubs import holding_in, holding_lowered
from prospector.extract.needles import PAGE_NEEDLES, GatedRegex, TextWindows
from prospector.extract.vocab.dates import DATE_META_KEYS, ISO_DATE_RE, MAX_YEAR, MIN_YEAR
from prospector.extract.vocab.deals import (
    DEAL_ANY_LITERALS,
    DEAL_ANY_RE,
    DEAL_RULES,
    DEAL_SIGNALS,
    DEAL_TEXT_KEYS,
    DEAL_TEXT_REACH,
    DEAL_TEXT_RULES,
)
from prospector.extract.vocab.forums import (
    COMMENTS_KEYS,
    COMMENTS_RE,
    COMMENTS_REACH,
    MEMBERS_RES,
    ONLINE_RES,
    PER_POSTER_RES,
    POSTS_RES,
    REGISTRATION_CLOSED_MARKERS,
    REGISTRATION_OPEN_MARKERS,
    TOPICS_RES,
)
from prospector.extract.vocab.links import MAX_CONTACT_ANCHOR
from prospector.extract.vocab.names import (
    AUTHOR_META_KEYS,
    BYLINE_PREFIX_RE,
    MAX_BYLINES,
    MAX_NAME_CHARS,
    MAX_NAMES,
    NOT_NAMES,
)
from prospector.extract.vocab.newsletters import (
    NEWSLETTER_PROVIDERS,
    NEWSLETTER_REACH,
    NEWSLETTER_TEXT_KEYS,
    NEWSLETTER_TEXT_RE,
    NEWSLETTER_WORD_RE,
)
from prospector.extract.vocab.platforms import SHOP_PLATFORMS
from prospector.models import Community
from prospector.urls import registered_domain

# ------------------------------------------------------------------------ dates


def iso_date(value: str) -> str:
    """'YYYY-MM-DD' of an ISO-8601-ish date or timestamp, '' when there is none."""
    match = ISO_DATE_RE.search(value or "")
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31):
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


def page_dates(doc: Doc, jsonld: list[Any]) -> list[str]:
    """Every activity date on the page: <time datetime>, article:published/modified
    metadata, JSON-LD datePublished/dateModified/dateCreated."""
    dates = [iso_date(el.attrs.get("datetime") or "") for el in doc.times]
    for el in doc.metas:
        attrs = el.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "") \
            .lower()
        if key in DATE_META_KEYS:
            dates.append(iso_date(attrs.get("content") or ""))
    for data in jsonld:
        for node in _jsonld_nodes(data):
            for key in ("datePublished", "dateModified", "dateCreated"):
                value = node.get(key)
                if isinstance(value, str):
                    dates.append(iso_date(value))
    return [d for d in dates if d]


# ------------------------------------------------------------------------ names


def _clean_name(value: str) -> str:
    name = fold(BYLINE_PREFIX_RE.sub("", fold(value))).strip(" ,;:|-")
    if not (2 < len(name) <= MAX_NAME_CHARS) or "@" in name or "://" in name:
        return ""
    if name.lower() in NOT_NAMES or not any(c.isalpha() for c in name):
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
        attrs = el.attributes
        key = (attrs.get("name") or attrs.get("property") or "").lower()
        if key in AUTHOR_META_KEYS:
            found.append(attrs.get("content") or "")
    for data in jsonld:
        for node in _jsonld_nodes(data):
            if "author" in node:
                found.extend(_author_names(node["author"]))
            kind = node.get("@type")
            if kind == "Person" or (isinstance(kind, list) and "Person" in kind):
                found.extend(_author_names(node))
    marked = doc.marked()
    found.extend(deep_text(el) for el in marked.rel_author)
    bylines = [el for el in marked.bylines if not _byline_container(el)]
    for el in bylines[: MAX_BYLINES]:
        found.append(deep_text(el))
    out: list[str] = []
    seen: set[str] = set()
    for raw in found:
        name = _clean_name(raw)
        if name and name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return tuple(out[: MAX_NAMES])


def _byline_container(el: Node) -> bool:
    """A body, article or paragraph-holding div: a whole post, not a byline."""
    tag = el.tag
    if tag == "body" or tag == "article":
        return True
    return tag == "div" and el.css_first("p") is not None

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


# Characters either side of a keyword a forum-number match can reach: a label, a
# number and the words between them ('Total registered members: 12,345').
FORUM_REACH = 150


def _first(regexes: tuple[re.Pattern[str], ...], text: str, lower: str,
           keys: tuple[str, ...]) -> int | None:
    """The first number one of `regexes` reads in the (folded) `text`; `lower` is it
    lower-cased, `keys` the words every match of the group holds."""
    if not any(k in lower for k in keys):
        return None
    windows = TextWindows(text, lower, keys, FORUM_REACH)
    for regex in regexes:
        match = _board_total(regex, windows) if regex in PER_POSTER_RES else \
            windows.search(regex)
        if match:
            value = _number(match.group(1))
            if value is not None:
                return value
    return None


# Each per-poster form with its 'total' made required: the board's own statement.
_TOTAL_RES = {
    regex: re.compile(regex.pattern.replace(r"\b(?:total\s+)?", r"\btotal\s+", 1), regex.flags)
    for regex in PER_POSTER_RES
}
assert all(total.pattern != regex.pattern for regex, total in _TOTAL_RES.items())


def _board_total(regex: re.Pattern[str], windows: TextWindows) -> re.Match[str] | None:
    """The match of a 'Label: number' form that states a board total: the only one on
    the page, else the first that says 'total' (see PER_POSTER_RES)."""
    first = windows.search(regex)
    if first is None or windows.search(regex, first.end()) is None:
        return first
    return windows.search(_TOTAL_RES[regex])


def find_community(doc: Doc, text: str, dates: list[str],
                   text_lower: str | None = None) -> Community:
    """Forum numbers as the board index or footer states them. `text_lower` is `text`
    lower-cased when the caller has it."""
    text_lower = text.lower() if text_lower is None else text_lower
    registration: bool | None = None
    if doc.holds_any(REGISTRATION_CLOSED_MARKERS):
        registration = False
    elif doc.holds_any(REGISTRATION_OPEN_MARKERS):
        registration = True
    return Community(
        members=_first(MEMBERS_RES, text, text_lower, _MEMBERS_KEYS),
        topics=_first(TOPICS_RES, text, text_lower, _TOPICS_KEYS),
        posts=_first(POSTS_RES, text, text_lower, _POSTS_KEYS),
        online=_first(ONLINE_RES, text, text_lower, _ONLINE_KEYS),
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
    match = TextWindows(text, text.lower(), COMMENTS_KEYS, COMMENTS_REACH) \
        .search(COMMENTS_RE)
    return _number(match.group(1)) if match else None


# ------------------------------------------------------------- newsletter, deals


def find_newsletter(doc: Doc, text_lower: str) -> str:
    """Newsletter provider the page embeds or links, 'form' for a plain sign-up form
    (a form with an email field near newsletter/subscribe words), '' for none."""
    for provider, markers in NEWSLETTER_PROVIDERS:
        if doc.holds_any(markers):
            return provider
    for form in doc.forms:
        inputs = form.css("input")
        # An e-mail field: 'email' in its type, name or id ('email' holds no space, so
        # testing each value is testing them joined).
        if len(inputs) > 6 or not any(
                "email" in (i.attrs.get(a) or "").lower()
                for i in inputs for a in ("type", "name", "id")):
            continue
        attrs = form.attributes
        marks = " ".join(attrs.get(a) or "" for a in ("id", "class", "action", "name"))
        if NEWSLETTER_WORD_RE.search(marks) \
                or NEWSLETTER_WORD_RE.search(fold(form.text(separator=" ") or "")[:300]):
            return "form"
    if TextWindows(text_lower, text_lower, NEWSLETTER_TEXT_KEYS, NEWSLETTER_REACH) \
            .search(NEWSLETTER_TEXT_RE):
        return "form"
    return ""


# (`Doc.holds_any` answers for the literals of the one pass only.)
assert all(literal in PAGE_NEEDLES.needles for group in (
    REGISTRATION_CLOSED_MARKERS, REGISTRATION_OPEN_MARKERS,
    *(markers for _, markers in NEWSLETTER_PROVIDERS)) for literal in group)
_DEAL_ANY = GatedRegex(DEAL_ANY_RE, DEAL_ANY_LITERALS)
_DEAL_WORDS = ahocorasick_rs.AhoCorasick(DEAL_ANY_LITERALS)
# Every key of the text rules, found by one pass (overlapping: each key that occurs).
_TEXT_KEYS = tuple(sorted({key for keys in DEAL_TEXT_KEYS.values() for key in keys}))
_TEXT_WORDS = ahocorasick_rs.AhoCorasick(_TEXT_KEYS)


def _deal_paths(targets: list[str]) -> dict[str, str]:
    """The lower-cased path of each of the (canonical, same-site) `targets` whose path
    names a deal. A path is part of its URL: only the URLs holding a deal literal
    anywhere (found by one pass over them all; most hold none) have theirs cut out."""
    out: dict[str, str] = {}
    for i in sorted(holding_lowered(_DEAL_WORDS, targets)):
        path = targets[i].split("://", 1)[-1].partition("/")[2].lower()
        if _DEAL_WORDS.find_matches_as_indexes(path) and _DEAL_ANY.regex.search(path):
            out[targets[i]] = path
    return out


def _text_signals(text_lower: str) -> Iterable[str]:
    """Deal signals the visible text states (a rule is tried only when one of its
    keys occurs: its windows are empty otherwise)."""
    present = {_TEXT_KEYS[i] for i, _, _ in
               _TEXT_WORDS.find_matches_as_indexes(text_lower, overlapping=True)}
    for signal, regex in DEAL_TEXT_RULES:
        keys = DEAL_TEXT_KEYS[signal]
        if not present.isdisjoint(keys) and TextWindows(
                text_lower, text_lower, keys, DEAL_TEXT_REACH).search(regex):
            yield signal


def find_signals(doc: Doc, platform: str, text_lower: str) -> tuple[str, ...]:
    """Deal signals: same-site links (by URL or anchor) and statements naming an
    advertise, sponsor, affiliate, partners, write-for-us, shop or e-book offer."""
    found: set[str] = set()
    if platform in SHOP_PLATFORMS or platform == "woocommerce":
        found.add("shop")
    site = registered_domain(doc.url)
    same_site = [(el, target) for el, _, target, domain in doc.resolved_anchors()
                 if domain == site and target]
    targets = [target for _, target in same_site]
    # Paths and labels that name no deal (most) are settled by one automaton pass each.
    deal_paths = _deal_paths(list(dict.fromkeys(targets)))
    # Menu entries carry their label as direct text; the cheap read is enough (and
    # all the text inside would take a 'pet shop' article link for a shop).
    labels = [label if len(label := (el.text(deep=False) or "").strip().lower())
              <= MAX_CONTACT_ANCHOR else "" for el, _ in same_site]
    # The links with a deal in their path or their label; no other can give a signal.
    named = holding_in(_DEAL_WORDS, labels)
    if deal_paths:
        named.update(i for i, target in enumerate(targets) if target in deal_paths)
    for i in named:
        target, anchor = targets[i], labels[i]
        path = deal_paths.get(target, "")
        if not path:
            if not _DEAL_ANY.regex.search(anchor):
                continue
            # No deal in the path: only the anchor can name one.
            path = target.split("://", 1)[-1].partition("/")[2].lower()
        for signal, regex in DEAL_RULES:
            if signal not in found and (regex.search(path) or regex.search(anchor)):
                found.add(signal)
    found.update(signal for signal in _text_signals(text_lower) if signal not in found)
    return tuple(s for s in DEAL_SIGNALS if s in found)


def jsonld_data(doc: Doc) -> list[Any]:
    """Parsed JSON-LD blocks of the page (broken ones skipped)."""
    return [data for _, data in doc.jsonld() if data is not None]
