"""The one interface every search backend offers, and helpers they share."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from prospector.errors import BackendError

__all__ = ["SearchBackend", "SearchResult", "clean_snippet", "env", "require_page", "text"]


@dataclass(frozen=True, slots=True)
class SearchResult:
    url: str
    title: str
    content: str
    engine: str


@runtime_checkable
class SearchBackend(Protocol):
    """A search service. `page` is 1-based; an empty list means no (more) results.

    `name` labels errors and records; `cache_id` identifies what answers (service,
    instance and index, never the key) so cached pages of one never serve another;
    `page_size` is a full page's length, so a shorter page means the last one."""

    @property
    def name(self) -> str: ...

    @property
    def cache_id(self) -> str: ...

    @property
    def page_size(self) -> int: ...

    def search(self, query: str, page: int = 1) -> list[SearchResult]: ...


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
