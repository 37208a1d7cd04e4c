"""Decoding, parsing and small tree helpers shared by the extraction modules."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import AnyStr
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from prospector.urls import canonicalize, is_http_url

# A parsed page and one of its nodes.
Tree = LexborHTMLParser
Node = LexborNode

# Pages are truncated to this size before parsing: enough for any real page, and it
# bounds the time one pathological response can take.
MAX_BODY_BYTES = 8_000_000

_CT_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([a-z0-9_.:-]+)", re.IGNORECASE)
# What follows 'charset' in a <meta> of the lower-cased head of the page.
_CHARSET_VALUE_RE = re.compile(rb"\s*=\s*[\"']?\s*([a-z0-9_.:-]+)")


def fold(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    # str.split() splits on the same (Unicode) whitespace as '\s' and is several
    # times faster than a regex substitution on the many short strings of a page.
    return " ".join(text.split())


def meta_charset(head: bytes) -> str:
    """The charset a <meta> of the lower-cased `head` declares, '' for none: the first
    'charset=' inside a '<meta' tag. (Found from each 'charset', of which a page has
    one or two: a regex from each '<meta' scanned every tag to its end and back.)"""
    at = head.find(b"charset")
    while at >= 0:
        tag = head.rfind(b"<", 0, at)
        if tag >= 0 and head.startswith(b"<meta", tag) and at > tag + 5 \
                and b">" not in head[tag:at]:
            value = _CHARSET_VALUE_RE.match(head, at + 7)
            if value:
                return value.group(1).decode("ascii", "replace")
        at = head.find(b"charset", at + 7)
    return ""


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except (LookupError, ValueError):
        return None


def decode_body(body: bytes | str, content_type: str = "") -> str:
    """Decode a response body: HTTP charset, then BOM / <meta charset>, then UTF-8.

    Never raises; undecodable bytes become U+FFFD.
    """
    return decode_body_as(body, content_type)[0]


def decode_body_as(body: bytes | str, content_type: str = "") -> tuple[str, str]:
    """`decode_body`, and the codec it used ('' when `body` was already text)."""
    if isinstance(body, str):
        return body, ""
    raw = bytes(body[:MAX_BODY_BYTES])
    candidates: list[str] = []
    match = _CT_CHARSET_RE.search(content_type or "")
    if match:
        candidates.append(match.group(1))
    if raw.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append("utf-16")
    meta = meta_charset(raw[:8192].lower())
    if meta:
        candidates.append(meta)
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        if codec in ("ascii", "latin-1", "iso8859-1"):
            codec = "cp1252"  # what browsers do for these labels
        try:
            return raw.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            try:
                return raw.decode(codec, "replace"), codec
            except (LookupError, ValueError):
                continue
    if not candidates:
        # Nothing declared: UTF-8 when the bytes are UTF-8, else a guess from the
        # bytes (what browsers do too), else Windows-1252 (the web's usual default).
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            codec = sniff_codec(raw) or "cp1252"
            return raw.decode(codec, "replace"), codec
    return raw.decode("utf-8", "replace"), "utf-8"


# Bytes a guess reads: enough text for a confident guess on real pages, and a bound on
# its cost (≈ 17 ms a page on the corpus's three such pages; only pages with no charset
# that are not UTF-8 pay it).
_SNIFF_BYTES = 32_768


def sniff_codec(raw: bytes) -> str | None:
    """The codec charset-normalizer finds most plausible for `raw`, if any. Short
    pages with little text can be misread (a few words of Shift_JIS look like Arabic
    Windows-1256 to it); a wrong guess only garbles text, never addresses, which are
    ASCII."""
    guess = charset_normalizer.from_bytes(raw[:_SNIFF_BYTES]).best()
    codec = _codec(guess.encoding) if guess is not None else None
    # ('ascii' when the few other bytes are noise: read them as browsers read ASCII.)
    return "cp1252" if codec in ("ascii", "latin-1", "iso8859-1") else codec


@lru_cache(maxsize=256)
def ascii_transparent(codec: str) -> bool:
    """True when `codec` decodes every ASCII byte to the same character and encodes
    every ASCII character to the same byte, and is not a codec whose multi-byte
    sequences can stand for ASCII text (UTF-7). Then an ASCII string found in text
    decoded with it is also in the raw bytes: a byte test can rule it out."""
    if codec in ("utf-7", "utf_7"):
        return False
    if codec in ("utf-8-sig", "utf_8_sig"):
        return True  # UTF-8 after a leading BOM
    try:
        chars = "".join(map(chr, range(128)))
        return chars.encode(codec) == chars.encode("ascii") and all(
            bytes([i]).decode(codec) == chr(i) for i in range(128)
        )
    except (LookupError, ValueError):
        return False


# Without DOM mutation events lexbor skips a callback on every inserted node and
# attribute: the parse 3.21 M → 2.90 M instructions a page (valgrind, every third corpus
# page). They implement the tree's reaction to scripted changes (<selectedcontent>
# copying its <option>); the corpus pages' extraction is identical without them.
_PARSE_OPTIONS = LexborDocumentOptions.WO_EVENTS


def parse_html(text: str, utf8: bytes | None = None, options: int | None = None) -> Tree | None:
    """Parse markup as a browser does (lexbor's HTML5 parser, scripting off, so that
    <noscript> content is markup); None when there is no markup at all. `utf8` is
    `text` as the UTF-8 bytes it was decoded from, when the caller has them: the
    parser reads those without encoding `text` again (≈ 140 µs a page). `options` is
    the number of '<option' (any case) in the markup, when the caller has counted them
    (see MAX_SELECT_OPTIONS)."""
    return parse_markup(text, utf8, options)[0]


def parse_markup(text: str, utf8: bytes | None = None,
                 options: int | None = None) -> tuple[Tree | None, bool]:
    """`parse_html`, and whether the markup was edited before the parse where the edit
    can join two pieces into a tag name ('<ti\\0me>', '<ti<!---->me>'): NULs or
    inline comments removed. Otherwise every element of the tree comes from a start
    tag the markup spells (see `Doc.bucket_query`)."""
    if not text or text.isspace():  # (no copy of the page, unlike strip())
        return None, False
    if options is None:
        options = text.lower().count("<option")
    many_options = options > MAX_SELECT_OPTIONS
    if utf8 is not None:
        # The same edits as below, on the bytes.
        edited = utf8
        if b"\x00" in edited:
            edited = edited.replace(b"\x00", b"")
        if b"<!--" in edited:
            edited = drop_inline_comments(edited, _INLINE_COMMENT_BYTES_RE, b"<!--",
                                          b" \t\r\n<>", _MAX_COMMENT_CHARS)
        joined = edited is not utf8
        if many_options:
            edited = _SELECT_TAG_BYTES_RE.sub(rb"<\1datalist", edited)
        return LexborHTMLParser(edited, options=_PARSE_OPTIONS), joined
    # NUL never reaches a reader: `join_email_text` uses it as its node separator.
    markup = text
    if "\x00" in markup:
        markup = markup.replace("\x00", "")
    if "<!--" in markup:
        markup = drop_inline_comments(markup, _INLINE_COMMENT_RE, "<!--", " \t\r\n<>")
    joined = markup is not text
    if many_options:
        markup = _SELECT_TAG_RE.sub(r"<\1datalist", markup)
    return LexborHTMLParser(markup, options=_PARSE_OPTIONS), joined


# lexbor builds a <select> in time worse than quadratic in its options (selectolax issue
# #221): in extract_page, 10,000 options took 0.76 s CPU, 32,000 took 23 s and 100,000
# took 542 s here, and an 8 MB hostile page holds a million. Past this many options on
# a page, its <select> elements are parsed as <datalist> elements, whose options are
# built as any element's children: the same option elements, attributes and text (what
# the readers take from a form's options), in linear time. (No reader queries <select>.)
MAX_SELECT_OPTIONS = 256
_SELECT_TAG_RE = re.compile(r"<(/?)select(?=[\s/>])", re.IGNORECASE)
_SELECT_TAG_BYTES_RE = re.compile(rb"<(/?)select(?=[\s/>])", re.IGNORECASE)


# Elements whose content is raw text up to their end tag. Pages saved through an XML
# serializer write them self-closed when empty ('<textarea name=m/>', '<script src=x/>',
# '<iframe .../>' in a <noscript>): an HTML5 parser ignores the slash, and the markup
# after it becomes the element's text, up to the next end tag of its kind.
RAW_TEXT_TAGS = ("script", "style", "textarea", "title", "iframe", "noembed", "noframes",
                 "xmp")
# Comments inside a run of text (React's '1<!-- -->2'): a parsed comment node would split
# the text in two nodes, and node boundaries separate words (see `join_email_text`).
_INLINE_COMMENT_RE = re.compile(r"<!--[^<>]{0,64}?-->")


def swallowed_markup(tag: str, text: str) -> bool:
    """True when the text of a `tag` raw-text element may hold markup it swallowed
    (see RAW_TEXT_TAGS): a script's holds the next '<script' (in the usual cases: a
    script's text is often long, and lower-casing it a copy), any other's a '<'."""
    if "<" not in text:
        return False
    return tag != "script" or "<script" in text or "<SCRIPT" in text or "<Script" in text


@lru_cache(maxsize=64)
def _self_closed_re(tags: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"<(" + "|".join(sorted(tags)) + r")(\s[^<>]*)?/>", re.IGNORECASE)


def close_self_closed(text: str, tags: frozenset[str] = frozenset(RAW_TEXT_TAGS)) -> str:
    """`text` with every self-closed element of `tags` (raw-text elements) closed
    where it was written."""
    return _self_closed_re(tags).sub(r"<\1\2></\1>", text)


# _INLINE_COMMENT_RE on UTF-8 bytes: 64 characters are at most 256 bytes, and a longer
# comment is left as the text version leaves it.
_INLINE_COMMENT_BYTES_RE = re.compile(rb"<!--[^<>]{0,256}?-->")
_MAX_COMMENT_CHARS = 64


def drop_inline_comments(data: AnyStr, comment: re.Pattern[AnyStr], opener: AnyStr,
                         edges: AnyStr, max_chars: int = 0) -> AnyStr:
    """`data` without the comments `comment` matches (from an `opener`, '<!--') that
    sit inside a run of text: no character of `edges` (whitespace and tag brackets)
    right before and right after them, and, when `max_chars` is set, at most that many
    characters inside (bytes decoded as UTF-8). Found from each opener by `find` (a
    page has a few dozen, most between tags): a substitution calling back into Python
    for each cost ≈ 65 µs a page. No opener can start inside a match (its body holds
    no '<'), so this removes what `comment.sub` with the same test would."""
    pieces: list[AnyStr] = []
    last = 0
    at = data.find(opener)
    while at >= 0:
        # (A slice, empty at either end of `data`: an empty string is "in" any other.)
        if data[at - 1:at] not in edges:
            match = comment.match(data, at)
            if match is not None and data[match.end():match.end() + 1] not in edges \
                    and (not max_chars or _chars(match.group(0)[4:-3]) <= max_chars):
                pieces.append(data[last:at])
                last = match.end()
        at = data.find(opener, at + 1)
    if not pieces:
        return data
    pieces.append(data[last:])
    return data[:0].join(pieces)


def _chars(text: str | bytes) -> int:
    return len(text.decode("utf-8", "replace") if isinstance(text, bytes) else text)


def base_url(base: Node | None, url: str) -> str:
    """The URL relative links resolve against: the first <base href> when valid, else
    `url`."""
    if base is not None:
        href = base.attrs.get("href")
        if href is not None:
            resolved = safe_urljoin(url, str(href).strip())
            if resolved and is_http_url(resolved):
                return resolved
    return url


def safe_urljoin(base: str, href: str) -> str:
    """urljoin that returns '' instead of raising on malformed input."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return ""


