"""Discover: turn a keyword (and seed files) into candidate sites, each with a reason."""

from __future__ import annotations

from prospector.config import Config
from prospector.discover.footprints import DEFAULT_FOOTPRINTS, expand
from prospector.discover.searxng import search
from prospector.discover.seeds import read_seeds
from prospector.models import Candidate
from prospector.urls import is_http_url, registered_domain, site_root


def discover(config: Config) -> list[Candidate]:
    """Seeds first (the user chose them), then search results by query order and rank,
    one candidate per registered domain, at most `config.max_sites`."""
    found: dict[str, Candidate] = {}
    if config.seeds_path is not None:
        for seed in read_seeds(config.seeds_path):
            found.setdefault(seed.domain, seed)
    if config.search_url:
        queries = expand(config.keywords, config.footprints or DEFAULT_FOOTPRINTS)
        for query in queries:
            if len(found) >= config.max_sites:
                break
            for page in range(1, config.max_search_pages + 1):
                results = search(config.search_url, query, page)
                for rank, result in enumerate(results):
                    domain = registered_domain(result.url) if is_http_url(result.url) else ""
                    if domain and domain not in found:
                        found[domain] = Candidate(
                            url=site_root(result.url), domain=domain,
                            why=f'search: {query}', source="search",
                            rank=(page - 1) * 100 + rank,
                        )
                if len(results) < 10:
                    break
    return list(found.values())[: config.max_sites]
