"""The only module that writes SQL: connect, migrate, batched writes, named queries.

Data always travels as parameters. Small batches are written column-wise through
`unnest`, one statement per table (executemany manages ~1.6 k rows/s here). Page batches,
the crawl's bulk, go through DuckDB's appender with upserts done by hand (add_pages):
ON CONFLICT would make each statement a MERGE that scans the whole table
(bench/store.py, bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from prospector.errors import DatabaseError, ExitCode, LockedError, ProspectorError
from prospector.models import Candidate, FetchedPage, SiteProfile

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The numbered migrations shipped with the package, in order."""
    folder = resources.files("prospector.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def _views_sql() -> str:
    return resources.files("prospector.store").joinpath("views.sql").read_text("utf-8")


def is_suppressed(blocked: dict[str, set[str]], site: str, kind: str, value: str) -> bool:
    """True when a contact of `site` is covered by a suppression: its site, its address,
    or (for emails) the domain after the @."""
    if site in blocked.get("domain", ()):
        return True
    if kind != "email":
        return False
    return value in blocked.get("email", ()) or (
        value.rpartition("@")[2] in blocked.get("email_domain", ()))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _explain_open_error(path: Path, exc: duckdb.Error) -> Exception:
    message = str(exc)
    if "lock" in message.lower():
        return LockedError(f"database {path} is in use by another process (locked); try again later")
    if any(m in message.lower() for m in _NOT_WRITABLE):
        return DatabaseError(f"database {path} cannot be written: permission denied")
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return DatabaseError(f"cannot open database {path}: {first}")


_NO_SPACE = ("no space left on device", "disk full", "disk quota exceeded")
_NOT_WRITABLE = ("read-only file system", "permission denied", "operation not permitted",
                 "read-only", "readonly")


def explain_storage_error(exc: BaseException, path: str | Path = "") -> ProspectorError | None:
    """A one-line error for a failed DB (or lock file) read or write, or None when `exc`
    is not one: a full disk (exit 7), a read-only or forbidden path (3), a lock (4)."""
    import errno

    if not isinstance(exc, duckdb.Error | OSError):
        return None
    where = f"database {path}" if path else "the database"
    message = str(exc).lower()
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EDQUOT) or any(m in message for m in _NO_SPACE):
        return ProspectorError(f"no space left on the device writing {where}: free some space "
                               "and run again (what was stored before is kept)", ExitCode.NO_SPACE)
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or any(m in message for m in _NOT_WRITABLE):
        return DatabaseError(f"{where} cannot be written: read-only or permission denied")
    if isinstance(exc, OSError):
        return None  # not a storage condition we know: a bug, let it show
    if "lock" in message:
        return LockedError(f"{where} is in use by another process (locked); try again later")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DatabaseError(f"{where} failed: {first}")


# add_pages: the tables' columns in the order its rows are built.
_PAGE_COLUMNS = ("url", "domain", "run_id", "status", "content_type", "bytes", "title",
                 "platform", "kind", "generator", "text", "fetched_at", "error", "etag",
                 "last_modified")
_CONTACT_COLUMNS = ("domain", "kind", "value", "source_url", "method", "confidence", "role",
                    "first_run", "last_run")
_LINK_COLUMNS = ("source_url", "target_url", "source_domain", "target_domain", "anchor",
                 "section", "run_id")

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
    WHERE pages.url = v.url