# An absolute http(s) URL simple enough to canonicalize without urllib (see
# `fast_canonical`): ASCII host, no port, no user info, no whitespace or control
# characters anywhere. Anything else takes the general (urllib) path, which gives the
# same result more slowly.
# A host `fast_canonical` takes as is (lower-cased): ASCII labels, no port, no user.
_SIMPLE_HOST_RE = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*", re.IGNORECASE)
# What no simple URL holds anywhere: controls and spaces.
_UNSAFE_RE = re.compile(r"[\x00-\x20\x7f]")
# A root-relative href that urljoin would copy verbatim: no '//', no dot segments.
_SIMPLE_REL_RE = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
# A path-relative href ('page.html', 'forum/t-1?x=2') that urljoin appends to the base
# directory verbatim: no scheme (no ':'), no dot segments, no backslash.
_SIMPLE_PATH_RE = re.compile(r"[a-z0-9_~!$&'()*+,;=@%-][^\x00-\x20\x7f\\:]*", re.IGNORECASE)


# An absolute URL that `canonicalize` returns as is: lower-case http(s) scheme and
# plain host, a path, no fragment, no empty query, no space or control character.
is_canonical_url = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*/[^\x00-\x20\x7f#?]*(?:\?[^\x00-\x20\x7f#]+)?"
).fullmatch


