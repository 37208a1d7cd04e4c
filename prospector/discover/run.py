"""Discovery as a library: seeds, include list and search backends in, candidates out,
with every failed query and its reason, so a crawl or `prospector discover` decides
what to do with a partial answer. Plain parameters in (frozen options), no CLI here.

A query that fails after its bounded retries is recorded and skipped: discovery goes on
with the other queries and backends and keeps what it found. A backend that says no
more today (a daily limit, a refused key, a SearXNG limiter) is not asked again this
run; one that fails three queries in a row neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from prospector.discover.backends import SearchBackend, make_backend
from prospector.discover.backends.base import SearchResult
from prospector.discover.footprints import DEFAULT_FOOTPRINTS, expand
from prospector.discover.http import SearchFailure
from prospector.discover.seeds import read_seeds, seeds_from_lines
from prospector.errors import BackendError, ExitCode, InputError
from prospector.models import Candidate
from prospector.store.db import Store
from prospector.store.search_cache import (
    DEFAULT_MAX_AGE,
    CachedBackend,
    record_failure,
    record_hits,
)
from prospector.urls import is_http_url, registered_domain, site_root

BACKEND_NAMES = ("searxng", "marginalia", "brave", "sampleweb")
# A backend failing this many queries in a row is down or refusing us: stop asking it.
MAX_CONSECUTIVE_FAILURES = 3
MAX_WHY = 3  # provenances spelled out in a candidate's `why`
DEFAULT_NOTICE = ("no search backend set: using Marginalia with its shared 'public' key (shared by "
                  "everyone, often rate-limited); set PROSPECTOR_MARGINALIA_KEY, or choose --backend")


@dataclass(frozen=True)
class BackendSpec:
    """One backend to ask: its name, its endpoint (None: the environment variable, then
    the service's own), and Marginalia's filter or legacy index."""

    name: str
    url: str | None = None
    marginalia_filter: str | None = None
    marginalia_index: str | None = None


@dataclass(frozen=True)
class DiscoverOptions:
    keywords: tuple[str, ...]
    backends: tuple[BackendSpec, ...] = ()
    footprints: tuple[str, ...] = ()  # added to the defaults, or replacing them
    replace_default_footprints: bool = False
    seeds_path: Path | None = None
    include: tuple[str, ...] = ()
    max_candidates: int = 200  # the search stops asking once it has this many sites
    max_pages: int = 5  # result pages per query and backend
    max_age: timedelta | None = DEFAULT_MAX_AGE  # cached pages older than this are asked again
    # Extra constructor options per backend name (tests: min_interval=0, sleep=…).
    backend_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedQuery:
    backend: str
    query: str
    page: int
    kind: str
    reason: str


@dataclass
class Discovery:
    """What discovery found and what it could not ask."""

    candidates: list[Candidate] = field(default_factory=list)
    queries: int = 0  # (backend, query) pairs asked
    failed: list[FailedQuery] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stopped: dict[str, str] = field(default_factory=dict)  # backend → why it was not asked more

    @property
    def failed_queries(self) -> list[FailedQuery]:
        """The (backend, query) pairs whose first page failed: they found nothing."""
        return [f for f in self.failed if f.page == 1]

    @property
    def mostly_failed(self) -> bool:
        """More than half the queries failed: the run is `partial` (exit 6)."""
        return self.queries > 0 and 2 * len(self.failed_queries) > self.queries

    def warning(self) -> str:
        """One line naming the failed queries, '' when none failed."""
        failed = self.failed_queries
        if not failed:
            return ""
        named = "; ".join(f"{f.backend} {f.query!r} ({f.kind})" for f in failed[:5])
        more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
        return (f"warning: {len(failed)} of {self.queries} search queries failed: {named}{more}"
                f" (first: {failed[0].reason})")


def resolve_backends(names: tuple[str, ...], *, search_url: str | None = None,
                     urls: Mapping[str, str] | None = None, marginalia_filter: str | None = None,
                     marginalia_index: str | None = None, has_seeds: bool = False
                     ) -> tuple[tuple[BackendSpec, ...], list[str]]:
    """The backends to ask, and notices to print. `names` as given (--backend a,b or the
    config file); empty with no search URL and no seeds means the zero set-up default,
    Marginalia's public key; ("none",) means no search at all."""
    urls = dict(urls or {})
    if search_url:  # --search names a SearXNG-shaped endpoint: SearXNG or the sample web
        urls.setdefault("searxng", search_url)
        urls.setdefault("sampleweb", search_url)
    wanted = [n.strip().lower() for n in names if n.strip()]
    notices: list[str] = []
    if not wanted:
        if search_url:
            wanted = ["searxng"]
        elif not has_seeds:
            wanted = ["marginalia"]
            notices.append(DEFAULT_NOTICE)
    if wanted == ["none"]:
        return (), notices
    for name in wanted:
        if name not in BACKEND_NAMES:
            raise InputError(f"unknown search backend {name!r}; use one or more of "
                             f"{', '.join(BACKEND_NAMES)} (comma-separated), or none")
    specs = tuple(BackendSpec(n, urls.get(n), marginalia_filter if n == "marginalia" else None,
                              marginalia_index if n == "marginalia" else None)
                  for n in dict.fromkeys(wanted))
    return specs, notices


def build_backend(spec: BackendSpec, options: Mapping[str, Any] | None = None) -> SearchBackend:
    """The backend a spec names; BackendError (one line) for a missing key or bad URL."""
    kwargs: dict[str, Any] = dict(options or {})
    if spec.url:
        kwargs["base_url"] = spec.url
    if spec.name == "marginalia":
        if spec.marginalia_filter:
            kwargs["filter"] = spec.marginalia_filter
        if spec.marginalia_index:
            kwargs["index"] = spec.marginalia_index
    return make_backend(spec.name, **kwargs)


class _Search:
    """One discovery's search state: what was found, by which backend and query."""

    def __init__(self, options: DiscoverOptions, store: Store | None, found: dict[str, Candidate],
                 result: Discovery, say: Callable[[str], None]) -> None:
        self.options = options
        self.store = store
        self.found = found
        self.result = result
        self.say = say
        self.streak: dict[str, int] = {}

    def full(self) -> bool:
        return len(self.found) >= self.options.max_candidates

    def ask(self, backend: SearchBackend, query: str) -> None:
        """Every page of one query, until the service says there is no more, a page adds
        no new URL, or a page fails."""
        seen: set[str] = set()
        rank = 0
        self.result.queries += 1
        for page in range(1, self.options.max_pages + 1):
            try:
                answer = backend.search_page(query, page)
            except SearchFailure as failure:
                self.failed(backend, query, page, failure)
                return
            finally:
                self.notices(backend)
            self.streak[backend.name] = 0
            new = [r for r in answer.results if r.url not in seen]
            seen.update(r.url for r in new)
            self.keep(backend, query, rank, new)
            rank += len(new)
            if not new or answer.more is False or self.full():
                return

    def keep(self, backend: SearchBackend, query: str, rank: int, results: list[SearchResult]) -> None:
        hits = []
        for offset, result in enumerate(results):
            domain = registered_domain(result.url) if is_http_url(result.url) else ""
            if not domain:
                continue
            hits.append((backend.name, query, rank + offset, domain, result.url))
            why = f"search ({backend.name}): {query}"
            have = self.found.get(domain)
            if have is None:
                self.found[domain] = Candidate(url=site_root(result.url), domain=domain, why=why,
                                               source="search", rank=rank + offset)
            elif have.source == "search" and why not in have.why and have.why.count("; ") < MAX_WHY - 1:
                self.found[domain] = replace(have, why=f"{have.why}; {why}")
        if self.store is not None:
            record_hits(self.store, None, hits)

    def failed(self, backend: SearchBackend, query: str, page: int, failure: SearchFailure) -> None:
        reason = str(failure)
        self.result.failed.append(FailedQuery(backend.name, query, page, failure.kind, reason))
        if self.store is not None:
            record_failure(self.store, None, backend.cache_id, query, page, failure.kind, reason)
        self.streak[backend.name] = self.streak.get(backend.name, 0) + 1
        if failure.stops_backend or self.streak[backend.name] >= MAX_CONSECUTIVE_FAILURES:
            self.result.stopped[backend.name] = reason
            if self.found:  # the run goes on with them; with none, the error line says it
                self.say(f"{reason}; not asking {backend.name} again this run")

    def skipped(self, backend: SearchBackend, query: str) -> None:
        """A query not asked because its backend stopped: it found nothing either."""
        self.result.queries += 1
        reason = f"not asked: {backend.name} stopped ({self.result.stopped[backend.name]})"
        self.result.failed.append(FailedQuery(backend.name, query, 1, "skipped", reason))

    def notices(self, backend: SearchBackend) -> None:
        for notice in backend.notices:
            if notice not in self.result.notices:
                self.result.notices.append(notice)
                self.say(notice)


def _seeds(options: DiscoverOptions) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    if options.seeds_path is not None:
        for seed in read_seeds(options.seeds_path):
            found.setdefault(seed.domain, seed)
    for seed in seeds_from_lines(options.include, "include list"):
        found.setdefault(seed.domain, seed)
    return found


def run_discovery(options: DiscoverOptions, store: Store | None = None, *,
                  say: Callable[[str], None] = lambda line: None) -> Discovery:
    """Seeds first (the user chose them), then every backend's results, query by query
    (the backends take turns, so one that stops early does not starve the others), one
    candidate per registered domain, each saying which backends and queries found it."""
    found = _seeds(options)
    result = Discovery()
    backends: list[SearchBackend] = []
    for spec in options.backends:
        backend = build_backend(spec, options.backend_options.get(spec.name))
        backends.append(CachedBackend(backend, store, None, options.max_age) if store else backend)
    search = _Search(options, store, found, result, say)
    for backend in backends:
        search.notices(backend)
    templates = options.footprints if options.replace_default_footprints else (
        *DEFAULT_FOOTPRINTS, *options.footprints)
    queries = {b.name: expand(options.keywords, templates, b.dialect) for b in backends}
    for index in range(max((len(q) for q in queries.values()), default=0)):
        for backend in backends:
            if search.full() or index >= len(queries[backend.name]):
                continue
            if backend.name in result.stopped:
                search.skipped(backend, queries[backend.name][index])
            else:
                search.ask(backend, queries[backend.name][index])
    result.candidates = list(found.values())
    return result


def require_candidates(result: Discovery, searched: bool) -> None:
    """Exit 5 only when nothing at all was found and a search failed or found nothing."""
    if result.candidates:
        return
    if result.failed:
        first = result.failed[0]
        raise BackendError(f"no sites to crawl: every search failed ({len(result.failed_queries)} of "
                           f"{result.queries} queries); first: {first.reason}")
    raise BackendError("no sites to crawl: the search found nothing and no seed file was given",
                       ExitCode.BACKEND if searched else ExitCode.USAGE)
