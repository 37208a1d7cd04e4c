"""One typed configuration, with every default stated once. Built from flags, the
config file and the environment by `Config.from_sources` (prospector.config.sources),
turned into Scrapy settings by prospector.config.scrapy, recorded with each run and
sent to distributed workers as JSON (`to_json` / `from_json`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from prospector.config.sources import build_values
from prospector.errors import InputError

# Sent with every request (crawl and search): names the tool and where to read about it.
USER_AGENT = "Prospector/0.1 (+https://example.invalid/prospector; niche research crawler)"


@dataclass(frozen=True)
class Config:
    keyword: str
    db_path: Path
    variants: tuple[str, ...] = ()
    search_url: str | None = None  # SearXNG-compatible endpoint base, e.g. http://127.0.0.1:8888
    # searxng | marginalia | brave | sampleweb, comma-separated for several, or none;
    # None: searxng when search_url is set, else Marginalia's public key (no seeds).
    # Keys never live here (this object is stored with each run): backends read
    # PROSPECTOR_BRAVE_KEY / PROSPECTOR_MARGINALIA_KEY from the environment.
    search_backend: str | None = None
    marginalia_index: str | None = None  # legacy index, mapped to a filter (prospector.discover)
    marginalia_filter: str | None = None
    marginalia_url: str | None = None  # a self-hosted Marginalia or a test server
    brave_url: str | None = None
    search_max_age_days: float | None = None  # cached search pages older than this are re-asked
    seeds_path: Path | None = None
    proxy: str | None = None  # every request goes through it (the sample web is reached so)
    max_sites: int = 100
    max_pages_per_site: int = 6
    max_distance: int = 2  # link hops from a search result or seed
    exclude: tuple[str, ...] = ()  # registered domains never crawled
    max_search_pages: int = 5  # result pages per footprint query
    # Politeness: one request at a time per site, spaced; tests and the demo lift it.
    concurrent_per_domain: int = 1
    download_delay: float = 1.0
    autothrottle: bool = True
    concurrent_requests: int = 16
    download_timeout: float = 20.0
    shutdown_grace: float = 10.0  # seconds from SIGTERM to the crawl's end (crawl.shutdown)
    obey_robots: bool = True
    user_agent: str = USER_AGENT
    log_level: str = "WARNING"
    footprints: tuple[str, ...] = field(default_factory=tuple)  # added to the defaults
    replace_default_footprints: bool = False
    include: tuple[str, ...] = ()  # URLs or domains always crawled, like seeds
    # Running every week: sites crawled to the end within max_age_days are not fetched
    # again unless refresh; a job directory lets a killed run resume.
    max_age_days: float = 7.0
    refresh: bool = False
    job_dir: Path | None = None
    http_cache_dir: Path | None = None  # development: replay responses from disk
    progress: bool = True
    flush_seconds: float = 5.0  # the most crawl work a kill can lose
    # Extraction in worker processes (prospector.crawl.workers): None = the cores this
    # process may use; 0 = inline in the reactor, for debugging. A page past its CPU
    # deadline is recorded as extraction_timeout and the crawl goes on.
    workers: int | None = None
    extract_deadline: float = 2.0
    # Requests to loopback, private, link-local and multicast addresses are refused
    # unless this is set (prospector.crawl.middlewares.guard); the proxy the user names is always used.
    allow_private: bool = False
    # Score weights from the config file: {"jv"|"community": {factor: weight}}, each
    # score's weights adding up to 100 (prospector.score.check_weights); None: defaults.
    weights: dict[str, dict[str, float]] | None = None
    # Ranked lists take only sites whose relevance factor (0..1) reaches this (issue 24,
    # prospector.score.eligibility): below it a site is counted as off-topic.
    relevance_floor: float = 0.2
    # Distributed mode: workers share one frontier through scrapy-redis on this server.
    redis_url: str | None = None

    def __post_init__(self) -> None:
        if not self.keyword or not self.keyword.strip():
            raise InputError("keyword is empty: give the niche to prospect, e.g. 'beekeeping'")
        if self.max_sites < 1 or self.max_pages_per_site < 1:
            raise InputError("--max-sites and --max-pages must be at least 1")

    @property
    def keywords(self) -> tuple[str, ...]:
        """The keyword and its variants, deduplicated, in order."""
        seen: dict[str, None] = {}
        for word in (self.keyword, *self.variants):
            word = word.strip()
            if word:
                seen.setdefault(word, None)
        return tuple(seen)

    def to_json(self) -> str:
        """The configuration as recorded with each run."""
        data: dict[str, Any] = asdict(self)
        return json.dumps(data, default=str, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Config:
        """The configuration `to_json` recorded (a run's, or a distributed job's)."""
        data: dict[str, Any] = json.loads(text)
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in known:
                continue  # a field an older version had
            if name in _PATHS and value is not None:
                value = Path(value)
            elif isinstance(value, list):
                value = tuple(value)
            values[name] = value
        return cls(**values)

    @classmethod
    def from_sources(cls, flags: Mapping[str, Any], config_file: Path | None = None,
                     env: Mapping[str, str] | None = None) -> Config:
        """Flags over the config file over the environment, every value checked (see
        prospector.config.sources); `flags` also holds the fields no file sets
        (db_path, log_level…). `fast` lifts the politeness delays (the sample web)."""
        values = build_values({k: v for k, v in flags.items() if k != "fast"}, config_file, env)
        config = cls(**values)
        return config.fast() if flags.get("fast") else config

    def fast(self) -> Config:
        """The same job without politeness delays: for the loopback sample web only."""
        from dataclasses import replace

        return replace(
            self,
            concurrent_per_domain=8,
            download_delay=0.0,
            autothrottle=False,
            concurrent_requests=32,
        )


# Config fields holding paths: JSON keeps them as strings.
_PATHS = frozenset({"db_path", "seeds_path", "job_dir", "http_cache_dir"})