def is_plain_root_path(href: str) -> bool:
    """True for a root-relative href that urljoin appends to the origin as is and
    `canonicalize` then keeps: no '//' start, no dot segment, no backslash, no fragment,
    no empty query."""
    return bool(_PLAIN_ROOT_PATH_RE.fullmatch(href)) and "/." not in href


_PLAIN_ROOT_PATH_RE = re.compile(r"/(?![/\\])[^\x00-\x20\x7f#?\\]*(?:\?[^\x00-\x20\x7f#\\]+)?")


def fast_canonical(url: str) -> str:
    """`prospector.urls.canonicalize` for the common simple absolute http(s) URL, ''
    when `url` is not of that simple shape (the caller then takes the slow path).
    (String operations and two small regexes: one regex over the whole URL with five
    groups took twice as long, and most of a page's links are absolute.)"""
    if is_canonical_url(url):
        return url
    head = url[:8].lower()
    if head[:7] == "http://":
        scheme, rest = "http", url[7:]
    elif head == "https://":
        scheme, rest = "https", url[8:]
    else:
        return ""
    end = len(rest)
    for mark in "/?#":
        at = rest.find(mark, 0, end)
        if at >= 0:
            end = at
    host = rest[:end]
    tail = rest[end:]
    if not _SIMPLE_HOST_RE.fullmatch(host) or _UNSAFE_RE.search(tail):
        return ""
    path, _, query = tail.split("#", 1)[0].partition("?")
    return f"{scheme}://{host.lower()}{path or '/'}{'?' + query if query else ''}"


