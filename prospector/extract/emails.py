"""Email addresses on a page, however they are written, minus the junk.

Every function is pure: markup in, frozen `Contact` tuples out.
"""

from __future__ import annotations

import heapq
import html as htmllib
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any
from urllib.parse import unquote

from prospector.extract import patterns as P
from prospector.extract.doc import Doc, make_doc
from prospector.extract.dom import Node, Tree, ancestors_have, deep_text, parse_html
from prospector.extract.needles import occurrences
from prospector.models import Contact
from prospector.urls import has_public_suffix, registered_domain

# How sure we are that an address found this way is meant to be read by people.
CONFIDENCE: dict[str, float] = {
    "mailto": 0.95,
    "jsonld": 0.95,
    "microdata": 0.95,
    "cfemail": 0.95,
    "entity": 0.9,
    "rot13": 0.9,
    "text": 0.9,
    "obfuscated": 0.8,
    "script": 0.6,
}
# Tie-break between methods of equal confidence: the more specific one is reported.
_METHOD_RANK = {m: i for i, m in enumerate(
    ("mailto", "jsonld", "microdata", "cfemail", "entity", "rot13", "obfuscated", "text",
     "script")
)}

_TEMPLATE_TAGS = frozenset({"template"})
_MAX_SCAN_CHARS = 3_000_000


# ------------------------------------------------------------------ predicates


def is_junk_email(address: str) -> bool:
    """True for strings that look like addresses but are not anyone's mailbox:
    asset names, placeholders, reserved domains, hashes, unread system boxes."""
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        return True
    last = domain.rsplit(".", 1)[-1]
    if last in P.ASSET_EXTENSIONS or last in P.PLACEHOLDER_TLDS:
        return True
    if local in P.PLACEHOLDER_LOCALS or local in P.UNREAD_LOCALS:
        return True
    if domain in P.PLACEHOLDER_DOMAINS or any(
        domain.endswith("." + d) for d in P.PLACEHOLDER_DOMAINS
    ):
        return True
    reg = registered_domain(domain)
    if reg.split(".", 1)[0] == "example":  # example.co.uk, example.de, ...
        return True
    if P.HEX_LOCAL_RE.fullmatch(local):
        return True
    return local.count("%") > 0 or "@" in local


def normalize_email(candidate: str) -> str:
    """Lower-cased, validated address, or '' when `candidate` is not a usable one."""
    candidate = candidate.strip().strip(".,;:<>()[]{}\"'").strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    match = P.EMAIL_FULL_RE.fullmatch(candidate)
    if not match:
        return ""
    local, domain = match.group(1), match.group(2).lower().rstrip(".")
    if ".." in local or local.startswith(".") or local.endswith("."):
        return ""
    if len(local) > 64 or len(domain) > 253:
        return ""
    if not has_public_suffix(domain) or not registered_domain(domain):
        return ""
    address = f"{local.lower()}@{domain}"
    return "" if is_junk_email(address) else address


def email_role(address: str) -> str:
    """'role' for function mailboxes (info@, webmaster@, ...), else 'personal'."""
    local = address.split("@", 1)[0].lower().split("+", 1)[0]
    if local in P.ROLE_LOCALS or P.ROLE_PREFIX_RE.match(local):
        return "role"
    return "personal"


