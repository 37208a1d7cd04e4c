"""Outreach: contacts never to store or show (suppressions), the pipeline of each site
(drafted, contacted, replied, declined, partner: every change kept in `outreach_events`),
and the cooldown during which a contacted site stays out of the to-contact lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prospector.store.connection import Connection, now

# The pipeline's statuses, in the order a prospect moves through them.
STATUSES = ("drafted", "contacted", "replied", "declined", "partner")


def is_suppressed(blocked: dict[str, set[str]], site: str, kind: str, value: str) -> bool:
    """True when a contact of `site` is covered by a suppression: its site, its address,
    or (for emails) the domain after the @."""
    if site in blocked.get("domain", ()):
        return True
    if kind != "email":
        return False
    return value in blocked.get("email", ()) or (
        value.rpartition("@")[2] in blocked.get("email_domain", ()))


class Outreach(Connection):
    def suppressions(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {"email": set(), "domain": set(), "email_domain": set()}
        for value, kind in self.con.execute("SELECT value, kind FROM suppressions").fetchall():
            found.setdefault(str(kind), set()).add(str(value))
        return found

    def suppress(self, entries: Sequence[tuple[str, str]], note: str = "") -> int:
        """Add (value, kind) suppressions and delete the contacts they cover; returns the
        number of contacts deleted."""
        self.con.execute("BEGIN TRANSACTION")
        self._insert("suppressions", ("value", "kind", "added_at", "note"),
                     [(v, k, now(), note) for v, k in entries], "ON CONFLICT DO NOTHING")
        blocked = self.suppressions()
        doomed = [(d, k, v) for d, k, v in self.con.execute(
            "SELECT domain, kind, value FROM contacts").fetchall()
            if is_suppressed(blocked, str(d), str(k), str(v))]
        for domain, kind, value in doomed:
            self.con.execute("DELETE FROM contacts WHERE domain = ? AND kind = ? AND value = ?",
                             [domain, kind, value])
        self.con.execute("COMMIT")
        return len(doomed)

    def mark_contacted(self, target: str, kind: str, domain: str, note: str) -> None:
        """`mark-contacted`: the pipeline's `contacted` (the `contacted` table is kept
        too, as earlier versions wrote it)."""
        self.con.execute(
            "INSERT INTO contacted VALUES (?, ?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET"
            " contacted_at = excluded.contacted_at, note = excluded.note",
            [target, kind, domain, now(), note])
        self.add_outreach_events([(domain, target, "contacted", note)])

    def add_outreach_events(self, events: Sequence[tuple[str, str, str, str]]) -> None:
        """Record (domain, target, status, note) changes, now, in the given order."""
        for status in {e[2] for e in events}:
            if status not in STATUSES:
                raise ValueError(f"unknown outreach status {status!r}")
        at = now()
        self._insert("outreach_events", ("domain", "target", "status", "note", "changed_at"),
                     [(d, t, s, n, at) for d, t, s, n in events])

    def outreach_history(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Every status change (of one site, or of all), oldest first."""
        where, params = ("WHERE domain = ?", [domain]) if domain else ("", [])
        return self.rows("SELECT event_id, domain, target, status, note, changed_at FROM outreach_events "
                         f"{where} ORDER BY event_id", params)

    def pipeline_counts(self) -> dict[str, int]:
        """How many sites stand at each status now (their latest change); every status
        is a key. A DB older than the pipeline has none."""
        counts = dict.fromkeys(STATUSES, 0)
        if not self._has_table("outreach_events"):
            return counts
        for status, n in self.con.execute(
                "SELECT status, count(*) FROM (SELECT arg_max(status, event_id) AS status"
                " FROM outreach_events GROUP BY domain) GROUP BY status").fetchall():
            counts[str(status)] = int(n)
        return counts

    def site_statuses(self) -> dict[str, str]:
        """Each site's latest status."""
        if not self._has_table("outreach_events"):
            return {}
        rows = self.con.execute("SELECT domain, arg_max(status, event_id) FROM outreach_events"
                                " GROUP BY domain").fetchall()
        return {str(d): str(s) for d, s in rows}

    def has_site(self, domain: str) -> bool:
        row = self.con.execute("SELECT count(*) FROM sites WHERE domain = ?", [domain]).fetchone()
        return bool(row and row[0])

    def _has_table(self, name: str) -> bool:
        row = self.con.execute("SELECT count(*) FROM information_schema.tables"
                               " WHERE table_name = ?", [name]).fetchone()
        return bool(row and row[0])

    def set_contact_cooldown(self, days: int) -> None:
        """How long a contacted site stays marked in cooldown (the `outreach` view)."""
        self.con.execute("UPDATE prefs SET value = ? WHERE key = 'contact_cooldown_days'",
                         [str(days)])

    def email_site(self, address: str) -> str | None:
        """The site an email address was found on, None when it was not stored."""
        row = self.con.execute("SELECT domain FROM contacts WHERE kind = 'email' AND value = ?"
                               " LIMIT 1", [address]).fetchone()
        return str(row[0]) if row else None
