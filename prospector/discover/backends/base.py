"""The one interface every search backend offers, and helpers they share."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from prospector.errors import BackendError

__all__ = ["SearchBackend", "SearchPage", "SearchResult", "clean_snippet", "env", "require_page",
           "text"]


@dataclass(frozen=True, slots=True)
class SearchResult:
    url: str
    title: str
    content: str
    engine: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page as the service answered it.

    `more`: whether the service says another page exists (Brave's
    more_results_available, Marginalia's page/pages, SearXNG's next-page form); None when
    it does not say, and the caller pages on until a page adds no new URL.
    `complete`: False when some of the service's own engines failed (SearXNG's
    unresponsive_engines): usable now, never cached. `note` says what failed."""

    results: tuple[SearchResult, ...]
    more: bool | None = None
    complete: bool = True
    note: str = ""


@runtime_checkable
class SearchBackend(Protocol):
    """A search service. `page` is 1-based.

    `name` labels errors and records; `cache_id` identifies what answers (service,
    instance and filter, never the key) so cached pages of one never serve another;
    `dialect` names the query syntax it understands (prospector.discover.footprints);
    `notices` collects one-line remarks for the user (a fall-back taken, a mapping made).
    `search_page` raises SearchFailure (prospector.discover.http) when the page cannot
    be had."""

    @property
    def name(self) -> str: ...

    @property
    def cache_id(self) -> str: ...

    @property
    def dialect(self) -> str: ...

    @property
    def notices(self) -> list[str]: ...

    def search_page(self, query: str, page: int = 1) -> SearchPage: ...


def env(name: str) -> str | None:
    """An environment variable, None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def require_page(backend: str, page: int) -> None:
    if page < 1:
        raise BackendError(f"search backend {backend}: page must be 1 or more, not {page}")


def text(value: Any) -> str:
    """A JSON field as a string: absent or null is empty."""
    return "" if value is None else str(value)


_TAG = re.compile(r"<[^>]{0,200}>")


def clean_snippet(value: Any) -> str:
    """Plain text from a snippet that may carry highlighting markup (<strong>, &amp;)."""
    return " ".join(html.unescape(_TAG.sub("", text(value))).split())
