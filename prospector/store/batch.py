"""The crawl's write path: one flush (candidates, pages with their contacts and links,
site facts, pages answered 304, sites crawled to the end) in one transaction.

Data always travels as parameters. Small batches are written column-wise through
`unnest`, one statement per table. Page batches, the crawl's bulk, go through DuckDB's
appender with upserts done by hand (_write_pages): ON CONFLICT would make each statement
a MERGE that scans the whole table (bench/store.py, bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from prospector.models import Candidate, FetchedPage, SiteProfile
from prospector.store.connection import keys_in, now
from prospector.store.hubs import write_hub_links
from prospector.store.outreach import Outreach, is_suppressed

# _write_pages: the tables' columns in the order its rows are built.
_PAGE_COLUMNS = ("url", "domain", "run_id", "status", "content_type", "bytes", "title",
                 "platform", "kind", "generator", "text", "fetched_at", "error", "etag",
                 "last_modified")
_CONTACT_COLUMNS = ("domain", "kind", "value", "source_url", "method", "confidence", "role",
                    "first_run", "last_run")
_LINK_COLUMNS = ("source_url", "target_url", "source_domain", "target_domain", "anchor",
                 "section", "run_id")
_SITE_COLUMNS = ("domain", "url", "source", "why", "status", "first_run", "last_run",
                 "first_seen", "last_seen", "distance", "via")
_DISCOVERY_COLUMNS = ("run_id", "domain", "url", "source", "why", "rank", "distance", "via")

# Which keys of a batch are stored already, and the suppressions, in one statement:
# (tag, key parts…, confidence, run). $1 the page URLs, $2 the sites (contacts' domains).
# Links are looked up only for pages stored already (_STORED_LINKS) or links whose source
# is not their page: links are written with their page, so a new page has no stored link.
_STORED_KEYS = """
    SELECT 'page' AS tag, url AS a, NULL AS b, NULL AS c, NULL::DOUBLE AS number,
           NULL::INTEGER AS run
    FROM pages WHERE url IN (SELECT unnest($1::VARCHAR[]))
    UNION ALL
    SELECT 'contact', domain, kind, value, confidence, last_run
    FROM contacts WHERE domain IN (SELECT unnest($2::VARCHAR[]))
    UNION ALL
    SELECT 'suppression', value, kind, NULL, NULL, NULL FROM suppressions
"""
_STORED_LINKS = """
    SELECT source_url, target_url, run_id FROM links
    WHERE source_url IN (SELECT unnest(?::VARCHAR[]))
"""

# Candidates: which of their sites, and which of this run's discoveries, are stored; a
# stored site seen again gets this run, this time and the URL it was found at.
# (The key filters on `sites` and `pages` are added by keys_in: by index, not by scan.)
_STORED_SITES = "SELECT domain FROM sites WHERE "
_STORED_DISCOVERIES = """
    SELECT domain FROM discoveries
    WHERE run_id = ? AND domain IN (SELECT unnest(?::VARCHAR[]))
"""
_SITES_SEEN_AGAIN = """
    UPDATE sites SET last_run = ?, last_seen = ?, url = v.url
    FROM (SELECT unnest(?::VARCHAR[]) AS domain, unnest(?::VARCHAR[]) AS url) v
    WHERE sites.domain = v.domain AND """

# A page fetched again replaces what was stored of it (its site stays).
_UPDATE_PAGES = """
    UPDATE pages SET run_id = v.run_id, status = v.status, content_type = v.content_type,
        bytes = v.bytes, title = v.title, platform = v.platform, kind = v.kind,
        generator = v.generator, text = v.text, fetched_at = v.fetched_at, error = v.error,
        etag = v.etag, last_modified = v.last_modified
    FROM (SELECT unnest(?::VARCHAR[]) AS url, unnest(?::VARCHAR[]) AS domain,
                 unnest(?::INTEGER[]) AS run_id, unnest(?::INTEGER[]) AS status,
                 unnest(?::VARCHAR[]) AS content_type, unnest(?::INTEGER[]) AS bytes,
                 unnest(?::VARCHAR[]) AS title, unnest(?::VARCHAR[]) AS platform,
                 unnest(?::VARCHAR[]) AS kind, unnest(?::VARCHAR[]) AS generator,
                 unnest(?::VARCHAR[]) AS text, unnest(?::TIMESTAMP[]) AS fetched_at,
                 unnest(?::VARCHAR[]) AS error, unnest(?::VARCHAR[]) AS etag,
                 unnest(?::VARCHAR[]) AS last_modified) v
    WHERE pages.url = v.url AND """

# A stored contact seen again: this run saw it, at the best confidence seen so far.
_UPDATE_CONTACTS = """
    UPDATE contacts SET last_run = ?, confidence = greatest(contacts.confidence, v.confidence)
    FROM (SELECT unnest(?::VARCHAR[]) AS domain, unnest(?::VARCHAR[]) AS kind,
                 unnest(?::VARCHAR[]) AS value, unnest(?::DOUBLE[]) AS confidence) v
    WHERE contacts.domain = v.domain AND contacts.kind = v.kind AND contacts.value = v.value
