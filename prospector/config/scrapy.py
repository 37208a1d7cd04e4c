"""Config → Scrapy settings, in one place and at one priority; and back again, as one
typed `CrawlSettings` that each crawl component reads once in its `from_crawler`.

Scrapy settings are the one channel that reaches every component, whichever way the
crawl starts (the CLI, `scrapy crawl -s KEY=…`, scrapyd): so the job's values travel
there under `PROSPECTOR_*` keys, and only this module names those keys.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from scrapy.settings import BaseSettings, Settings

from prospector.config.model import Config

# Scrapy's priority for settings a job sets for itself: above the project's
# settings.py, below the command line's -s, so an operator can still override one.
SETTINGS_PRIORITY = "spider"
# The project's static Scrapy defaults (scrapy.cfg names the same module).
PROJECT_SETTINGS = "prospector.crawl.settings"


def _default(name: str) -> Any:
    """A Config field's default: every default is stated once, in `Config`."""
    return {f.name: f.default for f in fields(Config)}[name]


@dataclass(frozen=True)
class CrawlSettings:
    """The `PROSPECTOR_*` settings, typed. Built from a job's Scrapy settings."""

    db_path: str = "prospector.duckdb"
    run_id: int = 0  # 0: no CLI started the run (`scrapy crawl`, scrapyd)
    proxy: str = ""
    allow_private: bool = False
    dns_server: str = ""  # host:port of the DNS server the crawl asks; '' the system's
    max_pages_per_site: int = _default("max_pages_per_site")
    max_sites: int = _default("max_sites")
    max_distance: int = _default("max_distance")
    exclude: frozenset[str] = frozenset()
    progress: bool = _default("progress")
    progress_seconds: float = 30.0  # between progress lines when stderr is no terminal
    flush_seconds: float = _default("flush_seconds")
    batch_size: int = 200  # pages a write batch holds at most
    # DuckDB inside the crawl: its defaults (80 % of RAM, a thread per core) would let
    # the writer's buffers grow with the machine; the crawl writes small batches.
    db_memory_limit: str = "64MB"
    db_threads: int = 1
    # Which crawl state the spider keeps: in memory, or shared through Redis.
    state_class: str = "prospector.crawl.state.LocalState"
    redis_url: str = ""
    redis_prefix: str = ""
    redis_take: int = 0  # requests a worker takes from the shared queue at once (0: default)
    # Extraction (prospector.crawl.workers): processes (-1: one a core; 0: inline), each
    # page's CPU deadline, and pages a worker reads before it is replaced (its native
    # memory cannot grow past what that many pages leave behind).
    workers: int = -1
    extract_deadline: float = _default("extract_deadline")
    extract_recycle: int = 2000

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlSettings:
        defaults = cls()
        return cls(
            db_path=settings.get("PROSPECTOR_DB_PATH") or defaults.db_path,
            run_id=settings.getint("PROSPECTOR_RUN_ID", defaults.run_id),
            proxy=settings.get("PROSPECTOR_PROXY") or "",
            allow_private=settings.getbool("PROSPECTOR_ALLOW_PRIVATE", defaults.allow_private),
            dns_server=settings.get("PROSPECTOR_DNS_SERVER") or "",
            max_pages_per_site=settings.getint("PROSPECTOR_MAX_PAGES_PER_SITE",
                                               defaults.max_pages_per_site),
            max_sites=settings.getint("PROSPECTOR_MAX_SITES", defaults.max_sites),
            max_distance=settings.getint("PROSPECTOR_MAX_DISTANCE", defaults.max_distance),
            exclude=frozenset(settings.getlist("PROSPECTOR_EXCLUDE")),
            progress=settings.getbool("PROSPECTOR_PROGRESS", defaults.progress),
            progress_seconds=settings.getfloat("PROSPECTOR_PROGRESS_SECONDS",
                                               defaults.progress_seconds),
            flush_seconds=settings.getfloat("PROSPECTOR_FLUSH_SECONDS", defaults.flush_seconds),
            batch_size=settings.getint("PROSPECTOR_BATCH_SIZE", defaults.batch_size),
            db_memory_limit=settings.get("PROSPECTOR_DB_MEMORY_LIMIT") or defaults.db_memory_limit,
            db_threads=settings.getint("PROSPECTOR_DB_THREADS", defaults.db_threads),
            state_class=settings.get("PROSPECTOR_STATE_CLASS") or defaults.state_class,
            redis_url=settings.get("PROSPECTOR_REDIS_URL") or "",
            redis_prefix=settings.get("PROSPECTOR_REDIS_PREFIX") or "",
            redis_take=settings.getint("PROSPECTOR_REDIS_TAKE", defaults.redis_take),
            workers=settings.getint("PROSPECTOR_WORKERS", defaults.workers),
            extract_deadline=settings.getfloat("PROSPECTOR_EXTRACT_DEADLINE",
                                               defaults.extract_deadline),
            extract_recycle=settings.getint("PROSPECTOR_EXTRACT_RECYCLE",
                                            defaults.extract_recycle),
        )


def scrapy_settings(config: Config) -> dict[str, Any]:
    """Scrapy settings for this job; applied at SETTINGS_PRIORITY."""
    settings: dict[str, Any] = {
        "ROBOTSTXT_OBEY": config.obey_robots,
        "USER_AGENT": config.user_agent,
        "CONCURRENT_REQUESTS": config.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrent_per_domain,
        "DOWNLOAD_DELAY": config.download_delay,
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "DOWNLOAD_TIMEOUT": config.download_timeout,
        "PROSPECTOR_SHUTDOWN_GRACE": config.shutdown_grace,  # prospector.crawl.shutdown
        "LOG_LEVEL": config.log_level,
        "PROSPECTOR_DB_PATH": str(config.db_path),
        "PROSPECTOR_PROXY": config.proxy or "",
        "PROSPECTOR_MAX_PAGES_PER_SITE": config.max_pages_per_site,
        "PROSPECTOR_MAX_SITES": config.max_sites,
        "PROSPECTOR_MAX_DISTANCE": config.max_distance,
        "PROSPECTOR_EXCLUDE": list(config.exclude),
        "PROSPECTOR_PROGRESS": config.progress,
        "PROSPECTOR_FLUSH_SECONDS": config.flush_seconds,
        "PROSPECTOR_ALLOW_PRIVATE": config.allow_private,
        # -1: as many as the cores of the machine the crawl runs on (a distributed
        # worker's, not the coordinator's).
        "PROSPECTOR_WORKERS": -1 if config.workers is None else config.workers,
        "PROSPECTOR_EXTRACT_DEADLINE": config.extract_deadline,
    }
    if config.http_cache_dir is not None:
        settings["HTTPCACHE_ENABLED"] = True
        settings["HTTPCACHE_DIR"] = str(config.http_cache_dir.resolve())
    return settings


def build_settings(config: Config, **extra: Any) -> Settings:
    """The project's static defaults, then this job's values (and `extra`
    PROSPECTOR_* values such as the run id) at SETTINGS_PRIORITY."""
    settings = Settings()
    settings.setmodule(PROJECT_SETTINGS, priority="project")
    settings.setdict({**scrapy_settings(config), **extra}, priority=SETTINGS_PRIORITY)
    return settings
