"""Exports an outreach tool imports: the report's lists as CSV, JSON or JSON Lines.

Rows come from the same views as the report (`jv_partners`, `communities`,
`newsletters`) or, for `contacts`, one row per stored contact. Scraped text ends up in
spreadsheets, so every text cell that a spreadsheet would read as a formula is
neutralised with a leading apostrophe, in every format (JSON exports get pasted into
sheets too). Files are written atomically: a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from prospector.errors import InputError
from prospector.files import check_out_path, write_atomic
from prospector.store.db import Store

FORMATS = ("csv", "json", "jsonl")
LISTS = ("jv", "communities", "newsletters", "contacts", "hubs")
VIEWS = {"jv": "jv_partners", "communities": "communities", "newsletters": "newsletters"}
# The columns outreach tools map on import; `contact` carries a form or profile URL
# when the best channel is not an email.
COLUMNS = ("domain", "url", "name", "email", "role", "channel", "score", "kind", "platform",
           "why", "first_seen", "contact", "deliverability", "checked_at", "status",
           "inferred_email", "score_of")
# Issue 24: which score `score` is: the JV score (jv, newsletters), the community score
# (communities) or the better of the two (contacts).
SCORE_OF = {"jv": "jv", "newsletters": "jv", "communities": "community", "contacts": "best"}
# `--list hubs`: communities on platforms (the `hubs` view, issue 24).
HUB_COLUMNS = ("rank", "platform", "id", "url", "niche_sites", "linking_sites",
               "name_relevance", "anchors", "linked_from", "first_seen", "last_seen")
# What a spreadsheet reads as the start of a formula (or of a cell-splitting control).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# C0 controls (NUL included) and DEL, except tab and newline: scraped text may carry
# them, and a NUL or an escape sequence in a CSV cell breaks importers and terminals.
_CONTROLS = {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}
# Columns that hold a link: only a web address is kept (as the report's links are).
URL_COLUMNS = ("url",)


def neutralise(value: Any) -> Any:
    """Control characters dropped; a text cell a spreadsheet would run as a formula
    gets a leading apostrophe."""
    if isinstance(value, str):
        value = value.translate(_CONTROLS)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def web_url(value: str) -> str:
    """`value` when it is an http(s) address, else '' (no javascript:, data:, file:)."""
    return value if value.lower().startswith(("http://", "https://")) else ""


def _hub_record(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {k: row.get(k) for k in HUB_COLUMNS}
    for key in ("anchors", "linked_from"):
        record[key] = "; ".join(str(v) for v in row.get(key) or [])
    for key in ("first_seen", "last_seen"):
        record[key] = _iso(row.get(key))
    return {k: neutralise(v) for k, v in record.items()}


def _record(row: Mapping[str, Any], score_of: str = "") -> dict[str, Any]:
    channel = str(row.get("channel") or "")
    contact = str(row.get("contact") or "")
    first_seen = row.get("first_seen")
    score = row.get("score")
    record = {
        "domain": row["domain"],
        "url": web_url(str(row.get("url") or "")),
        "name": row.get("name") or row.get("title") or "",
        "email": contact if channel == "email" else "",
        "role": row.get("contact_role") or "",
        "channel": channel,
        "score": round(float(score), 1) if score is not None else None,
        "kind": row.get("kind") or "",
        "platform": row.get("platform") or "",
        "why": row.get("why") or "",
        "first_seen": first_seen.isoformat(timespec="seconds")
        if isinstance(first_seen, datetime) else first_seen,
        "contact": contact,
        # Issue 22: what `prospector verify` said of the email and when; the outreach
        # status; an address inferred from the site's pattern, never in `email`.
        "deliverability": (row.get("contact_deliverability") or "") if channel == "email" else "",
        "checked_at": _iso(row.get("contact_checked_at")) if channel == "email" else None,
        "status": row.get("outreach_status") or "",
        "inferred_email": row.get("inferred_contact") or "",
        "score_of": score_of,
    }
    return {k: neutralise(v) for k, v in record.items()}


def _iso(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


def export_rows(store: Store, which: str) -> list[dict[str, Any]]:
    """The rows of one list, in the report's order, ready to write."""
    if which not in LISTS:
        raise InputError(f"unknown list {which!r}: choose one of {', '.join(LISTS)}")
    store.ensure_views()
    if which == "hubs":
        return [_hub_record(row) for row in store.hub_rows()]
    rows = store.prospect_contacts() if which == "contacts" else store.list_rows(VIEWS[which])
    return [_record(row, SCORE_OF[which]) for row in rows]


def serialise(rows: Sequence[Mapping[str, Any]], fmt: str, *, bom: bool = False,
              columns: Sequence[str] = COLUMNS) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if bom and fmt != "csv":
        # RFC 8259: JSON text must not begin with a BOM; parsers reject it.
        raise InputError("--bom applies to csv only (JSON must not start with a BOM)")
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + buffer.getvalue()


def write_export(store: Store, out: Path, fmt: str, which: str = "jv", *, bom: bool = False) -> int:
    """Write one list to `out` atomically; returns the number of rows written."""
    check_out_path(out, "export", None if store.path == ":memory:" else Path(store.path))
    rows = export_rows(store, which)
    # newline="" keeps CSV's CRLF row ends exactly as the csv module wrote them.
    columns = HUB_COLUMNS if which == "hubs" else COLUMNS
    write_atomic(out, serialise(rows, fmt, bom=bom, columns=columns), newline="")
    return len(rows)