"""

# A stored link seen again: this run saw it.
_UPDATE_LINKS = """
    UPDATE links SET run_id = ?
    FROM (SELECT unnest(?::VARCHAR[]) AS source_url, unnest(?::VARCHAR[]) AS target_url) v
    WHERE links.source_url = v.source_url AND links.target_url = v.target_url
"""

# A site's merged facts; a fact a profile does not know stays as stored.
_UPDATE_SITE_FACTS = """
    UPDATE sites SET
        members = coalesce(v.members, sites.members),
        topics = coalesce(v.topics, sites.topics),
        posts = coalesce(v.posts, sites.posts),
        online = coalesce(v.online, sites.online),
        registration_open = coalesce(v.registration_open, sites.registration_open),
        comments = coalesce(v.comments, sites.comments),
        latest_date = greatest(v.latest_date, sites.latest_date),
        newsletter_provider = CASE WHEN v.newsletter <> '' THEN v.newsletter
                                   ELSE sites.newsletter_provider END,
        deal_signals = CASE WHEN v.signals <> '' THEN v.signals
                            ELSE sites.deal_signals END,
        owner_name = CASE WHEN v.owner <> '' THEN v.owner ELSE sites.owner_name END,
        feeds = CASE WHEN len(v.feeds) > 0 THEN v.feeds ELSE sites.feeds END,
        -- The site's kind as its pages voted (extract.site.site_kind); finish_run's
        -- home-page guess only fills in for a site that never reached its end.
        kind = CASE WHEN v.kind NOT IN ('', 'other') THEN v.kind ELSE sites.kind END,
        kind_voted = v.kind NOT IN ('', 'other') OR sites.kind_voted
    FROM (SELECT unnest(?::VARCHAR[]) AS domain, unnest(?::INTEGER[]) AS members,
                 unnest(?::INTEGER[]) AS topics, unnest(?::INTEGER[]) AS posts,
                 unnest(?::INTEGER[]) AS online,
                 unnest(?::BOOLEAN[]) AS registration_open,
                 unnest(?::INTEGER[]) AS comments, unnest(?::VARCHAR[]) AS latest_date,
                 unnest(?::VARCHAR[]) AS newsletter, unnest(?::VARCHAR[]) AS signals,
                 unnest(?::VARCHAR[]) AS owner, unnest(?::VARCHAR[][]) AS feeds,
                 unnest(?::VARCHAR[]) AS kind) v
    WHERE sites.domain = v.domain AND """

# _write_pages' ways to learn which keys of a batch are stored: take the batch for new
# (but the contacts the Store knows), look up its pages, contacts and the links of its
# stored pages, or look up every link too.
_GUESS, _LOOKUP, _LOOKUP_ALL = "guess", "lookup", "lookup-all"
# Contacts a WriteMemo remembers; beyond, it starts afresh (a forgotten key costs at worst
# a batch written twice), so the crawl's memory stays flat: a contact comes again only
# from its own site's pages, a few batches apart at most (≈ 150 bytes a contact).
_CONTACTS_SEEN_MAX = 10_000

ContactKey = tuple[str, str, str]  # (site, kind, value)
LinkKey = tuple[str, str]  # (source_url, target_url)


def _contact_key(domain: str, kind: str, value: str) -> str:
    # A domain and a kind hold no NUL: the joined key is as unique as the tuple.
    return f"{domain}\0{kind}\0{value}"


def _columns(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [list(c) for c in zip(*rows, strict=True)]


def _unique(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate a domain, the first given."""
    return list({c.domain: c for c in reversed(list(candidates)) if c.domain}.values())


