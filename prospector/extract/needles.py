"""Many fixed byte strings tested against one page with a few passes instead of one
substring scan each.

Platform fingerprints, newsletter embeds and registration links are about 150 literals;
a substring scan of a 70 KB page costs tens of µs, and a regex alternation of them is
slower still (Python's engine tries every alternative at every position). But most of
them contain one of a few *anchors* ('.com' is in 31 of them) that occur only some
dozens of times in a page. One pass finds every occurrence of an anchor (overlapping
ones too); at each, `bytes.endswith`/`startswith` with a start/end offset test which
literals of the anchor's group sit around it. A literal occurs in the page exactly when
it occurs around one of its anchor's occurrences, so the answers are exact. On a page
where the anchor is very common, the pass gives up after `_MAX_VISITS` occurrences and
tests the group's remaining literals directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from prospector.extract import patterns as P

# Anchors in order of preference: each literal joins the group of the first it holds.
ANCHORS: tuple[bytes, ...] = (b".com", b'id="', b"data-", b"static", b"register")
# Occurrences of an anchor visited before its group falls back to direct scans.
_MAX_VISITS = 300


class AnchoredNeedles:
    """Literals grouped by the first of `ANCHORS` each contains (others stay out)."""

    __slots__ = ("_groups", "_prefixes", "_suffixes", "anchor_of")

    def __init__(self, needles: Iterable[bytes]) -> None:
        self.anchor_of: dict[bytes, bytes] = {}
        self._groups: dict[bytes, list[tuple[bytes, int]]] = {}
        for needle in sorted(set(needles)):
            for anchor in ANCHORS:
                at = needle.find(anchor)
                if at >= 0:
                    self.anchor_of[needle] = anchor
                    self._groups.setdefault(anchor, []).append((needle, at))
                    break
        # What precedes the anchor in each literal of the group, and what starts with
        # it: two C-level tests of every occurrence before the literals are tried.
        self._prefixes: dict[bytes, tuple[bytes, ...]] = {
            anchor: tuple({needle[:at] for needle, at in group})
            for anchor, group in self._groups.items()
        }
        self._suffixes: dict[bytes, tuple[bytes, ...]] = {
            anchor: tuple({needle[at:] for needle, at in group})
            for anchor, group in self._groups.items()
        }

    def group(self, anchor: bytes) -> list[bytes]:
        return [needle for needle, _ in self._groups.get(anchor, [])]

    def scan(self, text: bytes, anchor: bytes) -> set[bytes]:
        """The literals of `anchor`'s group that `text` contains."""
        found: set[bytes] = set()
        pending = list(self._groups.get(anchor, []))
        prefixes = self._prefixes.get(anchor, ())
        suffixes = self._suffixes.get(anchor, ())
        visits = 0
        at = text.find(anchor)
        while at >= 0 and pending:
            visits += 1
            if visits > _MAX_VISITS:
                found.update(needle for needle, _ in pending if needle in text)
                break
            if text.startswith(suffixes, at) and text.endswith(prefixes, 0, at):
                hits = [needle for needle, off in pending
                        if off <= at and text.startswith(needle, at - off)]
                if hits:
                    found.update(hits)
                    pending = [(n, off) for n, off in pending if n not in found]
            at = text.find(anchor, at + 1)
        return found


# The literals the page readers test against the lower-cased markup.
PAGE_NEEDLES = AnchoredNeedles([
    *(s.encode() for _, _, subs, _ in P.PLATFORM_RULES for s in subs),
    *(m for _, markers in P.NEWSLETTER_PROVIDERS for m in markers),
    *P.REGISTRATION_OPEN_MARKERS,
    *P.REGISTRATION_CLOSED_MARKERS,
    b"data-cfemail",  # Cloudflare's obfuscated addresses (emails.py)
])
