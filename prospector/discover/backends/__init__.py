"""Search backends behind one interface: `search_page(query, page) -> SearchPage`.

`make_backend(name, **options)` builds one by name; `CachedBackend`
(prospector.store.search_cache) wraps any of them so a re-run spends no quota.
"""

from __future__ import annotations

from prospector.discover.backends.base import SearchBackend, SearchPage, SearchResult
from prospector.discover.backends.brave import BraveBackend
from prospector.discover.backends.marginalia import MarginaliaBackend
from prospector.discover.backends.registry import BACKENDS, make_backend
from prospector.discover.backends.searxng import SearxngBackend

__all__ = [
    "BACKENDS",
    "BraveBackend",
    "MarginaliaBackend",
    "SearchBackend",
    "SearchPage",
    "SearchResult",
    "SearxngBackend",
    "make_backend",
]
