"""Render the prospect report: rows from the DB's views → Jinja2 (autoescape) → one
self-contained HTML file. The only module that knows Jinja2.

The rankings come from the views `jv_partners`, `communities` and `newsletters`, so
`prospector sql` sees what the report shows. The tables' rows travel as one JSON blob
(each site once, lists as indexes into it) that the page's script renders a page at a
time with textContent: 10,000 sites stay a few MB and the browser builds only what is
shown. Facts later issues add (members, registration, deal signals…) are read when the
views carry them and shown as "—" when they do not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from prospector.files import check_out_path, write_atomic
from prospector.hosts import shown_host
from prospector.report.digest import week_panel
from prospector.report.linkmap import LinkMap, SiteNode, choose, layout
from prospector.store.db import Store
from prospector.store.reads import RANKED_LISTS

KNOWN_FACTORS = ("relevance", "reachability", "kind")
CHANGES_LISTED = 40  # domains named per change list; the count says the rest

# Each site's record in the JSON blob, as a positional array: keys would cost ~150 bytes
# a site, 1.5 MB at 10,000 sites. The script zips them back with this list.
SITE_FIELDS = (
    "domain", "href", "name", "kind", "platform", "score", "points", "channel", "contact",
    "contact_role", "others", "why", "linked_from", "first_seen", "new", "inlinks",
    "members", "posts", "last_activity", "registration", "provider", "subscribers", "deals",
    "contacted", "shown", "deliverability", "status", "inferred",
    "signup", "posts_30d", "latest_post", "latest_title",  # issue 21
)

# Facts issue 4 adds: the first of these column names a view carries is used.
FACT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "members": ("members", "member_count"),
    "posts": ("posts", "post_count", "topics"),
    "last_activity": ("last_activity", "latest_date", "last_post"),
    "registration": ("registration_open", "registration"),
    # Issue 21: the newsletters' and posts' columns, one real column each (views.sql).
    "provider": ("newsletter_provider",),
    "subscribers": ("newsletter_subscribers",),
    "signup": ("newsletter_signup",),
    "posts_30d": ("posts_30d",),
    "latest_post": ("latest_post",),
    "latest_title": ("latest_post_title",),
    "deals": ("deal_signals", "deals"),
    "name": ("name", "site_name"),
    "contacted": ("contacted_at",),
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("prospector.report", "templates"),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    return env


# Chained str.replace: five C-speed passes beat one str.translate with a dict by ~10x.
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_WEB_URL = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)


def script_json(value: Any) -> Markup:
    """JSON that is inert inside <script type="application/json">: no `</script>`, no
    `<!--`, no entity, no line separator can end or bend the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, escape in _JSON_ESCAPES:
        text = text.replace(char, escape)
    return Markup(text)


def safe_href(url: Any) -> str:
    """The URL when it is http(s) with a host; '' otherwise (javascript:, data:, junk)."""
    text = str(url or "").strip()
    return text if _WEB_URL.match(text) else ""


