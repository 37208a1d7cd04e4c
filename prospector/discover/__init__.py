"""Discover: turn a keyword (and seed files) into candidate sites, each with a reason.

The work is in prospector.discover.run (plain options in, a `Discovery` out);
`options_from_config` maps a run's Config onto those options; `discover_for_run` is a
crawl's discovery, `discover_only` the `prospector discover` command's.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from prospector.config import Config
from prospector.discover.run import (
    DiscoverOptions,
    Discovery,
    require_candidates,
    resolve_backends,
    run_discovery,
)
from prospector.store.db import Store
from prospector.store.search_cache import DEFAULT_MAX_AGE, claim_queries, mark_discovered

__all__ = ["DiscoverOptions", "Discovery", "discover_for_run", "discover_only", "options_from_config",
           "require_candidates", "resolve_backends", "run_discovery"]


def max_age(days: float | None) -> timedelta:
    """--search-max-age DAYS as a timedelta; None is the default age."""
    return DEFAULT_MAX_AGE if days is None else timedelta(days=max(0.0, days))


def options_from_config(config: Config) -> tuple[DiscoverOptions, list[str]]:
    """Discovery options for a run's Config, and the notices resolving them produced:
    with no backend, no search URL and no seeds, Marginalia with its public key."""
    names = tuple(n for n in (config.search_backend or "").split(",") if n.strip())
    has_seeds = config.seeds_path is not None or bool(config.include)
    urls = {"marginalia": config.marginalia_url, "brave": config.brave_url}
    specs, notices = resolve_backends(
        names, search_url=config.search_url, urls={k: v for k, v in urls.items() if v},
        marginalia_filter=config.marginalia_filter, marginalia_index=config.marginalia_index,
        has_seeds=has_seeds)
    options = DiscoverOptions(
        keywords=config.keywords, backends=specs, footprints=config.footprints,
        replace_default_footprints=config.replace_default_footprints,
        seeds_path=config.seeds_path, include=config.include,
        max_candidates=2 * config.max_sites, max_pages=config.max_search_pages,
        max_age=max_age(config.search_max_age_days))
    return options, notices


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def discover_for_run(config: Config, store: Store | None) -> Discovery:
    """A run's discovery: notices on stderr as they come, and exit 5 (BackendError) only
    when nothing at all was found; the caller reads `warning()` and `mostly_failed`."""
    options, notices = options_from_config(config)
    for line in notices:
        _say(line)
    result = run_discovery(options, store, say=_say)
    require_candidates(result, searched=bool(options.backends))
    return result


def discover_only(config: Config) -> tuple[int, Discovery]:
    """`prospector discover`: discovery under the run lock, stored as a crawl stores it
    (a run with its discoveries, queries, failures and hits) but with status
    `discovered` and no crawl; the run id and what was found."""
    from prospector.crawl.lock import run_lock  # the crawl runtime imports this package

    with run_lock(config.db_path), Store.open(config.db_path) as store:
        result = discover_for_run(config, store)
        run_id = store.start_run(config.keyword, config.to_json())
        store.record_discoveries(run_id, result.candidates)
        claim_queries(store, run_id)
        mark_discovered(store, run_id)
    return run_id, result