"""

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


# add_pages' ways to learn which keys of a batch are stored: take the batch for new
# (but the contacts the Store knows), look up its pages, contacts and the links of its
# stored pages, or look up every link too.
_GUESS, _LOOKUP, _LOOKUP_ALL = "guess", "lookup", "lookup-all"
# Contacts a Store remembers between batches; beyond, it starts afresh (a forgotten key
# costs at worst a batch written twice), so the crawl's memory stays flat.
_CONTACTS_SEEN_MAX = 50_000


def _contact_key(domain: str, kind: str, value: str) -> str:
    # A domain and a kind hold no NUL: the joined key is as unique as the tuple.
    return f"{domain}\0{kind}\0{value}"


class _WrongGuess(Exception):
    """A row add_pages took for stored is not: write the batch again, looking up."""


class Store:
    """A DuckDB file (or ':memory:') with the project schema."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        # add_pages' appenders, one a table, made at its first use (each call flushes).
        self._appenders: dict[str, Any] = {}
        # What add_pages knows of the tables without asking, so that a batch of new pages
        # needs no lookup (it was ≈ 15 % of a 200-page flush): the contacts it stored or
        # read whose last run is _seen_run (_contact_key -> confidence: strings and floats,
        # which the garbage collector does not track) and the suppressions. This
        # connection is the file's only writer while it writes pages (DuckDB locks the
        # file; the crawl closes its other connections first), and a wrong guess fails
        # safely: a key taken for new breaks a primary key, one taken for stored updates
        # no row, and either makes add_pages write the batch again, looking everything up.
        self._contacts_seen: dict[str, float] = {}
        self._seen_run: int | None = None
        self._blocked: dict[str, set[str]] | None = None
        # Whether the last batch found nothing stored: the next one skips the lookup.
        self._guess_new = True

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open (and for writers, create and migrate) the database at `path`.

        Raises DatabaseError / LockedError with a one-line message, never duckdb's own.
        """
        text = str(path)
        if text != ":memory:":
            p = Path(text)
            if p.is_dir():
                raise DatabaseError(f"database path {p} is a directory; give a file path")
            if read_only and not p.exists():
                raise DatabaseError(f"no database at {p}: run `prospector crawl` first")
            if not p.parent.exists():
                raise DatabaseError(f"folder {p.parent} does not exist")
        try:
            con = duckdb.connect(text, read_only=read_only)
            # No progress bar: DuckDB draws one on stdout for queries over 2 s, which
            # would end up in cron mail and in the output scripts parse.
            con.execute("SET enable_progress_bar = false")
        except duckdb.Error as exc:
            raise _explain_open_error(Path(text), exc) from None
        store = cls(con, text)
        try:
            if read_only:
                store._check_schema()
            else:
                store.migrate()
        except duckdb.Error as exc:  # migrate writes: a full disk or read-only file shows here
            con.close()
            raise explain_storage_error(exc, text) or DatabaseError(str(exc)) from None
        except BaseException:
            con.close()
            raise
        return store

    def close(self) -> None:
        self._appenders.clear()
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------
    def applied_versions(self) -> list[int]:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = self.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        return [int(r[0]) for r in rows]

    def _check_schema(self) -> None:
        known = {m.version for m in migrations()}
        applied = self.applied_versions()
        if not applied:
            raise DatabaseError(f"{self.path} is not a Prospector database (no schema)")
        newer = [v for v in applied if v not in known]
        if newer:
            raise DatabaseError(
                f"database {self.path} has schema version {max(newer)}, newer than this "
                f"Prospector knows ({max(known)}); upgrade Prospector"
            )

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, each in one transaction; refresh views."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        applied = set(self.applied_versions())
        known = migrations()
        newer = sorted(applied - {m.version for m in known})
        if newer:
            raise DatabaseError(
                f"database {self.path} has schema version {newer[-1]}, newer than this "
                f"Prospector knows ({known[-1].version}); upgrade Prospector"
            )
        done = []
        for migration in known:
            if migration.version in applied:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(migration.sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [migration.version, migration.name, _now()],
                )
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise DatabaseError(f"migration {migration.name} failed: {exc}") from None
            done.append(migration.version)
        self.con.execute(_views_sql())
        return done

    # -- runs --------------------------------------------------------------------
    def start_run(self, keyword: str, config_json: str) -> int:
        row = self.con.execute(
            "INSERT INTO runs (keyword, config, started_at, status) VALUES (?, ?, ?, 'running')"
            " RETURNING run_id",
            [keyword, config_json, _now()],
        ).fetchone()
        assert row is not None
        return int(row[0])

    def finish_run(self, run_id: int, status: str) -> None:
        """Close a run: derive each site's kind, platform, title and page count from
        its pages, and record the run's counts."""
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute(
            """
            UPDATE sites SET
                platform = coalesce(agg.platform, sites.platform),
                kind = coalesce(agg.kind, sites.kind),
                title = coalesce(agg.title, sites.title),
                pages = agg.pages,
                status = CASE WHEN agg.ok > 0 THEN 'ok' WHEN agg.pages > 0 THEN 'error'
                              ELSE sites.status END
            FROM (
                SELECT domain,
                       -- The home page (shortest URL) speaks for the site: a shop's
                       -- about page looks like any WordPress page, its home does not.
                       arg_min(platform, length(url)) FILTER (WHERE platform <> '') AS platform,
                       arg_min(kind, length(url)) FILTER (WHERE kind NOT IN ('', 'other')) AS kind,
                       arg_min(title, length(url)) FILTER (WHERE title <> '') AS title,
                       count(*) AS pages,
                       count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS ok
                FROM pages GROUP BY domain
            ) AS agg
            WHERE sites.domain = agg.domain AND sites.last_run = ?
            """,
            [run_id],
        )
        self.con.execute(
            """
            UPDATE runs SET finished_at = ?, status = ?,
                sites = (SELECT count(*) FROM sites WHERE last_run = ?),
                pages = (SELECT count(*) FROM pages WHERE run_id = ?),
                contacts = (SELECT count(*) FROM contacts WHERE last_run = ?)
            WHERE run_id = ?
            """,
            [_now(), status, run_id, run_id, run_id, run_id],
        )
        self.con.execute("COMMIT")

    # -- batched writes ------------------------------------------------------------
    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                conflict: str = "") -> None:
        """Insert `rows` column-wise in one statement. `table`, `columns` and `conflict`
        are constants of this module, never data."""
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        select = ", ".join(f"unnest(${i + 1}) AS {name}" for i, name in enumerate(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} {conflict}"
        self.con.execute(sql, [list(c) for c in cols])

    def add_candidates(self, run_id: int, candidates: Iterable[Candidate]) -> None:
        self.write_batch(run_id, (), candidates=list(candidates))

    def _upsert_candidates(self, run_id: int, candidates: Iterable[Candidate]) -> None:
        now = _now()
        unique = {c.domain: c for c in reversed(list(candidates)) if c.domain}
        items = list(unique.values())
        self._insert(
            "sites",
            ("domain", "url", "source", "why", "status", "first_run", "last_run",
             "first_seen", "last_seen", "distance", "via"),
            [(c.domain, c.url, c.source, c.why, "queued", run_id, run_id, now, now,
              c.distance, c.via) for c in items],
            "ON CONFLICT (domain) DO UPDATE SET last_run = excluded.last_run,"
            " last_seen = excluded.last_seen, url = excluded.url",
        )
        self._insert(
            "discoveries",
            ("run_id", "domain", "url", "source", "why", "rank", "distance", "via"),
            [(run_id, c.domain, c.url, c.source, c.why, c.rank, c.distance, c.via)
             for c in items],
            "ON CONFLICT DO NOTHING",
        )

    def record_discoveries(self, run_id: int, candidates: Iterable[Candidate]) -> None:
        """What discovery found for a run, released or not: a resumed run starts from it."""
        unique = {c.domain: c for c in reversed(list(candidates)) if c.domain}
        self._insert(
            "discoveries",
            ("run_id", "domain", "url", "source", "why", "rank", "distance", "via"),
            [(run_id, c.domain, c.url, c.source, c.why, c.rank, c.distance, c.via)
             for c in unique.values()],
            "ON CONFLICT DO NOTHING",
        )

    def abandon_dead_runs_except(self, keep: int | None) -> int:
        """Runs left 'running' by a process that died: called while holding the run lock,
        so none of them is alive."""
        rows = self.con.execute(
            "UPDATE runs SET status = 'killed' WHERE status = 'running' AND run_id <> ?"
            " RETURNING run_id", [keep or 0]).fetchall()
        return len(rows)

    def add_pages(self, run_id: int, pages: Sequence[FetchedPage]) -> None:
        """Store a batch of fetched pages with their contacts and links, atomically."""
        self.write_batch(run_id, pages)

    def write_batch(self, run_id: int, pages: Sequence[FetchedPage], *,
                    candidates: Sequence[Candidate] = (), profiles: Sequence[SiteProfile] = (),
                    unchanged: Sequence[str] = (), crawled: Sequence[str] = ()) -> None:
        """One flush of the crawl in one transaction, in this order: the candidates (their
        site rows), the pages with their contacts and links, the sites' merged facts, the
        pages answered 304 (`unchanged` URLs), the sites whose crawl ended (`crawled`).
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
        if by_url and self._guess_new:
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
                    self._contacts_seen.clear()

    def _write_batch(self, run_id: int, by_url: dict[str, FetchedPage], mode: str,
                     candidates: Sequence[Candidate], profiles: Sequence[SiteProfile],
                     unchanged: Sequence[str], crawled: Sequence[str]) -> None:
        seen: dict[str, float] = {}
        found_pages = False
        self.con.execute("BEGIN TRANSACTION")
        try:
            if candidates:
                self._upsert_candidates(run_id, candidates)
            if by_url:
                seen, found_pages = self._write_pages(run_id, by_url, mode)
            self.update_site_facts(profiles)
            self._touch_pages(run_id, unchanged)
            self.mark_sites_crawled(run_id, crawled)
            self.con.execute("COMMIT")
        except BaseException:
            # A COMMIT that failed (a full disk) has already ended the transaction: the
            # ROLLBACK must not hide the original error.
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        # Only what is committed is remembered.
        if by_url:
            if (self._seen_run != run_id
                    or len(self._contacts_seen) + len(seen) > _CONTACTS_SEEN_MAX):
                self._contacts_seen.clear()
                self._seen_run = run_id
            self._contacts_seen.update(seen)
            self._guess_new = not found_pages

    def _write_pages(self, run_id: int, by_url: dict[str, FetchedPage], mode: str
                     ) -> tuple[dict[str, float], bool]:
        """The pages' rows, in the open transaction. Returns the contacts known stored
        with `run_id` as last run (_contact_key -> confidence), and whether any of the
        pages was stored already."""
        stored_pages: set[str] = set()
        stored_contacts: dict[tuple[str, str, str], tuple[float, int | None]] = {}
        if mode == _GUESS:
            known, seen_run = self._contacts_seen, self._seen_run
            for p in by_url.values():
                for contact in p.facts.contacts:
                    key = (p.site, contact.kind, contact.value)
                    confidence = known.get(_contact_key(*key))
                    if confidence is not None:
                        stored_contacts[key] = (confidence, seen_run)
            blocked = self._suppressions_known()
        else:
            blocked = {"email": set(), "domain": set(), "email_domain": set()}
            sites = sorted({p.site for p in by_url.values()})
            for tag, a, b, c, number, run in self.con.execute(
                    _STORED_KEYS, [list(by_url), sites]).fetchall():
                if tag == "page":
                    stored_pages.add(a)
                elif tag == "contact":
                    stored_contacts[(a, b, c)] = (number, run)
                else:
                    blocked.setdefault(b, set()).add(a)
            self._blocked = blocked
        link_sources = sorted({
            link.source_url for p in by_url.values() for link in p.facts.links
            if mode == _LOOKUP_ALL or link.source_url != p.url or p.url in stored_pages})
        stored_links: dict[tuple[str, str], int | None] = {}
        if link_sources:
            stored_links = {(a, b): run for a, b, run in self.con.execute(
                _STORED_LINKS, [link_sources]).fetchall()}

        new_pages: list[tuple[Any, ...]] = []
        old_pages: list[tuple[Any, ...]] = []
        contacts: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        links: dict[tuple[str, str], tuple[Any, ...]] = {}
        for p in by_url.values():
            f = p.facts
            (old_pages if p.url in stored_pages else new_pages).append((
                p.url, p.site, run_id, p.status, p.content_type, p.size, f.title,
                f.platform, f.kind, f.generator, f.text,
                p.fetched_at or _now().isoformat(), p.error, p.etag, p.last_modified))
            for contact in f.contacts:
                if is_suppressed(blocked, p.site, contact.kind, contact.value):
                    continue
                key = (p.site, contact.kind, contact.value)
                old = contacts.get(key)
                if old is None or contact.confidence > old[5]:
                    contacts[key] = (p.site, contact.kind, contact.value, contact.source_url,
                                     contact.method, contact.confidence, contact.role,
                                     run_id, run_id)
            for link in f.links:
                if link.target_domain == p.site:
                    continue
                links[(link.source_url, link.target_url)] = (
                    link.source_url, link.target_url, p.site, link.target_domain,
                    link.anchor, link.section, run_id)
        new_contacts = [row for key, row in contacts.items() if key not in stored_contacts]
        # A stored contact changes only when this run first sees it or sees it surer.
        old_contacts = [(*key, row[5]) for key, row in contacts.items()
                        if key in stored_contacts
                        and (stored_contacts[key][1] != run_id
                             or row[5] > stored_contacts[key][0])]
        new_links = [row for key, row in links.items() if key not in stored_links]
        old_links = [key for key in links if key in stored_links
                     and stored_links[key] != run_id]

        self._append("pages", _PAGE_COLUMNS, new_pages)
        self._append("contacts", _CONTACT_COLUMNS, new_contacts)
        self._append("links", _LINK_COLUMNS, new_links)
        if old_pages:
            self.con.execute(_UPDATE_PAGES, [list(c) for c in zip(*old_pages, strict=True)])
        if old_contacts:
            updated = self.con.execute(
                _UPDATE_CONTACTS,
                [run_id, *(list(c) for c in zip(*old_contacts, strict=True))]).fetchone()
            if mode == _GUESS and (updated is None or updated[0] != len(old_contacts)):
                raise _WrongGuess("a contact taken for stored is not")
        if old_links:
            self.con.execute(_UPDATE_LINKS,
                             [run_id, *(list(c) for c in zip(*old_links, strict=True))])

        seen = {_contact_key(*key): confidence
                for key, (confidence, run) in stored_contacts.items() if run == run_id}
        for key, row in contacts.items():
            before = stored_contacts.get(key)
            seen[_contact_key(*key)] = row[5] if before is None else max(before[0], row[5])
        return seen, bool(stored_pages)

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
            ))
        cols = list(zip(*rows, strict=True))
        self.con.execute(
            """
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
                feeds = CASE WHEN len(v.feeds) > 0 THEN v.feeds ELSE sites.feeds END
            FROM (SELECT unnest(?::VARCHAR[]) AS domain, unnest(?::INTEGER[]) AS members,
                         unnest(?::INTEGER[]) AS topics, unnest(?::INTEGER[]) AS posts,
                         unnest(?::INTEGER[]) AS online,
                         unnest(?::BOOLEAN[]) AS registration_open,
                         unnest(?::INTEGER[]) AS comments, unnest(?::VARCHAR[]) AS latest_date,
                         unnest(?::VARCHAR[]) AS newsletter, unnest(?::VARCHAR[]) AS signals,
                         unnest(?::VARCHAR[]) AS owner, unnest(?::VARCHAR[][]) AS feeds) v
            WHERE sites.domain = v.domain
            """,
            [list(c) for c in cols],
        )

    # -- incremental crawls and resume ---------------------------------------------------
    def mark_sites_crawled(self, run_id: int, domains: Sequence[str]) -> None:
        """Sites whose crawl reached its end: a resumed run and a re-crawl within
        --max-age skip them."""
        if not domains:
            return
        self.con.execute(
            "UPDATE sites SET crawled_at = ?, crawl_run = ?"
            " WHERE domain IN (SELECT unnest(?::VARCHAR[]))",
            [_now(), run_id, list(domains)],
        )

    def crawled_sites(self, *, run_id: int | None = None,
                      max_age_days: float | None = None) -> set[str]:
        """Sites crawled to the end in run `run_id`, or within `max_age_days` with success."""
        if run_id is not None:
            rows = self.con.execute(
                "SELECT domain FROM sites WHERE crawl_run = ?", [run_id]).fetchall()
        else:
            cutoff = _now() - timedelta(days=max_age_days or 0.0)
            rows = self.con.execute(
                "SELECT domain FROM sites WHERE status = 'ok' AND crawled_at >= ?",
                [cutoff]).fetchall()
        return {str(r[0]) for r in rows}

    def run_candidates(self, run_id: int) -> list[Candidate]:
        """The candidates a run had recorded, to resume it without asking again."""
        rows = self.rows(
            "SELECT d.url, d.domain, d.why, d.source, d.rank, d.distance, d.via"
            " FROM discoveries d WHERE d.run_id = ? ORDER BY d.source = 'link', d.rank",
            [run_id])
        return [Candidate(url=r["url"], domain=r["domain"], why=r["why"], source=r["source"],
                          rank=r["rank"], distance=r["distance"], via=r["via"]) for r in rows]

    def links_from(self, domains: set[str], keyword_regex: str) -> list[dict[str, Any]]:
        """Stored outbound links of on-topic sites among `domains`: a skipped site still
        leads the focused crawl to the sites it links to."""
        if not domains:
            return []
        return self.rows(
            """
            SELECT l.source_domain, l.source_url, l.target_url, l.target_domain, l.anchor,
                   l.section, s.distance
            FROM links l JOIN sites s ON s.domain = l.source_domain
            WHERE l.source_domain IN (SELECT unnest(?::VARCHAR[]))
              AND l.source_domain IN (
                  SELECT domain FROM pages
                  GROUP BY domain
                  HAVING sum(len(regexp_extract_all(lower(title || ' ' || text), ?))) > 0)
            ORDER BY l.source_domain, l.source_url, l.target_url
            """,
            [sorted(domains), keyword_regex],
        )

    def validators(self, domains: set[str]) -> dict[str, tuple[str, str]]:
        """url → (ETag, Last-Modified) of stored pages of `domains`."""
        if not domains:
            return {}
        rows = self.con.execute(
            "SELECT url, etag, last_modified FROM pages WHERE status = 200"
            " AND (etag <> '' OR last_modified <> '')"
            " AND domain IN (SELECT unnest(?::VARCHAR[]))", [sorted(domains)]).fetchall()
        return {str(u): (str(e), str(m)) for u, e, m in rows}

    def touch_pages(self, run_id: int, urls: Sequence[str]) -> None:
        """Pages answered 304 Not Modified: still true in this run."""
        self.write_batch(run_id, (), unchanged=urls)

    def _touch_pages(self, run_id: int, urls: Sequence[str]) -> None:
        if not urls:
            return
        self.con.execute("UPDATE pages SET run_id = ?, fetched_at = ?"
                         " WHERE url IN (SELECT unnest(?::VARCHAR[]))", [run_id, _now(), list(urls)])
        self.con.execute("UPDATE contacts SET last_run = ?"
                         " WHERE source_url IN (SELECT unnest(?::VARCHAR[]))", [run_id, list(urls)])

    # -- suppression and outreach status ---------------------------------------------
    def suppressions(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {"email": set(), "domain": set(), "email_domain": set()}
        for value, kind in self.con.execute("SELECT value, kind FROM suppressions").fetchall():
            found.setdefault(str(kind), set()).add(str(value))
        return found

    def suppress(self, entries: Sequence[tuple[str, str]], note: str = "") -> int:
        """Add (value, kind) suppressions and delete the contacts they cover; returns the
        number of contacts deleted."""
        # add_pages' knowledge of contacts and suppressions is out of date from here.
        self._contacts_seen.clear()
        self._blocked = None
        self.con.execute("BEGIN TRANSACTION")
        self._insert("suppressions", ("value", "kind", "added_at", "note"),
                     [(v, k, _now(), note) for v, k in entries], "ON CONFLICT DO NOTHING")
        blocked = self.suppressions()
        doomed = [(d, k, v) for d, k, v in self.con.execute(
            "SELECT domain, kind, value FROM contacts").fetchall()
            if is_suppressed(blocked, str(d), str(k), str(v))]
        for domain, kind, value in doomed:
            self.con.execute("DELETE FROM contacts WHERE domain = ? AND kind = ? AND value = ?",
                             [domain, kind, value])
        self.con.execute("COMMIT")
        return len(doomed)

    def mark_contacted(self, target: str, kind: str, domain: str, note: str) -> None:
        self.con.execute(
            "INSERT INTO contacted VALUES (?, ?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET"
            " contacted_at = excluded.contacted_at, note = excluded.note",
            [target, kind, domain, _now(), note])

    # -- reading -------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = self.con.execute(sql, list(params))
        columns = [d[0] for d in cursor.description or ()]
        return columns, cursor.fetchall()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        columns, rows = self.query(sql, params)
        return [dict(zip(columns, r, strict=True)) for r in rows]

    # -- scoring inputs and outputs --------------------------------------------------
    def site_features(self, keyword_regex: str) -> list[dict[str, Any]]:
        """Per site: keyword hits over its pages' titles and text, pages, best channel."""
        return self.rows(
            """
            SELECT s.domain, s.kind, s.platform, s.status, s.pages,
                   coalesce(h.hits, 0) AS hits,
                   coalesce(h.words, 0) AS words,
                   b.kind AS channel, b.role AS role
            FROM sites s
            LEFT JOIN (
                SELECT domain,
                       sum(len(regexp_extract_all(lower(title || ' ' || text), ?))) AS hits,
                       sum(len(string_split(text, ' '))) AS words
                FROM pages GROUP BY domain
            ) h USING (domain)
            LEFT JOIN best_contacts b USING (domain)
            ORDER BY s.domain
            """,
            [keyword_regex],
        )

    def write_scores(self, run_id: int | None, scores: Sequence[tuple[str, float, str]]) -> None:
        """Replace all scores at once: (domain, score, breakdown JSON)."""
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM scores")
        self._insert("scores", ("domain", "run_id", "score", "breakdown"),
                     [(d, run_id, s, b) for d, s, b in scores])
        self.con.execute("COMMIT")

    def last_run_id(self) -> int | None:
        row = self.con.execute("SELECT max(run_id) FROM runs").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    # -- issue 5: link graph, site metrics, two scores ---------------------------------
    def score_inputs(self) -> list[dict[str, Any]]:
        """Per site, the facts the scores read: kind, status, community numbers,
        activity, newsletter, deal signals and the best channel."""
        return self.rows(
            """
            SELECT s.domain, s.kind, s.platform, s.status, s.pages, s.members, s.topics,
                   s.posts, s.online, s.registration_open, s.comments, s.latest_date,
                   s.newsletter_provider, s.deal_signals, b.kind AS channel, b.role AS role
            FROM sites s LEFT JOIN best_contacts b USING (domain)
            ORDER BY s.domain
            """)

    # Pages per term_counts query. DuckDB runs a query a vector (2,048 rows) at a time
    # and each string step (lower, replace, the matches) holds a copy of the vector's
    # text: ≈70 MB more at 16 KB of text a page, ≈7 MB for 256 rows.
    TERM_BATCH = 256

    def term_counts(self, pattern: str) -> list[dict[str, Any]]:
        """Per site: matches of `pattern` (a regex over lower-cased text) in its pages'
        titles and in their text, and its length in words.

        Summed over slices of TERM_BATCH rowids: the same integer sums (a NULL sum where
        every page's is NULL) as one query over the table, with a flat peak."""
        top = self.con.execute("SELECT max(rowid) FROM pages").fetchone()
        end = int(top[0]) + 1 if top and top[0] is not None else 0
        totals: dict[str, list[int | None]] = {}
        for low in range(0, end, self.TERM_BATCH):
            part = self.con.execute(
                """
                SELECT domain,
                       sum(len(regexp_extract_all(lower(title), ?))) AS title_hits,
                       sum(len(regexp_extract_all(lower(text), ?))) AS text_hits,
                       -- words = spaces + 1 per string, counted without splitting: a
                       -- string_split list of every word peaked at ≈400 MB on 5,000 pages
                       sum(length(title) - length(replace(title, ' ', ''))
                           + length(text) - length(replace(text, ' ', '')) + 2) AS words
                FROM pages
                WHERE status BETWEEN 200 AND 299 AND rowid >= ? AND rowid < ?
                GROUP BY domain
                """,
                [pattern, pattern, low, low + self.TERM_BATCH]).fetchall()
            for domain, *sums in part:
                acc = totals.setdefault(str(domain), [None, None, None])
                for i, value in enumerate(sums):
                    if value is not None:
                        acc[i] = int(value) + (acc[i] or 0)
        return [{"domain": d, "title_hits": t, "text_hits": x, "words": w}
                for d, (t, x, w) in sorted(totals.items())]

    # Links per link_edges query: its GROUP BY keeps lists per edge that DuckDB cannot
    # spill; all 150,000 links of a 50,000-page crawl at once ran out of 64 MB.
    EDGE_SLICE = 20_000

    def link_edges(self) -> Iterable[tuple[Any, ...]]:
        """The crawl's links between stored sites, one row per (source, target) site:
        (source_domain, target_domain, links, pages, anchors (the first five, sorted),
        sections), in order. Tuples rather than a dict a row (there are tens of edges a
        site), made a slice of source sites at a time (each slice at most EDGE_SLICE
        links, or one site)."""
        where = """
            FROM links l
            WHERE l.source_domain <> l.target_domain
              AND l.source_domain IN (SELECT domain FROM sites)
              AND l.target_domain IN (SELECT domain FROM sites)
        """
        per_source = self.con.execute(
            "SELECT l.source_domain, count(*)" + where
            + " GROUP BY l.source_domain ORDER BY l.source_domain").fetchall()
        bounds: list[tuple[str, str]] = []
        first = last = ""
        total = 0
        for source, links in per_source:
            if total and total + links > self.EDGE_SLICE:
                bounds.append((first, last))
                total = 0
            if not total:
                first = source
            last, total = source, total + links
        if total:
            bounds.append((first, last))
        for low, high in bounds:
            yield from self.con.execute(
                """
                SELECT l.source_domain, l.target_domain, count(*) AS links,
                       count(DISTINCT l.source_url) AS pages,
                       list_sort(list_distinct(list(l.anchor) FILTER (WHERE l.anchor <> '')))
                           [1:5] AS anchors,
                       list_sort(list_distinct(list(l.section))) AS sections
                """ + where + """
                  AND l.source_domain BETWEEN ? AND ?
                GROUP BY l.source_domain, l.target_domain
                ORDER BY l.source_domain, l.target_domain
                """, [low, high]).fetchall()

    def shared_contacts(self) -> list[dict[str, Any]]:
        """Email addresses published on more than one site: one owner behind them."""
        return self.rows(
            """
            SELECT value, list_sort(list_distinct(list(domain))) AS domains
            FROM contacts WHERE kind = 'email'
            GROUP BY value HAVING count(DISTINCT domain) > 1
            ORDER BY value
            """)

    def run_date(self) -> datetime | None:
        """When the latest run started: activity is measured from it, not from now."""
        row = self.con.execute(
            "SELECT started_at FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        return row[0] if row and isinstance(row[0], datetime) else None

    def write_site_scores(self, run_id: int | None, graph: Iterable[tuple[Any, ...]],
                          metrics: Iterable[tuple[Any, ...]],
                          scores: Iterable[tuple[Any, ...]]) -> None:
        """Replace the link graph, the site metrics and the scores at once; each is read
        once, in slices (rows may be made as they are written).

        graph: (source, target, links, pages, anchors, sections, weight, same_owner);
        metrics: (domain, owner_group, pagerank, hub, authority, inlinks, bm25);
        scores: (domain, score, breakdown, jv_score, jv_breakdown, community_score,
        community_breakdown)."""
        # Rows per INSERT: DuckDB turns each parameter list into one LIST value whose
        # conversion costs several times the Python rows (+33 MB for 14,603 site links
        # in one statement, +20 MB a statement of 500 or 2,000): bounded, not O(rows).
        step = 1_000

        def insert(table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
                   ) -> None:
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == step:
                    self._insert(table, columns, chunk)
                    chunk = []
            self._insert(table, columns, chunk)

        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in ("site_links", "site_metrics", "scores"):
                self.con.execute(f"DELETE FROM {table}")
            insert("site_links", ("source_domain", "target_domain", "links", "pages",
                                  "anchors", "sections", "weight", "same_owner"), graph)
            insert("site_metrics", ("domain", "owner_group", "pagerank", "hub", "authority",
                                    "inlinks", "bm25"), metrics)
            insert("scores", ("domain", "run_id", "score", "breakdown", "jv_score",
                              "jv_breakdown", "community_score", "community_breakdown"),
                   ((d, run_id, *rest) for d, *rest in scores))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
