"""What the crawl's items do to the DB, in one place: used by the single-process
pipeline and by the distributed loader alike, so both store exactly the same rows.

The DB is open only while batches are being written (for HOLD_SECONDS at most at a
time): DuckDB lets no other process open a file that one process holds for writing, not
even to read, so a crawl that kept it open would lock `prospector sql`, the report and
every other reader out for hours. In between any reader may open it; a reader's view is
at most `flush_seconds` old."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prospector.config.scrapy import CrawlSettings
from prospector.errors import LockedError
from prospector.extract import merge_site
from prospector.extract.feeds import FeedFetched
from prospector.extract.newsletter import NewsletterFacts
from prospector.models import Candidate, FetchedPage, PageFacts, PageUnchanged, SiteDone, SiteProfile
from prospector.store.batch import WriteMemo
from prospector.store.connection import LOCK_RETRY_SECONDS
from prospector.store.db import Store

log = logging.getLogger(__name__)

# How long a write that must happen (a full buffer, the run's end) waits for readers to
# let go of the file before the crawl gives up (a reader's query takes seconds at most).
WRITE_WAIT_SECONDS = 120.0
# How long the crawl keeps the DB open across batches before it lets go: readers wait
# (up to 5 s) for it; a fast crawl writes a batch every second or so, and opening and
# closing the file for each one cost it a third of its pages/s.
HOLD_SECONDS = 2.0
# A fast crawl fills a batch (PROSPECTOR_BATCH_SIZE, 200 pages) every two seconds or so,
# and each write costs a fixed part (a commit, an append a table, the file reopened)
# besides its rows: 200-page writes reached 0.38x DuckDB's read_json, 1,000-page ones
# 0.59x (bench/store.py). So a sink writing through a WriteOpener gathers up to this
# many batches while its last write is younger than the job's flush_seconds: a kill
# still loses at most flush_seconds of pages, and the pipeline's forced write at
# MAX_BUFFERED_BATCHES batches (more than this) still bounds the buffer. A polite crawl
# never fills a batch within flush_seconds, so it is not affected. Two, not five: what
# a write holds sets the crawl's peak (the pages in Python, DuckDB's copy of them, ≈ 0.08
# MB a page with a bulk page's 17 KB of text). With the guard's DNS no longer holding
# it back, a fast crawl (370 pages/s) peaked at 300 MB at 50,000 pages with 600-page
# writes, 284 MB with 400-page ones; 400-page writes keep the store's rate (0.61x
# read_json against 0.66x at 600; bench/RESULTS.md issue 23).
COALESCE_BATCHES = 2
# The most batches one write takes; pages past them stay buffered for the next write.
# While a write is in flight a fast crawl's pages pile up (at 470 pages/s, writes of up
# to 935 pages), and each page in a write costs DuckDB's memory besides its own until
# the commit (bench/RESULTS.md issue 23 third pass). A buffer of more than twice that
# is written whole, so that a crawl faster than capped writes cannot outgrow them.
WRITE_BATCHES = COALESCE_BATCHES
# After letting go, the sink leaves the file alone this long before it opens it again: a
# reader waiting for the file tries again every LOCK_RETRY_SECONDS (store.connection),
# so a gap of three of its intervals lets a waiting reader's next attempt (and the
# attempt's own few ms) land while the file is free. Without it a fast crawl re-took the
# file right after letting go and a reader could miss every free moment for seconds
# (test_readers: 5.16 s against its 5 s bound). A non-blocking flush inside the gap is
# simply tried again later (the pipeline's RETRY_SECONDS, longer than the gap).
REOPEN_GAP_SECONDS = 3 * LOCK_RETRY_SECONDS
# The log line each flush leaves at INFO (bench/batches.py reads the pages of each).
FLUSH_LOG = "stored a batch of %d pages (%d other items) in %.1f ms"


class StoreSink:
    """Buffers items and writes them in batches; `flush` commits what is buffered.

    `target` is an open Store (kept open: tests, benchmarks) or a function that opens
    one, waiting up to the seconds it is given for a held file: then the sink opens the
    DB for its writes and lets go of it after them (see `_writing`)."""

    def __init__(self, target: Store | Callable[[float], Store], run_id: int) -> None:
        self.target = target
        self.run_id = run_id
        self._held: Store | None = None  # the DB while this sink holds it open
        self._held_since = 0.0
        self._released_at = -REOPEN_GAP_SECONDS  # monotonic time of the last release
        self._wrote_at = float("-inf")  # monotonic time of the last write that happened
        self._last_write = 0.0
        # What the write path knows of the tables, kept across the DBs this sink opens.
        self.memo = WriteMemo()
        self.pending: list[FetchedPage] = []
        self.candidates: list[Candidate] = []
        self.done: list[str] = []
        self.unchanged: list[str] = []
        self.feeds: list[FeedFetched] = []  # sites' main feeds (issue 21), stored as posts
        self.letters: list[NewsletterFacts] = []  # newsletters' sign-ups and readers
        # Each site's page facts until its crawl ends, then merged into one profile.
        self.site_pages: dict[str, list[PageFacts]] = {}
        self.profiles: list[SiteProfile] = []

    def add(self, item: Any) -> None:
        if isinstance(item, FetchedPage):
            self.pending.append(item)
            if 200 <= item.status < 300:
                self.site_pages.setdefault(item.site, []).append(item.facts)
        elif isinstance(item, Candidate):
            # Candidates come once, before their pages; written in one statement at the
            # start of the next flush, so a site row exists for every page of the batch
            # (one transaction per site was ≈ 9 % of the crawl thread).
            self.candidates.append(item)
        elif isinstance(item, SiteDone):
            self.done.append(item.site)
            self._merge(item.site)
        elif isinstance(item, PageUnchanged):
            self.unchanged.append(item.url)
        elif isinstance(item, FeedFetched):
            self.feeds.append(item)
        elif isinstance(item, NewsletterFacts):
            self.letters.append(item)

    def __len__(self) -> int:
        return len(self.pending)

    def _merge(self, site: str) -> None:
        pages = self.site_pages.pop(site, [])
        if pages:
            self.profiles.append(merge_site(pages))

    def flush(self, wait: bool = True) -> bool:
        """Everything buffered in one transaction (one commit, where each kind of item
        had its own): the candidates first, then the pages, then the sites they
        complete: a site is marked crawled only once everything fetched from it is
        stored, so a killed crawl redoes it.

        When `wait` is False, nothing is written and everything stays buffered (False)
        while a reader holds the file, or while the sink gathers batches (see
        COALESCE_BATCHES): the crawl goes on and tries again later."""
        if not wait and not self._due():
            return False
        started = time.monotonic()  # what this write stores was buffered before it
        try:
            with self._writing(wait) as store:
                self._flush_into(store)
        except LockedError:
            if wait:
                raise
            return False
        self._wrote_at = started
        return True

    def _due(self) -> bool:
        """Whether a write the pipeline asks for happens now: always for an open Store
        (tests, benches, the distributed loader: each flush is a write); through a
        WriteOpener once COALESCE_BATCHES batches are buffered or the last write is
        flush_seconds old."""
        if not isinstance(self.target, WriteOpener):
            return True
        job = self.target.job
        return (len(self.pending) >= COALESCE_BATCHES * job.batch_size
                or time.monotonic() - self._wrote_at >= job.flush_seconds)

    def close(self, status: str) -> None:
        """Flush everything, merging sites whose end was never signalled, and finish
        the run."""
        for site in list(self.site_pages):
            self._merge(site)
        try:
            with self._writing(wait=True) as store:
                self._flush_into(store)
                while self.pending:  # (each write holds WRITE_BATCHES batches at most)
                    self._flush_into(store)
                store.finish_run(self.run_id, status)
        finally:
            self.release()

    def _write_cap(self) -> int:
        """The pages one write takes through a WriteOpener (see WRITE_BATCHES)."""
        cap = len(self.pending)
        if isinstance(self.target, WriteOpener):
            most = WRITE_BATCHES * self.target.job.batch_size
            cap = most if most < cap <= 2 * most else cap
        return max(1, cap)

    def _flush_into(self, store: Store) -> None:
        started = time.perf_counter()
        cap = self._write_cap()
        batch, self.pending = self.pending[:cap], self.pending[cap:]
        # A site is marked crawled (with its merged facts) only in the write that stores
        # its last pages: one with pages left for the next write waits for it.
        later = {page.site for page in self.pending}
        done = [site for site in self.done if site not in later]
        self.done = [site for site in self.done if site in later]
        profiles = [p for p in self.profiles if p.domain not in later]
        self.profiles = [p for p in self.profiles if p.domain in later]
        unchanged, self.unchanged = self.unchanged, []
        candidates, self.candidates = self.candidates, []
        feeds, self.feeds = self.feeds, []
        store.write_batch(self.run_id, batch, candidates=candidates, profiles=profiles,
                          unchanged=unchanged, crawled=done)
        store.write_feeds(self.run_id, feeds)
        letters, self.letters = self.letters, []
        store.write_newsletters(letters)
        others = len(done) + len(unchanged) + len(profiles) + len(candidates) + len(feeds) \
            + len(letters)
        log.info(FLUSH_LOG, len(batch), others, (time.perf_counter() - started) * 1000)

    @contextmanager
    def _writing(self, wait: bool) -> Iterator[Store]:
        """The store to write to: the open one given, or the DB this sink opened. It
        keeps the DB open across the batches of HOLD_SECONDS, then lets go after a
        write: opening and closing (a checkpoint) for every batch cost a fast crawl a
        third of its pages/s, while readers wait a few seconds at most anyway."""
        if isinstance(self.target, Store):
            yield self.target
            return
        if self._held is None:
            gap = self._released_at + REOPEN_GAP_SECONDS - time.monotonic()
            if gap > 0:
                if not wait:
                    raise LockedError("the DB was let go a moment ago: readers go first")
                time.sleep(gap)
            self._held = self.target(WRITE_WAIT_SECONDS if wait else 0.0)
            self._held.memo = self.memo
            self._held_since = time.monotonic()
        try:
            yield self._held
        finally:
            self.maybe_release(wrote=True)

    def maybe_release(self, wrote: bool = False) -> None:
        """Let go of the DB once it has been held HOLD_SECONDS, or when writes are
        sparse (the last one over HOLD_SECONDS ago): called after each write and by
        the pipeline's timer, so an idle crawl never keeps readers out."""
        now = time.monotonic()
        last, self._last_write = self._last_write, (now if wrote else self._last_write)
        if self._held is not None and (now - self._held_since >= HOLD_SECONDS
                                       or now - last >= HOLD_SECONDS):
            self.release()

    def release(self) -> None:
        """Close the DB if this sink holds it open (readers get in until the next write)."""
        if self._held is not None:
            held, self._held = self._held, None
            try:
                held.close()
            finally:
                self._released_at = time.monotonic()


@dataclass(frozen=True)
class WriteOpener:
    """Opens the DB for writing (waiting up to the seconds it is given for a held file),
    its memory and threads bounded as the job says: DuckDB's defaults (80 % of RAM, a
    thread per core) let a long crawl's buffer pool grow with what it wrote. The job
    also tells a sink writing through it how often it must write (flush_seconds)."""

    db_path: str | Path
    job: CrawlSettings

    def __call__(self, wait: float = 0.0) -> Store:
        store = Store.open(self.db_path, migrate=False, wait=wait)  # migrated when the run began
        if str(self.db_path) != ":memory:":
            store.set_db_limits(self.job.db_memory_limit or None,
                                self.job.db_threads if self.job.db_threads > 0 else None)
        return store


def write_opener(db_path: str | Path, job: CrawlSettings) -> Callable[[float], Store]:
    """The crawl's way to open its DB for a write (see WriteOpener)."""
    return WriteOpener(db_path, job)
