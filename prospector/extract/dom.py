"""Decoding, parsing and small tree helpers shared by the extraction modules."""

from __future__ import annotations

import codecs
import re
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from prospector.urls import canonicalize, is_http_url

# Pages are truncated to this size before parsing: enough for any real page, and it
# bounds the time one pathological response can take.
MAX_BODY_BYTES = 8_000_000

_WS_RE = re.compile(r"\s+")
_CT_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([a-z0-9_.:-]+)", re.IGNORECASE)
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE
)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# '<html ... />' (seen on real XHTML-ish pages) makes libxml2 close the document at once
# and drop everything after it; the slash is removed from these structural tags.
_SELF_CLOSED_ROOT_RE = re.compile(r"<((?:html|head|body)\b[^<>]*?)\s*/>", re.IGNORECASE)

# Elements whose text is never shown to a reader.
HIDDEN_TAGS = ("script", "style", "template", "noscript", "head", "title")

# Text nodes outside scripts, styles and templates (noscript kept: sites put the
# readable fallback of a JS-obfuscated address there). Plain strings, not lxml "smart"
# strings: they are several times cheaper and no caller needs the parent.
EMAIL_TEXT_XPATH = etree.XPath(
    "//text()[not(ancestor::script or ancestor::style or ancestor::template"
    " or ancestor::textarea or ancestor::title)]",
    smart_strings=False,
)
VISIBLE_TEXT_XPATH = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::template"
    " or ancestor::noscript)]",
    smart_strings=False,
)


def fold(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WS_RE.sub(" ", text).strip()


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except (LookupError, ValueError):
        return None


def decode_body(body: bytes | str, content_type: str = "") -> str:
    """Decode a response body: HTTP charset, then BOM / <meta charset>, then UTF-8.

    Never raises; undecodable bytes become U+FFFD.
    """
    if isinstance(body, str):
        return body
    raw = bytes(body[:MAX_BODY_BYTES])
    candidates: list[str] = []
    match = _CT_CHARSET_RE.search(content_type or "")
    if match:
        candidates.append(match.group(1))
    if raw.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append("utf-16")
    meta = _META_CHARSET_RE.search(raw[:8192])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        if codec in ("ascii", "latin-1", "iso8859-1"):
            codec = "cp1252"  # what browsers do for these labels
        try:
            return raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            try:
                return raw.decode(codec, "replace")
            except (LookupError, ValueError):
                continue
    return raw.decode("utf-8", "replace")


def parse_html(text: str) -> etree._Element | None:
    """Parse markup with lxml's forgiving HTML parser; None when nothing parses."""
    text = _XML_DECL_RE.sub("", text, count=1).replace("\x00", "")
    head = text[:4096]
    if "/>" in head:
        text = _SELF_CLOSED_ROOT_RE.sub(r"<\1>", head) + text[4096:]
    if not text.strip():
        return None
    parser = html.HTMLParser(
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
    """The URL relative links resolve against: <base href> when valid, else `url`."""
    if tree is not None:
        for href in tree.xpath("//base/@href")[:1]:
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


def email_text(tree: etree._Element) -> str:
    """Text of the document for address scanning. Node boundaries become newlines, so
    that table cells and paragraphs never merge into one token and the spaced
    ' at '/' dot ' disguise cannot span two of them; except around an '@' (or before a
    leading '.') split off by markup, as in 'info<span>@</span>x.de', which is glued."""
    parts: list[str] = []
    for node in EMAIL_TEXT_XPATH(tree):
        chunk = str(node)
        if parts and not (parts[-1].endswith("@") or chunk.startswith(("@", "."))):
            parts.append("\n")
        parts.append(chunk)
    return "".join(parts)


def visible_text(tree: etree._Element, limit: int) -> str:
    """Whitespace-folded text a reader sees, capped at `limit` characters."""
    parts: list[str] = []
    size = 0
    for node in VISIBLE_TEXT_XPATH(tree):
        chunk = str(node)
        if not chunk.strip():
            continue
        parts.append(chunk)
        size += len(chunk)
        if size > limit * 2:
            break
    return fold(" ".join(parts))[:limit]


def ancestors_have(element: etree._Element, tags: frozenset[str]) -> bool:
    """True when `element` or one of its ancestors has one of `tags`."""
    node: etree._Element | None = element
    while node is not None:
        if isinstance(node.tag, str) and node.tag.lower() in tags:
            return True
        node = node.getparent()
    return False
