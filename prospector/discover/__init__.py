"""Discover: turn a keyword (and seed files) into candidate sites, each with a reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prospector.config import Config
from prospector.discover.backends import SearchBackend, make_backend
from prospector.discover.footprints import DEFAULT_FOOTPRINTS, expand
from prospector.discover.seeds import read_seeds, seeds_from_lines
from prospector.models import Candidate
from prospector.store.db import Store
from prospector.store.search_cache import CachedBackend
from prospector.urls import is_http_url, registered_domain, site_root


def backend_for(config: Config, store: Store | None = None) -> SearchBackend | None:
    """The configured search backend, cached in `store` when one is given."""
    name = config.search_backend or ("searxng" if config.search_url else None)
    if name is None:
        return None
    options: dict[str, Any] = {}
    if config.search_url and name in ("searxng", "sampleweb"):
        options["base_url"] = config.search_url
    if name == "marginalia" and config.marginalia_index:
        options["index"] = config.marginalia_index
    backend = make_backend(name, **options)
    if store is None:
        return backend
    max_age = (timedelta(days=config.search_max_age_days)
               if config.search_max_age_days is not None else None)
    return CachedBackend(backend, store, None, max_age)


def discover(config: Config, store: Store | None = None) -> list[Candidate]:
    """Seeds first (the user chose them), then search results by query order and rank,
    one candidate per registered domain. The crawl's frontier picks among them and the
    sites they link to, within `config.max_sites`; the search stops asking once it has
    twice that many."""
    found: dict[str, Candidate] = {}
    if config.seeds_path is not None:
        for seed in read_seeds(config.seeds_path):
            found.setdefault(seed.domain, seed)
    for seed in seeds_from_lines(config.include, "include list"):
        found.setdefault(seed.domain, seed)
    backend = backend_for(config, store)
    if backend is None:
        return list(found.values())
    templates = config.footprints if config.replace_default_footprints else (
        *DEFAULT_FOOTPRINTS, *config.footprints)
    queries = expand(config.keywords, templates)
    for query in queries:
        if len(found) >= 2 * config.max_sites:
            break
        for page in range(1, config.max_search_pages + 1):
            results = backend.search(query, page)
            for rank, result in enumerate(results):
                domain = registered_domain(result.url) if is_http_url(result.url) else ""
                if domain and domain not in found:
                    found[domain] = Candidate(
                        url=site_root(result.url), domain=domain,
                        why=f"search ({backend.name}): {query}", source="search",
                        rank=(page - 1) * backend.page_size + rank,
                    )
            if len(results) < backend.page_size:
                break
    return list(found.values())
