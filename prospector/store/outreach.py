"""Outreach: contacts never to store or show (suppressions), who was contacted, and the
cooldown during which a contacted site is shown as such."""

from __future__ import annotations

from collections.abc import Sequence

from prospector.store.connection import Connection, now


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
        self.con.execute(
            "INSERT INTO contacted VALUES (?, ?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET"
            " contacted_at = excluded.contacted_at, note = excluded.note",
            [target, kind, domain, now(), note])

    def set_contact_cooldown(self, days: int) -> None:
        """How long a contacted site stays marked in cooldown (the `outreach` view)."""
        self.con.execute("UPDATE prefs SET value = ? WHERE key = 'contact_cooldown_days'",
                         [str(days)])

    def email_site(self, address: str) -> str | None:
        """The site an email address was found on, None when it was not stored."""
        row = self.con.execute("SELECT domain FROM contacts WHERE kind = 'email' AND value = ?"
                               " LIMIT 1", [address]).fetchone()
        return str(row[0]) if row else None
