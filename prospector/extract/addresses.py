"""What an address is: validation, junk, roles, and the plain and spelled-out forms in
a text. Shared by every address reader (emails.py, scripts.py, structured.py).

Every function is pure: strings in, strings or (address, method) pairs out.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from itertools import islice
from urllib.parse import unquote

from prospector.extract.needles import occurrences
from prospector.extract.vocab import emails as V
from prospector.urls import has_public_suffix, registered_domain

# ------------------------------------------------------------------ predicates


def is_junk_email(address: str) -> bool:
    """True for strings that look like addresses but are not anyone's mailbox:
    asset names, placeholders, reserved domains, hashes, unread system boxes."""
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        return True
    last = domain.rsplit(".", 1)[-1]
    if last in V.ASSET_EXTENSIONS or last in V.PLACEHOLDER_TLDS:
        return True
    if local in V.PLACEHOLDER_LOCALS or local in V.UNREAD_LOCALS:
        return True
    if domain in V.PLACEHOLDER_DOMAINS or any(
        domain.endswith("." + d) for d in V.PLACEHOLDER_DOMAINS
    ):
        return True
    reg = registered_domain(domain)
    if reg.split(".", 1)[0] == "example":  # example.co.uk, example.de, ...
        return True
    if V.HEX_LOCAL_RE.fullmatch(local):
        return True
    return local.count("%") > 0 or "@" in local


def on_test_domain(address_or_host: str) -> bool:
    """True for an address or host under '.test' (see vocab TEST_TLD)."""
    return address_or_host.rstrip(".").rsplit(".", 1)[-1].lower() == V.TEST_TLD


def normalize_email(candidate: str) -> str:
    """Lower-cased, validated address, or '' when `candidate` is not a usable one."""
    candidate = candidate.strip().strip(".,;:<>()[]{}\"'").strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    match = V.EMAIL_FULL_RE.fullmatch(candidate)
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
    if local in V.ROLE_LOCALS or V.ROLE_PREFIX_RE.match(local):
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


ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM",
)
# ROT13 for letters and ROT5 for digits: what the email-scramble library uses.
ROT18 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM5678901234",
)


def despammed(candidate: str) -> tuple[str, str]:
    """(address, 'text') for a candidate as written; (address, 'obfuscated') for one
    with an anti-spam word to remove ('ann@NOSPAM.beeshop.com'); ('', '') for none."""
    lowered = candidate.lower()
    if any(key in lowered for key in V.ANTI_SPAM_KEYS):
        address = normalize_email(V.ANTI_SPAM_RE.sub("", candidate))
        if address:
            return address, "obfuscated"
    address = normalize_email(candidate)
    return (address, "text") if address else ("", "")


def declared(value: str) -> list[str]:
    """The addresses of a value declared to be one (a JSON-LD or microdata 'email', a
    mailto: part): as written, else spelled out ('ann(at)x.org', 'ann <at> x <dot>
    org'), which a reader decodes like the visible forms."""
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    address = despammed(unquote(value))[0]
    if address:
        return [address]
    return [a for a, _ in obfuscated_addresses(value)][:1]


def parse_mailto(href: str) -> list[str]:
    """Addresses of a mailto: URL: query dropped, percent/entity-decoded, comma lists,
    spelled-out separators ('mailto:ann <at> x <dot> org') read back."""
    href = htmllib.unescape(href.strip())
    if not href.lower().startswith("mailto:"):
        return []
    body = href[7:].split("?", 1)[0]
    body = unquote(body)
    out = []
    for part in re.split(r"[,;]", body):
        out.extend(declared(part))
    return out


# ------------------------------------------------------------------ plain text


def _in_url(text: str, start: int) -> bool:
    """True when the match at `start` sits inside a token carrying a URL scheme
    (Sentry DSNs 'https://key@o1.ingest.sentry.io/2', 'git+ssh://git@host')."""
    lo = max(0, start - 300)
    prefix = text[lo:start]
    cut = max(prefix.rfind(c) for c in " \t\n\"'<>()")
    token = prefix[cut + 1:]
    return "://" in token or token.startswith("//")


def _in_run(char: str) -> bool:
    # A superset of every character EMAIL_RE can consume or its look-arounds test
    # (with IGNORECASE, [a-z] also matches a few non-ASCII letters: all are alnum).
    return char.isalnum() or char in _RUN_PUNCT


_RUN_PUNCT = frozenset("._%+'@-")


def text_addresses(text: str) -> Iterator[tuple[str, str]]:
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
        for match in V.EMAIL_RE.finditer(text, lo, hi):
            if _in_url(text, match.start()):
                continue
            address, how = despammed(match.group(0))
            if address:
                yield address, how
        at = text.find("@", hi)


# ------------------------------------------------------------------ spelled out


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


def bracket_hint(text: str) -> bool:
    """`OBFUSCATED_BRACKET_HINT_RE.search(text)`, tried only where an opening bracket
    is (every match starts with one): a regex search with a leading character class
    walks the whole text slowly, `str.find` does not."""
    match = V.OBFUSCATED_BRACKET_HINT_RE.match
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
SEPARATOR_MARKS: dict[re.Pattern[str], tuple[str, ...]] = {
    V.OBFUSCATED_BRACKET_RE: ("[", "(", "{", "<", "@"),
    V.OBFUSCATED_SPACED_AT_RE: ("@",),
    V.OBFUSCATED_UPPER_RE: ("AT",),
    V.OBFUSCATED_LOWER_RE: (" at ",),
}


def obfuscated_addresses(text: str) -> Iterator[tuple[str, str]]:
    """'ann [at] x [dot] org', 'ann (at) x.org', 'ann AT x DOT org', 'ann @ x.org'..."""
    regexes = []
    if bracket_hint(text):
        regexes.append(V.OBFUSCATED_BRACKET_RE)
    if _spaced(text, "@"):
        regexes.append(V.OBFUSCATED_SPACED_AT_RE)
    if _spaced(text, "AT"):
        regexes.append(V.OBFUSCATED_UPPER_RE)
    if " dot " in text and " at " in text:
        regexes.append(V.OBFUSCATED_LOWER_RE)
    for regex in regexes:
        for match in token_matches(regex, text, SEPARATOR_MARKS[regex]):
            domain = V.OBFUSCATED_DOT_RE.sub(".", match.group(2))
            address = normalize_email(f"{match.group(1)}@{domain}")
            if address:
                yield address, "obfuscated"
    yield from spelled_at_addresses(text)


def spelled_at_addresses(text: str) -> Iterator[tuple[str, str]]:
    """'lam at cs.stanford.edu' and 'pal at cs stanford edu': a plain ' at ' with the
    host's dots written, or spaces for them. Prose says 'sold at shop.com' too, so
    such a match counts only after a word announcing an address ('E-mail: ...'), or,
    dots written, with a free mailbox provider's host and a name that is no word of
    the sentence ('ann.b at gmail.com', not 'log in at outlook.com')."""
    for at in _spelled_at_spots(text):
        start = _word_start(text, at, _LOCAL_CHAR)
        match = V.SPELLED_AT_RE.match(text, start)
        if match is None:
            continue
        local, words = match.group(1), match.group(2)
        if local.lower() in V.AT_PROSE_WORDS:
            continue
        labelled = V.MAIL_LABEL_RE.search(text, max(0, start - 40), start) is not None
        for host in _hosts(words, spaced=labelled):
            address = normalize_email(f"{local}@{host}")
            if address and (labelled or registered_domain(host) in V.WEBMAIL_DOMAINS):
                yield address, "obfuscated"
                break


_LOCAL_CHAR = re.compile(r"[a-z0-9._%+-]", re.IGNORECASE).match
# ' at ' before a dotted word ('lam at cs.stanford.edu').
_DOTTED_AT_RE = re.compile(r" at (?=[A-Za-z0-9][A-Za-z0-9-]*\.[A-Za-z0-9])")
# Candidates a page may hold: a flood of ' at ' costs a bounded number of tries.
MAX_SPELLED_AT = 2000


def _spelled_at_spots(text: str) -> list[int]:
    """Where a spelled-out '@' may be: each ' at ' before a dotted word, or shortly
    after a word announcing an address (MAIL_WORDS). Most ' at ' are prose ('at the',
    'at home'): a regex match at the spot and a look at the words before settle them.
    One scan of the text; a flood of ' at ' costs a bounded number of looks."""
    spots = []
    for at in islice(occurrences(text, " at "), MAX_SPELLED_AT * 10):
        if _DOTTED_AT_RE.match(text, at) or any(
                word in text[max(0, at - 80):at].lower() for word in V.MAIL_WORDS):
            spots.append(at)
            if len(spots) == MAX_SPELLED_AT:
                break
    return spots


def _hosts(words: str, spaced: bool) -> Iterator[str]:
    """The hosts a run of host words after ' at ' may spell, shortest first: its
    dotted head ('cs.stanford.edu and' gives 'cs.stanford.edu'), and, where spaces
    may stand for dots, 2 to 5 space-separated words joined ('cs stanford edu')."""
    head = words.split(" ", 1)[0].rstrip(".")
    if "." in head:
        if not head.lower().startswith("www."):  # a web address, not a mailbox's host
            yield head
        return
    if spaced:
        # ('cs dot stanford dot edu' is the spelled-out form: its 'dot's are dots.)
        parts = [word for word in words.split(" ") if word.lower() != "dot"]
        for size in range(2, len(parts) + 1):
            if parts[size - 1].lower() in V.SPELLED_TLDS:
                yield ".".join(parts[:size])
