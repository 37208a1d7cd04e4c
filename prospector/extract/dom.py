"""Decoding, parsing and small tree helpers shared by the extraction modules."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from lxml import etree

from prospector.urls import canonicalize, is_http_url

# Pages are truncated to this size before parsing: enough for any real page, and it
# bounds the time one pathological response can take.
MAX_BODY_BYTES = 8_000_000

_CT_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([a-z0-9_.:-]+)", re.IGNORECASE)
# Searched in the lower-cased head of the page (the literal '<meta' then lets the regex
# engine skip ahead; the codec name is lower-cased before lookup anyway).
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# '<html ... />' (seen on real XHTML-ish pages) makes libxml2 close the document at once
# and drop everything after it; the slash is removed from these structural tags.
_SELF_CLOSED_ROOT_RE = re.compile(r"<((?:html|head|body)\b[^<>]*?)\s*/>", re.IGNORECASE)

def fold(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    # str.split() splits on the same (Unicode) whitespace as '\s' and is several
    # times faster than a regex substitution on the many short strings of a page.
    return " ".join(text.split())


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
    meta = _META_CHARSET_RE.search(raw[:8192].lower())
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
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


def parse_html(text: str) -> etree._Element | None:
    """Parse markup with lxml's forgiving HTML parser; None when nothing parses."""
    text = _XML_DECL_RE.sub("", text, count=1).replace("\x00", "")
    head = text[:4096]
    if "/>" in head:
        text = _SELF_CLOSED_ROOT_RE.sub(r"<\1>", head) + text[4096:]
    if not text or text.isspace():  # (no copy of the page, unlike strip())
        return None
    # Plain etree elements (not lxml.html's HtmlElement): no per-element class lookup,
    # which costs about a tenth of the extraction time on big pages.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, recover=True,
        huge_tree=True, default_doctype=False,
    )
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


def base_url(tree: etree._Element | None, url: str) -> str:
    """The URL relative links resolve against: <base href> when valid, else `url`.
    `tree` may be the document or its first <base> element itself."""
    if tree is not None:
        hrefs = [tree.get("href")] if tree.tag == "base" else tree.xpath("//base/@href")
        for href in [h for h in hrefs if h is not None][:1]:
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


# An absolute http(s) URL simple enough to canonicalize without urllib: ASCII host, no
# port, no user info, no whitespace or control characters anywhere. Anything else takes
# the general (urllib) path, which gives the same result more slowly.
_SIMPLE_ABS_RE = re.compile(
    r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(/[^\x00-\x20\x7f?#]*)?(\?[^\x00-\x20\x7f#]*)?"
    r"(#[^\x00-\x20\x7f]*)?",
    re.IGNORECASE,
)
# A root-relative href that urljoin would copy verbatim: no '//', no dot segments.
_SIMPLE_REL_RE = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
# A path-relative href ('page.html', 'forum/t-1?x=2') that urljoin appends to the base
# directory verbatim: no scheme (no ':'), no dot segments, no backslash.
_SIMPLE_PATH_RE = re.compile(r"[a-z0-9_~!$&'()*+,;=@%-][^\x00-\x20\x7f\\:]*", re.IGNORECASE)


def fast_canonical(url: str) -> str:
    """`prospector.urls.canonicalize` for the common simple absolute http(s) URL, ''
    when `url` is not of that simple shape (the caller then takes the slow path)."""
    match = _SIMPLE_ABS_RE.fullmatch(url)
    if match is None:
        return ""
    scheme, host, path, query, _ = match.groups()
    query = query if query and len(query) > 1 else ""
    return f"{scheme.lower()}://{host.lower()}{path or '/'}{query}"


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
    return bool(_SIMPLE_ABS_RE.fullmatch(base))


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
# the title finder handles it; <textarea> holds sample input). <noscript> is kept for
# addresses (the readable fallback of JS-obfuscated ones) but not for visible text.
EMAIL_SKIP_TAGS = ("script", "style", "template", "textarea", "title")
_EMAIL_SKIP = frozenset(EMAIL_SKIP_TAGS)
_VISIBLE_SKIP = frozenset({"script", "style", "template", "noscript", "textarea", "title"})
# Deeper than this the walk stops recursing and takes the subtree's text whole:
# pathological nesting must not hit Python's recursion limit.
_MAX_DEPTH = 400


def _collect(el: etree._Element, email: list[str], visible: list[str],
             in_body: bool, depth: int) -> None:
    text = el.text
    if text:
        email.append(text)
        if in_body:
            visible.append(text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _EMAIL_SKIP:
            vis = (in_body or tag == "body") and tag not in _VISIBLE_SKIP
            if depth < _MAX_DEPTH:
                _collect(child, email, visible, vis, depth + 1)
            else:
                inner = "".join(child.itertext())
                email.append(inner)
                if vis:
                    visible.append(inner)
        tail = child.tail
        if tail:
            email.append(tail)
            if in_body:
                visible.append(tail)


def text_nodes(tree: etree._Element) -> tuple[list[str], list[str]]:
    """(text nodes for address scanning, text nodes a reader sees in the body), in
    document order, from one walk of the tree."""
    email: list[str] = []
    visible: list[str] = []
    _collect(tree, email, visible, tree.tag == "body", 0)
    return email, visible


def join_email_text(nodes: list[str]) -> str:
    """Node boundaries become newlines, so that table cells and paragraphs never merge
    into one token and the spaced ' at '/' dot ' disguise cannot span two of them;
    except around an '@' (or before a leading '.') split off by markup, as in
    'info<span>@</span>x.de', which is glued."""
    # Joined with NUL (parse_html removed every NUL from the markup), glued where an
    # '@' or '.' touches a boundary, the rest made newlines: four C-level passes
    # instead of a Python loop over thousands of nodes.
    text = "\x00".join(nodes)
    if "\x00" in text:
        text = text.replace("@\x00", "@").replace("\x00@", "@").replace("\x00.", ".")
        text = text.replace("\x00", "\n")
    return text


def join_visible_text(nodes: list[str], limit: int) -> str:
    """Whitespace-folded text, capped at `limit` characters."""
    if sum(map(len, nodes)) <= limit * 2:
        # Nothing to cut before folding: whitespace-only nodes only add whitespace,
        # which folding collapses, so one C-level join gives the same text.
        return fold(" ".join(nodes))[:limit]
    parts: list[str] = []
    size = 0
    for chunk in nodes:
        if chunk.isspace():
            continue
        parts.append(chunk)
        size += len(chunk)
        if size > limit * 2:
            break
    return fold(" ".join(parts))[:limit]


def email_text(tree: etree._Element) -> str:
    """Text of the document for address scanning (see `join_email_text`)."""
    return join_email_text(text_nodes(tree)[0])


def visible_text(tree: etree._Element, limit: int) -> str:
    """Whitespace-folded text a reader sees, capped at `limit` characters."""
    return join_visible_text(text_nodes(tree)[1], limit)


def ancestors_have(element: etree._Element, tags: frozenset[str]) -> bool:
    """True when `element` or one of its ancestors has one of `tags`."""
    node: etree._Element | None = element
    while node is not None:
        if isinstance(node.tag, str) and node.tag.lower() in tags:
            return True
        node = node.getparent()
    return False