def origin(url: str) -> str:
    """'scheme://host[:port]' of a canonical absolute URL; '' when it is not one."""
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


def base_directory(base: str) -> str:
    """The base URL up to and including the last '/' of its path ('' if unusable)."""
    if not base_origin_ok(base):
        return ""
    path_end = min((i for i in (base.find("?"), base.find("#")) if i >= 0), default=len(base))
    head = base[:path_end]
    return head[: head.rfind("/") + 1] if head.count("/") >= 3 else ""


def base_origin_ok(base: str) -> bool:
    return bool(fast_canonical(base))


def resolve_http(base: str, href: str, base_origin: str = "", base_dir: str = "") -> str:
    """`absolute_http` with fast paths for absolute, root- and path-relative hrefs.
    `base_origin`/`base_dir` are `origin(base)`/`base_directory(base)` when known."""
    if href[:4].lower() == "http":
        fast = fast_canonical(href)
        if fast:
            return fast
    elif href[:1] == "/":
        if href[:2] == "//":
            # Protocol-relative: urljoin keeps it whole under the base's scheme.
            if base_origin:
                fast = fast_canonical(base_origin[: base_origin.find(":") + 1] + href)
                if fast:
                    return fast
        elif base_origin and _SIMPLE_REL_RE.fullmatch(href) and "/." not in href:
            fast = fast_canonical(base_origin + href)
            if fast:
                return fast
    elif base_dir:
        # './page' resolves as 'page' does (unless the base path has an empty segment,
        # which urljoin drops when it merges a relative path).
        rest = href[2:] if href[:2] == "./" and "//" not in base_dir[
            base_dir.find("://") + 3:] else href
        if rest and _SIMPLE_PATH_RE.fullmatch(rest) and "/." not in rest \
                and "//" not in rest:
            fast = fast_canonical(base_dir + rest)
            if fast:
                return fast
    return absolute_http(base, href)


