"""One typed configuration: built by the CLI (or a spider's arguments), turned into
Scrapy settings in one place at one priority, so no spider sets its own."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prospector.errors import InputError

# Scrapy's priority for settings a job sets for itself: above the project's
# settings.py, below the command line's -s, so an operator can still override one.
SETTINGS_PRIORITY = "spider"


@dataclass(frozen=True)
class Config:
    keyword: str
    db_path: Path
    variants: tuple[str, ...] = ()
    search_url: str | None = None  # SearXNG-compatible endpoint base, e.g. http://127.0.0.1:8888
    # searxng | marginalia | brave | sampleweb; None: searxng when search_url is set.
    # Keys never live here (this object is stored with each run): backends read
    # PROSPECTOR_BRAVE_KEY / PROSPECTOR_MARGINALIA_KEY from the environment.
    search_backend: str | None = None
    marginalia_index: str | None = None
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
    obey_robots: bool = True
    user_agent: str = "Prospector/0.1 (+https://example.invalid/prospector; niche research crawler)"
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
    # Requests to loopback, private, link-local and multicast addresses are refused
    # unless this is set (prospector.crawl.middlewares.guard); the proxy the user names is always used.
    allow_private: bool = False
    # Score weights from the config file: {"jv"|"community": {factor: weight}}, each
    # score's weights adding up to 100 (prospector.score.check_weights); None: defaults.
    weights: dict[str, dict[str, float]] | None = None
    # Distributed mode: workers share one frontier through scrapy-redis on this server.
    redis_url: str | None = None
    keep_redis: bool = False  # leave the job's keys in Redis after the run (debugging)

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

    def scrapy_settings(self) -> dict[str, Any]:
        """Scrapy settings for this job; applied at SETTINGS_PRIORITY."""
        settings: dict[str, Any] = {
            "ROBOTSTXT_OBEY": self.obey_robots,
            "USER_AGENT": self.user_agent,
            "CONCURRENT_REQUESTS": self.concurrent_requests,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrent_per_domain,
            "DOWNLOAD_DELAY": self.download_delay,
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            "DOWNLOAD_TIMEOUT": self.download_timeout,
            "LOG_LEVEL": self.log_level,
            "PROSPECTOR_DB_PATH": str(self.db_path),
            "PROSPECTOR_PROXY": self.proxy or "",
            "PROSPECTOR_MAX_PAGES_PER_SITE": self.max_pages_per_site,
            "PROSPECTOR_MAX_SITES": self.max_sites,
            "PROSPECTOR_MAX_DISTANCE": self.max_distance,
            "PROSPECTOR_EXCLUDE": list(self.exclude),
            "PROSPECTOR_PROGRESS": self.progress,
            "PROSPECTOR_FLUSH_SECONDS": self.flush_seconds,
            "PROSPECTOR_ALLOW_PRIVATE": self.allow_private,
        }
        if self.http_cache_dir is not None:
            settings["HTTPCACHE_ENABLED"] = True
            settings["HTTPCACHE_DIR"] = str(self.http_cache_dir.resolve())
        return settings

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
