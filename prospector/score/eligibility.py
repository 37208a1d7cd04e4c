"""Which sites may be ranked (issue 24): a prospect was fetched successfully, is on topic
above the relevance floor (config `[ranking] relevance_floor`) and is no infrastructure;
JV partners and newsletters also need a channel of its own, which the views read from
the contacts as they are. Each scoring writes every site's gate (`eligibility`), and a
row for each infrastructure domain the crawl only saw linked, so the report can count
what it left out and why."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from prospector.extract.channels import RECUR_MIN_PAGES, RECUR_SHARE
from prospector.extract.social import recurring_channel
from prospector.extract.vocab.infrastructure import infrastructure_kind
from prospector.extract.vocab.social import SOCIAL_DOMAINS
from prospector.store.db import Store
from prospector.urls import hostname as host_of

# The relevance factor's value (BM25 against the run's typical on-topic site, 0..1) under
# which a site is off-topic. On the sample web off-topic sites score 0.00 and on-topic
# ones 0.89 or more; a real niche's stray pages sit in between, hence a low floor.
DEFAULT_RELEVANCE_FLOOR = 0.2
REASONS = ("unreachable", "off-topic", "infrastructure", "no channel")


def gate(domain: str, url: str, status: str, relevance: float, floor: float) -> tuple[str, str]:
    """(reason, detail) a site is no prospect of any list; ('', '') when it may be one.
    Infrastructure first: it is never a prospect, even when it was crawled (named by
    the user) or could not be."""
    kind = infrastructure_kind(domain, host_of(url))
    if kind:
        return "infrastructure", kind
    if status != "ok":
        return "unreachable", f"status {status or 'unknown'}"
    if relevance < floor:
        return "off-topic", f"relevance {relevance:.2f} < floor {floor:.2f}"
    return "", ""


def relevance_floor(config_json: Any) -> float:
    """The floor a run was configured with (a re-score keeps it), else the default."""
    try:
        data = json.loads(config_json) if isinstance(config_json, str) else {}
    except ValueError:
        return DEFAULT_RELEVANCE_FLOOR
    value = data.get("relevance_floor") if isinstance(data, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return DEFAULT_RELEVANCE_FLOOR


def gate_rows(store: Store, relevance: Mapping[str, float], floor: float
              ) -> list[tuple[Any, ...]]:
    """Every site's gate, and the infrastructure only seen linked, as the rows
    `Store.write_eligibility` takes (the scoring makes and writes them on a second
    connection while its site graph is built)."""
    rows: list[tuple[Any, ...]] = []
    for domain, url, status, linked_by in store.gate_sites():
        value = float(relevance.get(domain, 0.0))
        reason, detail = gate(domain, url or "", status or "", value, floor)
        rows.append((domain, reason, detail, round(value, 4), int(linked_by)))
    for domain, url, linked_by in store.linked_only():
        kind = infrastructure_kind(domain, host_of(url or ""))
        if kind:
            rows.append((domain, "infrastructure", kind, None, int(linked_by)))
    return rows


def add_recurring_channels(store: Store) -> int:
    """A profile the content of a site's pages links again and again (an author box) is
    the site's channel, though no page marks it: stored as a social contact (method
    'recurs'); returns how many were added."""
    rows = []
    for link in store.recurring_links(sorted(SOCIAL_DOMAINS), RECUR_MIN_PAGES, RECUR_SHARE):
        network, profile = recurring_channel(str(link["target_url"]), str(link["anchor"] or ""))
        if profile:
            rows.append((str(link["domain"]), profile, str(link["target_url"]), "recurs",
                         network))
    store.add_channels(rows, store.last_run_id())
    return len(rows)