def absolute_http(base: str, href: str) -> str:
    """Absolute canonical http(s) URL for `href`, or '' when it is not one."""
    href = href.strip()
    if not href.lower().startswith(("http://", "https://")):
        href = safe_urljoin(base, href)
    try:
        parts = urlsplit(href)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return ""
    except ValueError:
        return ""
    return canonicalize(href)


# Elements whose text is neither an address nor read by people (a <title> is read, but
# the title finder handles it; <textarea> holds sample input). They hold no elements in
# an HTML5 tree (their content is raw text; a <template>'s is a separate fragment), so
# removing them leaves every other element of the page in place. <noscript> is kept
# for addresses (the readable fallback of JS-obfuscated ones) but not for visible text.
EMAIL_SKIP_TAGS = ["script", "style", "template", "textarea", "title"]


def remove_elements(elements: list[Node]) -> None:
    """Remove `elements` (EMAIL_SKIP_TAGS ones) and their text from the tree. One that
    holds an element (a <title> or <style> inside SVG, whose content is markup) stays:
    a reader may hold a node inside it."""
    for el in elements:
        child = el.child
        while child is not None and not child.is_element_node:
            child = child.next
        if child is None:
            el.decompose()


def drop_text(elements: list[Node]) -> list[str]:
    """Remove the text inside `elements` (<noscript> ones, whose text a reader with
    scripts on never sees) and return it. Only text nodes go: the elements inside
    (links, metas) stay where readers hold them."""
    nodes = [node for el in elements
             for node in el.traverse(include_text=True) if node.is_text_node]
    texts = [node.text_content or "" for node in nodes]
    for node in nodes:
        node.decompose()
    return texts


def deep_text(node: Node) -> str:
    """All the text inside `node`, concatenated (lxml's ''.join(itertext()))."""
    return node.text(deep=True) or ""


def join_email_text(text: str) -> str:
    """`text` is the page's text nodes joined with NUL (parse_html removed every NUL
    from the markup). Node boundaries become newlines, so that table cells and
    paragraphs never merge into one token and the spaced ' at '/' dot ' disguise
    cannot span two of them; except around an '@' (or before a leading '.') split off
    by markup, as in 'info<span>@</span>x.de', which is glued."""
    # Four C-level passes instead of a Python loop over thousands of nodes (the two
    # around '@' only when the text holds one: half the pages do not).
    if "\x00" in text:
        if "@" in text:
            text = text.replace("@\x00", "@").replace("\x00@", "@")
        text = text.replace("\x00.", ".").replace("\x00", "\n")
    return text


def cap_folded(text: str, limit: int) -> str:
    """`fold(text)[:limit]`, folding only as much of `text` as the cap needs: a folded
    prefix of `text` is a prefix of `fold(text)`, so once it is `limit` long it is
    the answer."""
    size = limit * 2
    while size < len(text):
        folded = fold(text[:size])
        if len(folded) >= limit:
            return folded[:limit]
        size *= 4
    return fold(text)[:limit]


def page_text(tree: Tree) -> str:
    """The text nodes of the document, NUL-joined; call it once `Doc.strip_hidden`
    has removed the raw-text elements and the text of <noscript> elements. What is
    left outside the body is whitespace (an HTML5 parser moves any other text into the
    body), so folded it is the body's text."""
    root = tree.root
    return (root.text(deep=True, separator="\x00") or "") if root is not None else ""


def ancestors_have(element: Node, tags: frozenset[str]) -> bool:
    """True when `element` or one of its ancestors has one of `tags`."""
    node: Node | None = element
    while node is not None and node.is_element_node:
        if node.tag in tags:
            return True
        node = node.parent
    return False
