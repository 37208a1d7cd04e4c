"""Which engine serves a page (phpBB, WordPress, Shopify, Hugo...) and which plugins it
loads (WooCommerce, bbPress). The fingerprints are in vocab/platforms.py."""

from __future__ import annotations

import re

from prospector.extract.dom import Node, Tree, ancestors_have, fold
from prospector.extract.needles import PAGE_NEEDLES
from prospector.extract.vocab import platforms as V

# The head and tail of a page carry nearly every fingerprint (generator, assets,
# "powered by" footer); scanning only them bounds the cost on huge forum threads.
_HEAD_CHARS = 400_000
_TAIL_CHARS = 100_000

_COMPILED: tuple[
    tuple[str, re.Pattern[str] | None, frozenset[bytes],
          tuple[tuple[re.Pattern[bytes], bytes], ...]], ...
] = tuple(
    (
        name,
        re.compile(gen, re.IGNORECASE) if gen else None,
        frozenset(s.encode() for s in subs),
        # Against lower-cased markup, each with the literal it cannot match without.
        tuple((re.compile(m.encode()), V.PLATFORM_REGEX_KEYS.get(m, b"")) for m in regexes),
    )
    for name, gen, subs, regexes in V.PLATFORM_RULES
)
_NAMES = {rule[0] for rule in V.PLATFORM_RULES}
_PLUGIN_BYTES = {name: tuple(m.encode() for m in markers)
                 for name, _, markers in V.PLUGIN_MARKERS}
_BY_NAME = {rule[0]: rule for rule in _COMPILED}
_NOSCRIPT = frozenset({"noscript"})

# The literals each rule's regexes cannot match without.
_REGEX_KEYS = {name: tuple(key for _, key in regexes)
               for name, _, _, regexes in _COMPILED if regexes}
_GENERATOR_RULES = tuple((name, gen) for name, gen, _, _ in _COMPILED if gen is not None)
# Platform names by the literals that name them, for a page's found literals.
_NAMES_BY_LITERAL: dict[bytes, tuple[str, ...]] = {
    literal: tuple(rule[0] for rule in _COMPILED if literal in rule[2])
    for literal in {literal for rule in _COMPILED for literal in rule[2]}
}


class _Markup:
    """Fingerprint tests over one page's lower-cased markup. Every literal of a rule is
    in `PAGE_NEEDLES`: `found`, the ones the page holds, comes from one pass over it
    (the page's shared `Doc.found`, or a pass of its own over `sample`); the platforms
    they name are looked up once, not rule by rule."""

    __slots__ = ("found", "named", "possible", "sample")

    def __init__(self, sample: bytes, found: frozenset[bytes] | None = None) -> None:
        self.sample = sample
        self.found = found = PAGE_NEEDLES.present(sample) if found is None else found
        self.named = {name for literal in found for name in _NAMES_BY_LITERAL.get(literal, ())}
        # The rules that may match: named by a literal, or with a regex that may.
        self.possible = self.named | {
            name for name, keys in _REGEX_KEYS.items()
            if any(not key or key in found for key in keys)
        }

    def matches(self, name: str) -> bool:
        if name in self.named:
            return True
        if name not in self.possible:
            return False
        found = self.found
        return any((not key or key in found) and regex.search(self.sample)
                   for regex, key in _BY_NAME[name][3])


def generator_meta(tree: Tree | None, metas: list[Node] | None = None) -> str:
    """All distinct <meta name="generator"> values, '; '-joined. `metas` are the page's
    <meta> elements when the caller has them."""
    if tree is None:
        return ""
    values: list[str] = []
    for el in tree.css("meta") if metas is None else metas:
        attrs = el.attributes
        if (attrs.get("name") or "").strip().lower() == "generator":
            if ancestors_have(el, _NOSCRIPT):
                continue  # what a browser running scripts never reads
            value = fold(attrs.get("content") or "")
            if value and value not in values:
                values.append(value)
    return "; ".join(values)[:300]


def _powered_by(text: bytes) -> str:
    for match in V.POWERED_BY_RE.finditer(text):
        words = match.group(1).decode("ascii", "replace").lower()
        for name, gen, _, _ in _COMPILED:
            if gen is not None and gen.search(words):
                return name
    return ""


def detect_platform(tree: Tree | None, html: str, url: str = "",
                    lowered: bytes | None = None,
                    found: frozenset[bytes] | None = None,
                    metas: list[Node] | None = None) -> tuple[str, str]:
    """(platform, generator meta) of a page; platform '' when nothing conclusive.
    `lowered` is the page's markup as ASCII-lower-cased bytes when the caller has it
    (bytes: lower-casing and substring search are several times cheaper than on str);
    `found` is which `PAGE_NEEDLES` `lowered` holds (`Doc.found`, shared with the
    page's other readers);
    `metas` are the page's bucketed <meta> elements (see `generator_meta`)."""
    generator = generator_meta(tree, metas)
    generators = [g.strip() for g in generator.split(";") if g.strip()]
    if lowered is None:
        lowered = html.encode("utf-8", "replace").lower()
    sample = lowered if len(lowered) <= _HEAD_CHARS + _TAIL_CHARS else (
        lowered[:_HEAD_CHARS] + lowered[-_TAIL_CHARS:]
    )

    markup = _Markup(sample, found if sample is lowered else None)
    possible = markup.possible
    for name, _, _, _ in _COMPILED:
        if name in possible and name in V.FORUM_PLATFORMS and markup.matches(name):
            return name, generator
    for name, gen in _GENERATOR_RULES if generators else ():
        if any(gen.search(g) for g in generators):
            return name, generator
    for name, _, _, _ in _COMPILED:
        if name in possible and name not in V.FORUM_PLATFORMS and markup.matches(name):
            return name, generator
    return _powered_by(sample), generator


def detect_extras(found: frozenset[bytes]) -> tuple[str, ...]:
    """Plugins the page loads (WooCommerce, bbPress), from its `PAGE_NEEDLES` literals."""
    return tuple(name for name, _, markers in V.PLUGIN_MARKERS
                 if any(marker in found for marker in _PLUGIN_BYTES[name]))


def promote(platform: str, extras: tuple[str, ...], kind: str) -> str:
    """The platform to report: a plugin replaces the engine it runs on only when the
    page's kind says the site is what the plugin makes (a shop for WooCommerce, a forum
    for bbPress); otherwise it stays an extra."""
    for name, makes, _ in V.PLUGIN_MARKERS:
        if name in extras and kind == makes and platform not in V.FORUM_PLATFORMS:
            return name
    return platform


def known_platforms() -> frozenset[str]:
    """Platform names this module can report."""
    return frozenset(_NAMES | {name for name, _, _ in V.PLUGIN_MARKERS})


def platform_from_headers(headers: dict[str, str] | None) -> str:
    """Platform named by HTTP response headers, '' when they say nothing."""
    if not headers:
        return ""
    lowered = {str(k).lower(): str(v).lower() for k, v in headers.items()}
    for name, needle, platform in V.PLATFORM_HEADERS:
        for key, value in lowered.items():
            if (key == name or (name.endswith("-") and key.startswith(name))) \
                    and needle in value:
                return platform
    return ""
