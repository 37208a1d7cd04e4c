"""Crawl items to JSON and back, for shipping them between processes (distributed
workers → Redis → the loader). Lossless for every item type the spider yields."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from prospector.extract.feeds import FeedEntry, FeedFetched, FeedRead
from prospector.extract.newsletter import NewsletterFacts
from prospector.models import (
    Candidate,
    Community,
    Contact,
    FetchedPage,
    HubLink,
    Link,
    PageFacts,
    PageUnchanged,
    SiteDone,
)

_TYPES: dict[str, type[Any]] = {
    "page": FetchedPage, "candidate": Candidate, "done": SiteDone, "unchanged": PageUnchanged,
    "feed": FeedFetched, "newsletter": NewsletterFacts,
}
_NAMES = {cls: name for name, cls in _TYPES.items()}
# Nested dataclass fields, by field name.
_NESTED: dict[str, type[Any]] = {"contacts": Contact, "links": Link, "entries": FeedEntry,
                                 "hubs": HubLink}


def encode(item: Any) -> bytes:
    name = _NAMES.get(type(item))
    if name is None:
        raise TypeError(f"not a crawl item: {type(item).__name__}")
    return json.dumps({"t": name, "v": dataclasses.asdict(item)},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _build(cls: type[Any], data: dict[str, Any]) -> Any:
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue  # written by a newer worker: ignore what this code does not know
        if key in _NESTED and isinstance(value, list):
            value = tuple(_build(_NESTED[key], v) for v in value)
        elif key == "facts" and isinstance(value, dict):
            value = _build(PageFacts, value)
        elif key == "community" and isinstance(value, dict):
            value = _build(Community, value)
        elif key == "read" and isinstance(value, dict):
            value = _build(FeedRead, value)
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return cls(**values)


def decode(raw: bytes | str) -> Any:
    data = json.loads(raw)
    return _build(_TYPES[data["t"]], data["v"])