def cf_decode(hex_payload: str) -> str:
    """Decode Cloudflare's email obfuscation: first byte is the key, XOR the rest."""
    try:
        data = bytes.fromhex(hex_payload.strip())
    except ValueError:
        return ""
    if len(data) < 2:
        return ""
    key = data[0]
    try:
        return bytes(b ^ key for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return ""


def cf_encode(address: str, key: int = 0x42) -> str:
    """Inverse of `cf_decode` (used by tests and the sample web)."""
    return bytes([key, *(b ^ key for b in address.encode("utf-8"))]).hex()


def parse_mailto(href: str) -> list[str]:
    """Addresses of a mailto: URL: query dropped, percent/entity-decoded, comma lists."""
    href = htmllib.unescape(href.strip())
    if not href.lower().startswith("mailto:"):
        return []
    body = href[7:].split("?", 1)[0]
    body = unquote(body)
    out = []
    for part in re.split(r"[,;]", body):
        address = normalize_email(part)
        if address:
            out.append(address)
    return out


def _in_url(text: str, start: int) -> bool:
    """True when the match at `start` sits inside a token carrying a URL scheme
    (Sentry DSNs 'https://key@o1.ingest.sentry.io/2', 'git+ssh://git@host')."""
    lo = max(0, start - 300)
    prefix = text[lo:start]
    cut = max(prefix.rfind(c) for c in " \t\n\"'<>()")
    token = prefix[cut + 1:]
    return "://" in token or token.startswith("//")


# ------------------------------------------------------------------ finders


def _mailto(doc: Doc) -> Iterator[tuple[str, str]]:
    hrefs = [(el, el.attrs.get("href") or "") for el in doc.link_tags]
    for el, href in [*doc.non_web_anchors(), *hrefs]:
        if href[:12].lstrip()[:7].lower() != "mailto:" or _in_template(el):
            continue
        for address in parse_mailto(href):
            yield address, "mailto"


def _in_template(el: Node) -> bool:
    # (An HTML5 <template>'s content is a fragment of its own, out of the page's
    # queries; a <template> inside SVG or MathML is an ordinary element.)
    return ancestors_have(el, _TEMPLATE_TAGS)


def _cfemail(doc: Doc, raw: str) -> Iterator[tuple[str, str]]:
    if not doc.contains(b"data-cfemail"):
        values: list[Any] = []
    else:
        values = [el.attrs.get("data-cfemail") or ""
                  for el in doc.tree.css("[data-cfemail]")]
    for value in values:
        address = normalize_email(cf_decode(str(value)))
        if address:
            yield address, "cfemail"
    if doc.may_contain("email-protection") and "email-protection" in raw:
        for match in P.CF_PROTECTION_RE.finditer(raw):
            address = normalize_email(cf_decode(match.group(1)))
            if address:
                yield address, "cfemail"


def _walk_json(node: Any, depth: int = 0) -> Iterator[tuple[bool, str]]:
    """(is the value of an "email" key, string) for every string in a JSON graph."""
    if depth > 40:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.lower() == "email":
                if isinstance(value, str):
                    yield True, value
                elif isinstance(value, list):
                    yield from ((True, v) for v in value if isinstance(v, str))
            else:
                yield from _walk_json(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_json(item, depth + 1)
    elif isinstance(node, str) and "@" in node:
        yield False, node


def _jsonld(doc: Doc) -> Iterator[tuple[str, str]]:
    for text, data in doc.jsonld():
        if data is None:
            # Broken JSON-LD is common; fall back to the "email": "..." pairs.
            data = [{"email": v} for v in
                    re.findall(r'"email"\s*:\s*"([^"]{3,200})"', text, re.IGNORECASE)]
        try:
            values = list(_walk_json(data))
        except RecursionError:
            continue
        for is_email, value in values:
            if not is_email:
                # Prose in a description ("write to info@x.de") is still published data.
                yield from ((a, "jsonld") for a, _ in _text(value))
                continue
            found = parse_mailto(value) if value.lower().startswith("mailto:") \
                else [normalize_email(unquote(value))]
            for address in found:
                if address:
                    yield address, "jsonld"


def _attributes(doc: Doc) -> Iterator[tuple[str, str]]:
    # The attribute values holding an '@' (from the page's one attribute walk), then
    # the cheap per-attribute rule (see EMAIL_ATTRIBUTES).
    for parent, name, text in doc.marked().at_values:
        if not P.email_attribute(parent.tag or "", name,
                                 parent.attributes.get("type") or ""):
            continue
        if "://" not in text:
            yield from _text(text)


def _microdata(doc: Doc) -> Iterator[tuple[str, str]]:
    for el in doc.marked().itemprop_emails:
        attrs = el.attributes
        if "email" not in (attrs.get("itemprop") or "").lower().split():
            continue
        if _in_template(el):
            continue
        value = (attrs.get("content") or attrs.get("href") or deep_text(el)).strip()
        found = parse_mailto(value) if value.lower().startswith("mailto:") \
            else [normalize_email(value)]
        for address in found:
            if address:
                yield address, "microdata"


def _in_run(char: str) -> bool:
    # A superset of every character EMAIL_RE can consume or its look-arounds test
    # (with IGNORECASE, [a-z] also matches a few non-ASCII letters: all are alnum).
    return char.isalnum() or char in _RUN_PUNCT


_RUN_PUNCT = frozenset("._%+'@-")


def _text(text: str) -> Iterator[tuple[str, str]]:
    """Plain addresses. EMAIL_RE is run only over the maximal runs of address-like
    characters around each '@', not over the whole text: a match consists of run
    characters, and the look-arounds see the non-run characters at a run's ends
    exactly as they see them in the full text, so the matches are the same."""
    at = text.find("@")
    size = len(text)
    while at >= 0:
        lo = at
        while lo > 0 and _in_run(text[lo - 1]):
            lo -= 1
        hi = at + 1
        while hi < size and _in_run(text[hi]):
            hi += 1
        for match in P.EMAIL_RE.finditer(text, lo, hi):
            if _in_url(text, match.start()):
                continue
            address = normalize_email(match.group(0))
            if address:
                yield address, "text"
        at = text.find("@", hi)


def _spaced(text: str, word: str) -> bool:
    """True when `word` occurs with whitespace on both sides (regex '\\s' is
    `str.isspace`): the cheap pre-check of the spaced-'@' and ' AT ' disguises."""
    at = text.find(word)
    end = len(text) - len(word)
    while at >= 0:
        if 0 < at < end and text[at - 1].isspace() and text[at + len(word)].isspace():
            return True
        at = text.find(word, at + 1)
    return False


def _bracket_hint(text: str) -> bool:
    """`OBFUSCATED_BRACKET_HINT_RE.search(text)`, tried only where an opening bracket
    is (every match starts with one): a regex search with a leading character class
    walks the whole text slowly, `str.find` does not."""
    match = P.OBFUSCATED_BRACKET_HINT_RE.match
    for bracket in "[({<":
        at = text.find(bracket)
        while at >= 0:
            if match(text, at):
                return True
            at = text.find(bracket, at + 1)
    return False


def _word_start(text: str, at: int, is_local: Callable[[str, int], object]) -> int:
    """Where the local part before the separator at `at` starts: back over the
    whitespace, then over the local-part characters."""
    while at > 0 and text[at - 1].isspace():
        at -= 1
    while at > 0 and is_local(text, at - 1):
        at -= 1
    return at


def token_matches(regex: re.Pattern[str], text: str,
                  marks: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)` for an obfuscation regex (a local part, whitespace, then a
    separator starting with one of `marks`), tried only where a local part ends before
    one of `marks`: every match starts there. A scan tries every position of a long
    page, each with a look-behind and a character class."""
    is_local = re.compile(r"[a-z0-9._%+-]", regex.flags).match
    end = 0
    starts = {_word_start(text, at, is_local) for mark in marks for at in occurrences(text, mark)}
    for start in sorted(starts):
        if start < end:
            continue
        match = regex.match(text, start)
        if match:
            yield match
            end = match.end()


# The characters an obfuscation regex's separator starts with (see `token_matches`).
_SEPARATOR_MARKS: dict[re.Pattern[str], tuple[str, ...]] = {
    P.OBFUSCATED_BRACKET_RE: ("[", "(", "{", "<", "@"),
    P.OBFUSCATED_SPACED_AT_RE: ("@",),
    P.OBFUSCATED_UPPER_RE: ("AT",),
    P.OBFUSCATED_LOWER_RE: (" at ",),
}


def _obfuscated(text: str) -> Iterator[tuple[str, str]]:
    regexes = []
    if _bracket_hint(text):
        regexes.append(P.OBFUSCATED_BRACKET_RE)
    if _spaced(text, "@"):
        regexes.append(P.OBFUSCATED_SPACED_AT_RE)
    if _spaced(text, "AT"):
        regexes.append(P.OBFUSCATED_UPPER_RE)
    if " at " in text and " dot " in text:
        regexes.append(P.OBFUSCATED_LOWER_RE)
    for regex in regexes:
        for match in token_matches(regex, text, _SEPARATOR_MARKS[regex]):
            domain = P.OBFUSCATED_DOT_RE.sub(".", match.group(2))
            address = normalize_email(f"{match.group(1)}@{domain}")
            if address:
                yield address, "obfuscated"


# Why a cap: every entity-encoded address carries exactly one encoded '@' and a page
# legitimately lists at most a few hundred addresses (the real-page corpus has at most
# 13 candidates on a page), while each candidate costs a scan of up to 400 characters
# leftwards, 300 references rightwards and a decode: without a cap a page of a million
# '&#64;' took minutes. Encoded addresses in text past the cap are not lost: the parser
# decodes references, so `_text` still reports them (as method 'text').
MAX_ENTITY_CANDIDATES = 1000
_ENTITY_LEFT_WINDOW = 400  # characters before the '@' the left part may start at
# One character reference of a chunk built by `_entities`: every '&' there starts a
# reference that ends at the next ';' (see ENTITY_AT_RE and its neighbours).
_CHUNK_REF_RE = re.compile(r"&[^&;]*;")


# ENTITY_AT_RE split in two: the references (a leading '&' the regex engine skips
# ahead to), and the plain '@' touching one (found from each '@'). The one
# case-insensitive alternation tried every position of the page: ≈ 400 µs a page.
_AT_REFERENCE_RE = re.compile(r"&(?:#0*64;|#[xX]0*40;|[cC][oO][mM][mM][aA][tT];)")


def _spans(raw: str, token: str) -> Iterator[tuple[int, int, str]]:
    return ((at, at + len(token), token) for at in occurrences(raw, token))


def entity_ats(raw: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each match of ENTITY_AT_RE in `raw`, in order. Lazy: a
    hostile page of a million candidates costs only the ones taken."""
    references = ((m.start(), m.end(), m.group(0)) for m in _AT_REFERENCE_RE.finditer(raw))
    end = 0
    for found in heapq.merge(references, _spans(raw, ";@"), _spans(raw, "@&")):
        if found[0] >= end:  # (finditer's matches never overlap)
            yield found
            end = found[1]


def _entity_candidates(raw: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the '@' (encoded, or plain next to a reference) of each of the
    first MAX_ENTITY_CANDIDATES matches of ENTITY_AT_RE in `raw`."""
    for start, end, token in islice(entity_ats(raw), MAX_ENTITY_CANDIDATES):
        if token == ";@":
            start += 1
        elif token == "@&":
            end -= 1
        yield start, end


def _entity_left(raw: str, start: int) -> str | None:
    """The address characters and references that end at `start`: what the forward
    search `(?:&#x?[0-9a-f]{1,6};|[a-z0-9._%+-]){1,200}$` finds in the 400 characters
    before `start` (including, like `$`, ending before a newline right at `start`),
    read backwards in one pass with ENTITY_LEFT_REVERSED_RE. The tokens of such a run
    cut it in one way only ('&' and ';' are no address characters), so the forward
    search's leftmost start is the end of the reversed greedy match."""
    lo = max(0, start - _ENTITY_LEFT_WINDOW)
    stop = start - 1 if start > lo and raw[start - 1] == "\n" else start
    match = P.ENTITY_LEFT_REVERSED_RE.match(raw[lo:stop][::-1])
    return None if match is None else raw[stop - match.end():stop]


def _entities(raw: str, may: Callable[[str], bool] | None = None) -> Iterator[tuple[str, str]]:
    """`may(s)` is False only when `raw` surely lacks `s` (default: `s in raw`)."""
    may = may or raw.__contains__
    if not may("&#") and not may("&commat;"):
        return
    # ENTITY_AT_RE needs ';@', '@&', '&#..64;', '&#x..40;' or '&commat;' (any case).
    if not may(";@") and not may("@&") and not (
        may("&#") and (may("64;") or may("40;"))
    ) and not may("at;") and not any(may(end) for end in ("AT;", "At;", "aT;")):
        return
    # A chunk's references never run into each other, so `htmllib.unescape(chunk)` is
    # each reference unescaped alone: once per distinct reference on the page.
    refs: dict[str, str] = {}

    def unescape_ref(ref: re.Match[str]) -> str:
        text = ref.group(0)
        decoded = refs.get(text)
        if decoded is None:
            decoded = refs[text] = htmllib.unescape(text)
        return decoded

    seen: set[str] = set()  # a chunk yields what it yielded before: skip repeats
    for start, end in _entity_candidates(raw):
        left = _entity_left(raw, start)
        right = P.ENTITY_RIGHT_RE.match(raw, end)
        if left is None or right is None:
            continue
        chunk = left + raw[start:end] + right.group(0)
        if "&" not in chunk or chunk in seen:
            continue
        seen.add(chunk)
        decoded = _CHUNK_REF_RE.sub(unescape_ref, chunk)
        lowered = chunk.lower()
        for inner in P.EMAIL_RE.finditer(decoded):
            if inner.group(0).lower() in lowered:
                continue  # written plainly; the entity was next to it, not in it
            address = normalize_email(inner.group(0))
            if address:
                yield address, "entity"


_ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM",
)
_ROT13_CSS = "[class*=r13], [class*=rot13]"


def _rot13(doc: Doc) -> tuple[list[tuple[str, str]], set[str]]:
    """(addresses a page script shows ROT13-decoded, the encoded forms the markup
    holds): the text of elements whose class marks them for decoding (see
    ROT13_CLASS_RE). The encoded form looks like an address to every other reader, but
    is none a person is shown."""
    decoded: list[tuple[str, str]] = []
    encoded: set[str] = set()
    if not (doc.contains(b"r13") or doc.contains(b"rot13")):
        return decoded, encoded
    for el in doc.tree.css(_ROT13_CSS):
        if not P.ROT13_CLASS_RE.search((el.attrs.get("class") or "").lower()):
            continue
        text = deep_text(el)
        encoded.update(address for address, _ in _text(text))
        decoded.extend((address, "rot13") for address, _ in _text(text.translate(_ROT13)))
    return decoded, encoded


def _scripts(doc: Doc) -> Iterator[tuple[str, str]]:
    for script in doc.scripts:
        if script.src is not None:
            continue
        kind = script.type.lower()
        if kind and "javascript" not in kind and "ecmascript" not in kind \
                and kind != "module":
            continue  # templates, JSON, text/x-handlebars...
        text = script.text
        if "+" not in text or "@" not in text:
            continue
        for match in P.SCRIPT_CONCAT_RE.finditer(text[:_MAX_SCAN_CHARS]):
            pieces = [a or b for a, b in P.SCRIPT_LITERAL_RE.findall(match.group(0))]
            joined = "".join(pieces).strip()
            if "@" not in joined or len(pieces) < 2:
                continue
            address = normalize_email(joined)
            if address:
                yield address, "script"


def _best(found: Iterable[tuple[str, str]], url: str) -> tuple[Contact, ...]:
    best: dict[str, tuple[float, int, str]] = {}
    order: list[str] = []
    for address, method in found:
        key = (CONFIDENCE[method], -_METHOD_RANK[method], method)
        if address not in best:
            order.append(address)
            best[address] = key
        elif key > best[address]:
            best[address] = key
    return tuple(
        Contact(kind="email", value=a, source_url=url, method=best[a][2],
                confidence=best[a][0], role=email_role(a))
        for a in order
    )


def find_emails(
    url: str, tree: Tree | str | bytes | None, raw: str | None = None
) -> tuple[Contact, ...]:
    """Every address on the page at `url`, deduplicated, best method kept.

    `tree` is a parsed document (or markup, parsed here); `raw` is the decoded
    markup, used for the encodings the parser hides (entities, Cloudflare URLs).
    """
    try:
        if isinstance(tree, bytes):
            tree = tree.decode("utf-8", "replace")
        if isinstance(tree, str):
            raw = tree if raw is None else raw
            tree = parse_html(tree)
        if tree is None:
            return ()
        return emails_of(make_doc(url, tree, raw or ""))
    except (ValueError, RecursionError, MemoryError):
        return ()


def emails_of(doc: Doc) -> tuple[Contact, ...]:
    """`find_emails` over a page's shared `Doc`."""
    try:
        raw = doc.raw[:_MAX_SCAN_CHARS]
        text = doc.email_text()[:_MAX_SCAN_CHARS]
        found: list[tuple[str, str]] = []
        found.extend(_mailto(doc))
        found.extend(_jsonld(doc))
        if doc.contains(b"itemprop") and doc.contains(b"email"):
            found.extend(_microdata(doc))
        found.extend(_attributes(doc))
        found.extend(_cfemail(doc, raw))
        found.extend(_entities(raw, doc.may_contain))
        found.extend(_text(text))
        found.extend(_obfuscated(text))
        found.extend(_scripts(doc))
        rot13, encoded = _rot13(doc)
        if encoded:
            found = [(address, how) for address, how in found if address not in encoded]
        found.extend(rot13)
        return _best(found, doc.url)
    except (ValueError, RecursionError, MemoryError):
        return ()
