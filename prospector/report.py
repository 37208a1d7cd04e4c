"""Render the prospect report: rows from the DB's views → Jinja2 (autoescape) → one
self-contained HTML file. The only module that knows Jinja2."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from prospector.errors import InputError
from prospector.store.db import Store


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_data(store: Store) -> dict[str, Any]:
    runs = store.rows("SELECT * FROM runs ORDER BY run_id DESC LIMIT 1")
    run = runs[0] if runs else {}
    prospects = store.rows("SELECT * FROM prospects")
    contacts: dict[str, list[dict[str, Any]]] = {}
    for row in store.rows(
        "SELECT domain, kind, value, role, method, source_url FROM contacts"
        " ORDER BY domain, kind, confidence DESC, value"
    ):
        contacts.setdefault(str(row["domain"]), []).append(row)
    for p in prospects:
        p["all_contacts"] = contacts.get(str(p["domain"]), [])
        p["factors"] = json.loads(p["breakdown"]) if p.get("breakdown") else {}
    counts = {
        "sites": len(prospects),
        "forums": sum(1 for p in prospects if p["kind"] == "forum"),
        "blogs": sum(1 for p in prospects if p["kind"] == "blog"),
        "newsletters": sum(1 for p in prospects if p["kind"] == "newsletter"),
        "contacts": sum(len(v) for v in contacts.values()),
    }
    return {
        "keyword": run.get("keyword", ""),
        "run": run,
        "prospects": prospects,
        "counts": counts,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(data: dict[str, Any]) -> str:
    return _environment().get_template("report.html.j2").render(**data)


def write_report(store: Store, out: Path) -> Path:
    """Write the report atomically: a half-written report never replaces a good one."""
    if out.is_dir():
        raise InputError(f"report path {out} is a directory; give a file path")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    html = render(report_data(store))
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        # mkstemp creates 0600; a report is meant to be read like any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
