"""Discover: turn a keyword (and seed files) into candidate sites, each with a reason.

The work is in prospector.discover.run (plain options in, a `Discovery` out);
`options_from_config` maps the crawl's Config onto those options.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from prospector.config import Config
from prospector.discover.run import (
    BackendSpec,
    DiscoverOptions,
    Discovery,
    FailedQuery,
    require_candidates,
    resolve_backends,
    run_discovery,
)
from prospector.models import Candidate
from prospector.store.db import Store
from prospector.store.search_cache import DEFAULT_MAX_AGE

__all__ = ["BackendSpec", "DiscoverOptions", "Discovery", "FailedQuery", "discover",
           "options_from_config", "require_candidates", "resolve_backends", "run_discovery"]


def max_age(days: float | None) -> timedelta:
    """--search-max-age DAYS as a timedelta; None is the default age."""
    return DEFAULT_MAX_AGE if days is None else timedelta(days=max(0.0, days))


def options_from_config(config: Config) -> tuple[DiscoverOptions, list[str]]:
    """Discovery options for a crawl's Config, and the notices resolving them produced."""
    names = tuple(n for n in (config.search_backend or "").split(",") if n.strip())
    specs, notices = resolve_backends(
        names, search_url=config.search_url, marginalia_index=config.marginalia_index,
        has_seeds=config.seeds_path is not None or bool(config.include))
    options = DiscoverOptions(
        keywords=config.keywords, backends=specs, footprints=config.footprints,
        replace_default_footprints=config.replace_default_footprints,
        seeds_path=config.seeds_path, include=config.include,
        max_candidates=2 * config.max_sites, max_pages=config.max_search_pages,
        max_age=max_age(config.search_max_age_days))
    return options, notices


def discover(config: Config, store: Store | None = None) -> list[Candidate]:
    """The candidates for a crawl; notices and the failed-queries warning go to stderr."""
    options, notices = options_from_config(config)
    for line in notices:
        print(line, file=sys.stderr)
    result = run_discovery(options, store, say=lambda line: print(line, file=sys.stderr))
    if result.warning():
        print(result.warning(), file=sys.stderr)
    return result.candidates
