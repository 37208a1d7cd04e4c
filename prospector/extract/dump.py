"""The JSON facts of one saved page, as `prospector extract FILE --url URL` prints them."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prospector.errors import InputError
from prospector.extract import extract_page
from prospector.models import PageFacts


def facts_dict(facts: PageFacts) -> dict[str, Any]:
    """JSON-ready facts with the keys the `extract` command documents."""
    emails = [
        {"address": c.value, "method": c.method, "confidence": c.confidence,
         "source_url": c.source_url, "role": c.role}
        for c in facts.contacts if c.kind == "email"
    ]
    return {
        "url": facts.url,
        "domain": facts.domain,
        "title": facts.title,
        "kind": facts.kind,
        "platform": facts.platform,
        "generator": facts.generator,
        "emails": emails,
        "contact_forms": [c.value for c in facts.contacts if c.kind == "form"],
        "socials": [{"network": c.role, "url": c.value}
                    for c in facts.contacts if c.kind == "social"],
        "phones": [{"number": c.value, "method": c.method, "source_url": c.source_url}
                   for c in facts.contacts if c.kind == "phone"],
        "names": list(facts.names),
        "feeds": list(facts.feeds),
        "newsletter": facts.newsletter,
        "signals": list(facts.signals),
        "community": asdict(facts.community) if facts.community else None,
        "comments": facts.comments,
        "latest_date": facts.latest_date,
        "follow": list(facts.follow),
        "links": len(facts.links),
    }


def read_page(file: str) -> bytes:
    """The bytes of FILE, or of standard input for '-'; InputError when unreadable."""
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror or exc}") from None


def extract_json(file: str, url: str) -> str:
    """The facts of the saved page FILE (fetched from `url`) as indented JSON."""
    if not url.lower().startswith(("http://", "https://")):
        raise InputError(f"--url must be an http(s) URL, got {url!r}")
    facts = extract_page(url, read_page(file))
    return json.dumps(facts_dict(facts), indent=1, ensure_ascii=False)
