"""Backends by name, as the CLI and config name them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prospector.discover.backends.base import SearchBackend
from prospector.discover.backends.brave import BraveBackend
from prospector.discover.backends.marginalia import MarginaliaBackend
from prospector.discover.backends.searxng import SearxngBackend, sampleweb_backend
from prospector.errors import BackendError

BACKENDS: dict[str, Callable[..., SearchBackend]] = {
    "searxng": SearxngBackend,
    "marginalia": MarginaliaBackend,
    "brave": BraveBackend,
    "sampleweb": sampleweb_backend,
}


def make_backend(name: str, **options: Any) -> SearchBackend:
    """A backend by name; `options` are its constructor's keyword arguments (base_url,
    key, index, count, timeout, min_interval, retry, sleep…). One-line BackendError for
    an unknown name, a missing key or base URL, or an option it does not take."""
    factory = BACKENDS.get(name.strip().lower())
    if factory is None:
        raise BackendError(f"unknown search backend {name!r}; use one of {', '.join(BACKENDS)}")
    try:
        return factory(**options)
    except TypeError as exc:
        raise BackendError(f"search backend {name}: bad option ({exc})") from None