class _WrongGuess(Exception):
    """A row _write_pages took for stored is not: write the batch again, looking up."""


class _Stored:
    """What of a batch the tables hold already, and the suppressions."""

    def __init__(self, blocked: dict[str, set[str]]) -> None:
        self.blocked = blocked
        self.pages: set[str] = set()
        self.contacts: dict[ContactKey, tuple[float, int | None]] = {}
        self.links: dict[LinkKey, int | None] = {}


class _Rows:
    """A batch's rows: pages split by whether they are stored, contacts and links by key."""

    def __init__(self) -> None:
        self.new_pages: list[tuple[Any, ...]] = []
        self.old_pages: list[tuple[Any, ...]] = []
        self.contacts: dict[ContactKey, tuple[Any, ...]] = {}
        self.links: dict[LinkKey, tuple[Any, ...]] = {}


@dataclass
class WriteMemo:
    """What the write path knows of the tables without asking, so that a batch of new
    pages needs no lookup (it was ≈ 15 % of a 200-page flush): the contacts stored or
    read whose last run is `seen_run` (_contact_key -> confidence: strings and floats,
    which the garbage collector does not track), and whether the last batch found none
    of its pages stored (the next one then skips the lookup). A wrong guess fails safely:
    a key taken for new breaks a primary key, one taken for stored updates no row, and
    either makes write_batch write the batch again, looking everything up.

    The crawl's sink keeps one across the times it lets go of the file: with a memo a
    Store, the first batch after each reopen took the contacts of its sites' earlier
    pages for new, failed on their key, and was written again after a lookup that read
    the key columns of every row group of `pages` and `contacts` (≈ 12 MB more of
    DuckDB's memory held through the rest of the write at 18,000 pages; bench/RESULTS.md
    issue 23 third pass). One crawl at a time writes pages to a file (crawl/lock.py)."""

    contacts_seen: dict[str, float] = field(default_factory=dict)
    seen_run: int | None = None
    guess_new: bool = True


