"""What the crawl's items do to the DB, in one place: used by the single-process
pipeline and by the distributed loader alike, so both store exactly the same rows."""

from __future__ import annotations

from typing import Any

from prospector.extract import merge_site
from prospector.models import Candidate, FetchedPage, PageFacts, PageUnchanged, SiteDone, SiteProfile
from prospector.store.db import Store


class StoreSink:
    """Buffers items and writes them in batches; `flush` commits what is buffered."""

    def __init__(self, store: Store, run_id: int) -> None:
        self.store = store
        self.run_id = run_id
        self.pending: list[FetchedPage] = []
        self.candidates: list[Candidate] = []
        self.done: list[str] = []
        self.unchanged: list[str] = []
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

    def __len__(self) -> int:
        return len(self.pending)

    def _merge(self, site: str) -> None:
        pages = self.site_pages.pop(site, [])
        if pages:
            self.profiles.append(merge_site(pages))

    def flush(self) -> None:
        """Everything buffered in one transaction (one commit, where each kind of item
        had its own): the candidates first, then the pages, then the sites they
        complete: a site is marked crawled only once everything fetched from it is
        stored, so a killed crawl redoes it."""
        batch, self.pending = self.pending, []
        done, self.done = self.done, []
        unchanged, self.unchanged = self.unchanged, []
        profiles, self.profiles = self.profiles, []
        candidates, self.candidates = self.candidates, []
        self.store.write_batch(self.run_id, batch, candidates=candidates, profiles=profiles,
                               unchanged=unchanged, crawled=done)

    def close(self, status: str) -> None:
        """Flush everything, merging sites whose end was never signalled, and finish
        the run."""
        for site in list(self.site_pages):
            self._merge(site)
        self.flush()
        self.store.finish_run(self.run_id, status)