def _fact_columns(columns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Per fact, the candidate columns the rows actually carry (often none, for now)."""
    return {f: tuple(c for c in names if c in columns) for f, names in FACT_COLUMNS.items()}


def _fact(row: Mapping[str, Any], columns: tuple[str, ...]) -> Any:
    for column in columns:
        value = row.get(column)
        if value not in (None, "", []):
            if isinstance(value, datetime | date):
                return value.isoformat()[:10]
            if isinstance(value, list | tuple):
                return ", ".join(str(v) for v in value)
            return value
    return None


def _points(breakdown: Any, factors: list[str]) -> list[float]:
    """Per factor its points, in `factors` order; a factor seen first here is appended."""
    try:
        parts = json.loads(breakdown) if isinstance(breakdown, str) else breakdown or {}
    except ValueError:
        parts = {}
    if not isinstance(parts, dict):
        return []
    for name in parts:
        if name not in factors:
            factors.append(name)
    out = []
    for name in factors:
        part = parts.get(name)
        points = part.get("points") if isinstance(part, dict) else None
        out.append(round(float(points), 1) if isinstance(points, int | float) else 0.0)
    return out


def _contacts_by_site(store: Store) -> dict[str, list[tuple[str, str, str]]]:
    """Per site its contacts as (kind, value, what `verify` said of an email or '')."""
    mail = store.deliverability_by_address()
    found: dict[str, list[tuple[str, str, str]]] = {}
    for domain, kind, value in store.contacts_in_order():
        found.setdefault(domain, []).append((kind, value, mail.get(value, "unchecked")
                                             if kind == "email" else ""))
    return found


def _site_record(row: Mapping[str, Any], factors: list[str], others: list[tuple[str, str, str]],
                 is_new: bool, facts: Mapping[str, tuple[str, ...]]) -> list[Any]:
    contact = row.get("contact")
    first_seen = row.get("first_seen")
    record = {
        "domain": row["domain"],
        # The punycode domain with its Unicode form, or a look-alike warning (hosts.py);
        # '' when it is plain ASCII, as most are.
        "shown": "" if "xn--" not in str(row["domain"]) else shown_host(str(row["domain"])),
        "href": safe_href(row.get("url")),
        "name": _fact(row, facts["name"]) or row.get("title") or "",
        "kind": row.get("kind") or "",
        "platform": row.get("platform") or "",
        "score": round(float(row.get("score") or 0), 1),
        "points": _points(row.get("breakdown"), factors),
        "channel": row.get("channel") or "",
        "contact": contact or "",
        "contact_role": row.get("contact_role") or "",
        "others": [[k, v, d] for k, v, d in others if v != contact],
        "why": row.get("why") or "",
        "linked_from": list(row.get("linked_from") or []),
        "first_seen": first_seen.isoformat()[:10] if isinstance(first_seen, date) else None,
        "new": is_new,
        "inlinks": int(row.get("inlinks") or 0),
        # Issue 22: what `verify` said of the best address, the pipeline status, and an
        # address inferred from the site's pattern (shown apart, marked as a guess).
        "deliverability": row.get("contact_deliverability") or "",
        "status": row.get("outreach_status") or "",
        "inferred": row.get("inferred_contact") or "",
        **{f: _fact(row, facts[f]) for f in FACT_COLUMNS if f != "name"},
    }
    return [record[f] for f in SITE_FIELDS]


def _changes(store: Store) -> dict[str, Any]:
    rows = store.run_changes()
    new = [domain for domain, change in rows if change == "new"]
    lost = [domain for domain, change in rows if change == "lost"]
    runs = store.run_count()
    return {"previous": runs > 1, "new": new, "lost": lost, "listed": CHANGES_LISTED}


def _link_map(store: Store, sites: Sequence[Mapping[str, Any]]) -> LinkMap:
    nodes = choose([SiteNode(str(s["domain"]), str(s.get("kind") or "other"),
                             int(s.get("inlinks") or 0), float(s.get("score") or 0)) for s in sites])
    # Only links between the sites drawn: at 10,000 sites that is ~1 % of the table.
    pairs = store.link_pairs([n.domain for n in nodes])
    return layout(nodes, pairs, total=len(sites))


def _progress(store: Store, run: dict[str, Any]) -> dict[str, Any]:
    """What the report covers when made during a crawl: the run in progress and how far
    it has got; and which run the scores come from (the last finished one, or none)."""
    if not run:
        return {"running": False, "scored_run": 0}
    progress: dict[str, Any] = dict(store.run_progress(int(run["run_id"])))
    progress["running"] = run.get("status") == "running"
    progress["provisional"] = progress["scored_run"] != int(run["run_id"])
    return progress


NOT_RANKED_LISTED = 200  # sites named under each list's "Not ranked"; SQL gives the rest


def _not_ranked(store: Store) -> dict[str, dict[str, Any]]:
    """Per list: the sites it leaves out, counted by reason, and the first of them."""
    out: dict[str, dict[str, Any]] = {}
    for row in store.not_ranked_rows():
        entry = out.setdefault(str(row["list"]), {"counts": {}, "rows": [], "total": 0})
        reason = str(row["reason"])
        entry["counts"][reason] = entry["counts"].get(reason, 0) + 1
        entry["total"] += 1
        if len(entry["rows"]) < NOT_RANKED_LISTED:
            entry["rows"].append({"domain": row["domain"], "reason": reason,
                                  "detail": row["detail"]})
    return out


def _hubs(store: Store) -> list[dict[str, Any]]:
    return [{**h, "href": safe_href(h["url"]), "linked_from": list(h["linked_from"] or []),
             "anchors": list(h["anchors"] or [])} for h in store.hub_rows()]


def report_data(store: Store) -> dict[str, Any]:
    store.ensure_views()
    run = store.latest_run() or {}
    changes = _changes(store)
    new = set(changes["new"])
    contacts = _contacts_by_site(store)
    # Every site once, in overall rank order; the lists point into it.
    sites = store.ranked_prospects()
    factors = list(KNOWN_FACTORS)
    facts = _fact_columns(list(sites[0]) if sites else [])
    index: dict[str, int] = {}
    records: list[list[Any]] = []
    for row in sites:
        index[str(row["domain"])] = len(records)
        records.append(_site_record(row, factors, contacts.get(str(row["domain"]), []),
                                    str(row["domain"]) in new, facts))
    # Each list's rows carry that list's own score and factor points (JV for partners and
    # newsletters, community for communities), never the site record's overall score.
    lists = {
        name: [[index[domain], round(score, 1), _points(breakdown, factors)]
               for domain, score, breakdown in store.list_scores(name) if domain in index]
        for name in RANKED_LISTS
    }
    weights: dict[str, float] = {}
    for row in sites[:50]:
        for name, part in (json.loads(row["breakdown"]) if row.get("breakdown") else {}).items():
            if isinstance(part, dict) and isinstance(part.get("weight"), int | float):
                weights.setdefault(name, float(part["weight"]))
    counts = {
        "sites": len(sites),
        "forums": sum(1 for s in sites if s.get("kind") == "forum"),
        "blogs": sum(1 for s in sites if s.get("kind") == "blog"),
        "newsletters": len(lists["newsletters"]),
        "contacts": sum(len(v) for v in contacts.values()),
    }
    started = run.get("started_at")
    return {
        "keyword": run.get("keyword", ""),
        "run": run,
        "progress": _progress(store, run),
        "failed_queries": store.search_failures(int(run["run_id"])) if run else [],
        "run_date": started.strftime("%Y-%m-%d %H:%M") if isinstance(started, datetime) else "—",
        "counts": counts,
        "pipeline": store.pipeline_counts(),
        "changes": changes,
        "factors": [{"name": f, "weight": weights.get(f)} for f in factors],
        "link_map": _link_map(store, sites),
        "not_ranked": _not_ranked(store),  # issue 24
        "hubs": _hubs(store),
        "week": week_panel(store),  # issue 21: this week in the niche (report/digest.py)
        "payload": {"fields": SITE_FIELDS, "sites": records, "lists": lists,
                    "factors": factors},
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(data: dict[str, Any]) -> str:
    env = _environment()
    # The one inline script, pinned in the page's CSP by its hash: no other script (an
    # injected one included) may run, without 'unsafe-inline'.
    assert env.loader is not None
    script = "\n" + env.loader.get_source(env, "report.js")[0].strip("\n") + "\n"
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("report.html.j2").render(
        **data, script=Markup(script), script_hash=f"sha256-{digest}")


def write_report(store: Store, out: Path) -> Path:
    """Write the report atomically: a half-written report never replaces a good one."""
    check_out_path(out, "report", None if store.path == ":memory:" else Path(store.path))
    write_atomic(out, render(report_data(store)))
    return out