class BatchWrites(Outreach):
    """The write path, with what it knows of the tables between batches."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        super().__init__(con, path)
        # The appenders, one a table, made at its first use (each call flushes).
        self._appenders: dict[str, Any] = {}
        # What the write path knows of the tables without asking (see WriteMemo; a crawl's
        # sink hands its own to each Store it opens) and the suppressions (read afresh by
        # each Store: another command may add some while the crawl lets go of the file).
        self.memo = WriteMemo()
        self._blocked: dict[str, set[str]] | None = None

    def close(self) -> None:
        self._appenders.clear()
        super().close()

    def suppress(self, entries: Sequence[tuple[str, str]], note: str = "") -> int:
        # What the write path knows of contacts and suppressions is out of date from here.
        self.memo.contacts_seen.clear()
        self._blocked = None
        return super().suppress(entries, note)

    def add_candidates(self, run_id: int, candidates: Iterable[Candidate]) -> None:
        self.write_batch(run_id, (), candidates=list(candidates))

    def add_pages(self, run_id: int, pages: Sequence[FetchedPage]) -> None:
        """Store a batch of fetched pages with their contacts and links, atomically."""
        self.write_batch(run_id, pages)

    def record_discoveries(self, run_id: int, candidates: Iterable[Candidate]) -> None:
        """What discovery found for a run, released or not: a resumed run starts from it."""
        self._insert("discoveries", _DISCOVERY_COLUMNS,
                     [(run_id, c.domain, c.url, c.source, c.why, c.rank, c.distance, c.via)
                      for c in _unique(candidates)], "ON CONFLICT DO NOTHING")

    def write_batch(self, run_id: int, pages: Sequence[FetchedPage], *,
                    candidates: Sequence[Candidate] = (), profiles: Sequence[SiteProfile] = (),
                    unchanged: Sequence[str] = (), crawled: Sequence[str] = ()) -> None:
        """One flush of the crawl in one transaction, in this order: the candidates (their
        site rows), the sites' merged facts, the sites whose crawl ended (`crawled`), the
        pages with their contacts and links, the pages answered 304 (`unchanged` URLs).
        One commit (a WAL write and an fsync) for all of it, not one for each.

        Idempotent upserts without ON CONFLICT: DuckDB 2.0 plans those as a MERGE (a hash
        join over the whole table, several ms a statement even for one row). New rows go
        in through appenders (plain inserts: the primary keys still refuse a duplicate),
        stored ones are updated, and only when something changed. Which keys are stored:
        when the last batch found no stored page, this one's are taken for new without
        asking (contacts this Store wrote or read excepted, see __init__); otherwise one
        query looks them up. A wrong guess fails the transaction and the batch is written
        again with the lookup. The rows are those the ON CONFLICT statements stored
        (tests/test_store.py compares them)."""
        by_url = {p.url: p for p in pages}
        if not (by_url or candidates or profiles or unchanged or crawled):
            return
        modes = [_LOOKUP, _LOOKUP_ALL] if by_url else [_LOOKUP]
        if by_url and self.memo.guess_new:
            modes.insert(0, _GUESS)
        for mode in modes:
            try:
                self._write_batch(run_id, by_url, mode, candidates, profiles, unchanged,
                                  crawled)
                return
            except (duckdb.ConstraintException, _WrongGuess) as exc:
                # _LOOKUP misses a key only for a link whose source is not its page's URL
                # (extraction writes none) under a new page: _LOOKUP_ALL looks them all up.
                if mode == modes[-1]:
                    raise
                if isinstance(exc, _WrongGuess):
                    self.memo.contacts_seen.clear()

    def _write_batch(self, run_id: int, by_url: dict[str, FetchedPage], mode: str,
                     candidates: Sequence[Candidate], profiles: Sequence[SiteProfile],
                     unchanged: Sequence[str], crawled: Sequence[str]) -> None:
        seen: dict[str, float] = {}
        found_pages = False
        self.con.execute("BEGIN TRANSACTION")
        try:
            if candidates:
                self._upsert_candidates(run_id, candidates)
            # The updates of `sites` before the pages: each reads its rows' blocks in the
            # row groups they were appended to (≈ 20 MB of DuckDB's memory for a write's
            # 60 sites late in a crawl), freed when it ends; after the pages they came on
            # top of the batch's own rows, held until the commit, and set the write's
            # peak (bench/RESULTS.md issue 23 third pass). One transaction either way.
            self.update_site_facts(profiles)
            self.mark_sites_crawled(run_id, crawled)
            if by_url:
                seen, found_pages = self._write_pages(run_id, by_url, mode)
            self._touch_pages(run_id, unchanged)
            self.con.execute("COMMIT")
        except BaseException:
            # A COMMIT that failed (a full disk) has already ended the transaction: the
            # ROLLBACK must not hide the original error.
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        # Only what is committed is remembered.
        if by_url:
            if (self.memo.seen_run != run_id
                    or len(self.memo.contacts_seen) + len(seen) > _CONTACTS_SEEN_MAX):
                self.memo.contacts_seen.clear()
                self.memo.seen_run = run_id
            self.memo.contacts_seen.update(seen)
            self.memo.guess_new = not found_pages

    def _upsert_candidates(self, run_id: int, candidates: Iterable[Candidate]) -> None:
        """The candidates' site rows (a stored site: seen again in this run, at this URL)
        and this run's discoveries (a stored one is kept), by lookup: the ON CONFLICT
        statements these were took 104-116 ms a 50-candidate flush at 20,000 sites,
        the lookups and appenders 56-77 ms (load 10, bench/RESULTS.md issue 23)."""
        stamp = now()
        items = _unique(candidates)
        domains = [c.domain for c in items]
        where, keys = keys_in("domain", domains)
        known = {d for (d,) in self.con.execute(_STORED_SITES + where, keys).fetchall()}
        self._append("sites", _SITE_COLUMNS,
                     [(c.domain, c.url, c.source, c.why, "queued", run_id, run_id, stamp,
                       stamp, c.distance, c.via) for c in items if c.domain not in known])
        again = [c for c in items if c.domain in known]
        if again:
            where, keys = keys_in("sites.domain", [c.domain for c in again])
            self.con.execute(_SITES_SEEN_AGAIN + where, [run_id, stamp, [c.domain for c in again],
                                                         [c.url for c in again], *keys])
        listed = {d for (d,) in self.con.execute(_STORED_DISCOVERIES,
                                                 [run_id, domains]).fetchall()}
        self._append("discoveries", _DISCOVERY_COLUMNS,
                     [(run_id, c.domain, c.url, c.source, c.why, c.rank, c.distance, c.via)
                      for c in items if c.domain not in listed])

    def _write_pages(self, run_id: int, by_url: dict[str, FetchedPage], mode: str
                     ) -> tuple[dict[str, float], bool]:
        """The pages' rows, in the open transaction. Returns the contacts known stored
        with `run_id` as last run (_contact_key -> confidence), and whether any of the
        pages was stored already."""
        stored = self._stored(by_url, mode)
        rows = _rows(run_id, by_url, stored)
        new_contacts = [row for key, row in rows.contacts.items() if key not in stored.contacts]
        # A stored contact changes only when this run first sees it or sees it surer.
        old_contacts = [(*key, row[5]) for key, row in rows.contacts.items()
                        if key in stored.contacts
                        and (stored.contacts[key][1] != run_id
                             or row[5] > stored.contacts[key][0])]
        new_links = [row for key, row in rows.links.items() if key not in stored.links]
        old_links = [key for key in rows.links if key in stored.links
                     and stored.links[key] != run_id]

        self._append("pages", _PAGE_COLUMNS, rows.new_pages)
        self._append("contacts", _CONTACT_COLUMNS, new_contacts)
        self._append("links", _LINK_COLUMNS, new_links)
        write_hub_links(self, run_id, [(p.url, p.site, h.platform, h.hub_id, h.url, h.anchor)
                                       for p in by_url.values() for h in p.facts.hubs])
        if rows.old_pages:
            where, keys = keys_in("pages.url", [row[0] for row in rows.old_pages])
            self.con.execute(_UPDATE_PAGES + where, [*_columns(rows.old_pages), *keys])
        if old_contacts:
            updated = self.con.execute(
                _UPDATE_CONTACTS, [run_id, *_columns(old_contacts)]).fetchone()
            if mode == _GUESS and (updated is None or updated[0] != len(old_contacts)):
                raise _WrongGuess("a contact taken for stored is not")
        if old_links:
            self.con.execute(_UPDATE_LINKS, [run_id, *_columns(old_links)])

        seen = {_contact_key(*key): confidence
                for key, (confidence, run) in stored.contacts.items() if run == run_id}
        for key, row in rows.contacts.items():
            before = stored.contacts.get(key)
            seen[_contact_key(*key)] = row[5] if before is None else max(before[0], row[5])
        return seen, bool(stored.pages)

    def _stored(self, by_url: dict[str, FetchedPage], mode: str) -> _Stored:
        """Which pages, contacts and links of the batch are stored: guessed from what this
        Store remembers (_GUESS) or looked up."""
        if mode == _GUESS:
            stored = _Stored(self._suppressions_known())
            known, seen_run = self.memo.contacts_seen, self.memo.seen_run
            for p in by_url.values():
                for contact in p.facts.contacts:
                    key = (p.site, contact.kind, contact.value)
                    confidence = known.get(_contact_key(*key))
                    if confidence is not None:
                        stored.contacts[key] = (confidence, seen_run)
        else:
            stored = _Stored({"email": set(), "domain": set(), "email_domain": set()})
            sites = sorted({p.site for p in by_url.values()})
            for tag, a, b, c, number, run in self.con.execute(
                    _STORED_KEYS, [list(by_url), sites]).fetchall():
                if tag == "page":
                    stored.pages.add(a)
                elif tag == "contact":
                    stored.contacts[(a, b, c)] = (number, run)
                else:
                    stored.blocked.setdefault(b, set()).add(a)
            self._blocked = stored.blocked
        link_sources = sorted({
            link.source_url for p in by_url.values() for link in p.facts.links
            if mode == _LOOKUP_ALL or link.source_url != p.url or p.url in stored.pages})
        if link_sources:
            stored.links = {(a, b): run for a, b, run in self.con.execute(
                _STORED_LINKS, [link_sources]).fetchall()}
        return stored

    def _suppressions_known(self) -> dict[str, set[str]]:
        if self._blocked is None:
            self._blocked = self.suppressions()
        return self._blocked

    def _append(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Plain insert of `rows` through DuckDB's appender (one statement, no parameter
        lists to build); older DuckDBs without one get the column-wise `_insert`."""
        if not rows:
            return
        appender = self._appenders.get(table)
        if appender is None:
            make = getattr(self.con, "appender", None)
            if make is None:
                self._insert(table, columns, rows)
                return
            appender = self._appenders[table] = make(table, columns=list(columns))
        try:
            appender.append_rows(rows)
            appender.flush()
        finally:
            appender.clear()

    def update_site_facts(self, profiles: Sequence[SiteProfile]) -> None:
        """Write each site's merged facts; a fact a profile does not know stays as stored."""
        if not profiles:
            return
        rows = []
        for p in profiles:
            c = p.community
            rows.append((
                p.domain,
                c.members if c else None, c.topics if c else None, c.posts if c else None,
                c.online if c else None, c.registration_open if c else None, p.comments,
                max(p.latest_date, c.last_post if c else ""), p.newsletter,
                ", ".join(p.signals), p.names[0] if p.names else "", list(p.feeds),
                p.kind,
            ))
        where, keys = keys_in("sites.domain", [p.domain for p in profiles])
        self.con.execute(_UPDATE_SITE_FACTS + where, [*_columns(rows), *keys])

    def _touch_pages(self, run_id: int, urls: Sequence[str]) -> None:
        """Pages answered 304 Not Modified: still true in this run."""
        if not urls:
            return
        where, keys = keys_in("url", urls)
        self.con.execute("UPDATE pages SET run_id = ?, fetched_at = ? WHERE " + where,
                         [run_id, now(), *keys])
        self.con.execute("UPDATE contacts SET last_run = ?"
                         " WHERE source_url IN (SELECT unnest(?::VARCHAR[]))", [run_id, list(urls)])

    def mark_sites_crawled(self, run_id: int, domains: Sequence[str]) -> None:
        """Sites whose crawl reached its end: a resumed run and a re-crawl within
        --max-age skip them."""
        if not domains:
            return
        where, keys = keys_in("domain", domains)
        self.con.execute("UPDATE sites SET crawled_at = ?, crawl_run = ? WHERE " + where,
                         [now(), run_id, *keys])


def _rows(run_id: int, by_url: dict[str, FetchedPage], stored: _Stored) -> _Rows:
    """The batch's rows: the pages (new or stored), the contacts not suppressed (the
    surest of each), the links off the page's own site (the last of each)."""
    rows = _Rows()
    for p in by_url.values():
        f = p.facts
        (rows.old_pages if p.url in stored.pages else rows.new_pages).append((
            p.url, p.site, run_id, p.status, p.content_type, p.size, f.title,
            f.platform, f.kind, f.generator, f.text,
            p.fetched_at or now().isoformat(), p.error, p.etag, p.last_modified))
        for contact in f.contacts:
            if is_suppressed(stored.blocked, p.site, contact.kind, contact.value):
                continue
            key = (p.site, contact.kind, contact.value)
            old = rows.contacts.get(key)
            if old is None or contact.confidence > old[5]:
                rows.contacts[key] = (p.site, contact.kind, contact.value, contact.source_url,
                                      contact.method, contact.confidence, contact.role,
                                      run_id, run_id)
        for link in f.links:
            if link.target_domain == p.site:
                continue
            rows.links[(link.source_url, link.target_url)] = (
                link.source_url, link.target_url, p.site, link.target_domain,
                link.anchor, link.section, run_id)
    return rows
