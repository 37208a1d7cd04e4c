"""Issue 22's reads and writes: the addresses `prospector verify` checks and what it
found (`mail_domains`, `contact_checks`), the names and addresses pattern inference
reads and the addresses it proposes (`inferred_contacts`), and what `prospector drafts`
needs of each prospect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from prospector.store.outreach import Outreach
from prospector.store.reads import RANKED_LISTS

# The lists `verify` and `drafts` take, by their CLI names.
LIST_VIEWS = {"jv": "jv_partners", "newsletters": "newsletters", "communities": "communities"}

_DOMAIN_COLUMNS = ("domain", "deliverability", "reason", "mx", "queries", "checked_at",
                   "expires_at")
_CHECK_COLUMNS = ("address", "normalized", "domain", "syntax_ok", "disposable", "role",
                  "deliverability", "reason", "checked_at", "expires_at")

# Found addresses first, then the inferred ones; a site restricted to a list's domains.
_ADDRESSES = """
    SELECT c.domain AS site, c.value AS address, c.role, 'found' AS origin FROM contacts c
    WHERE c.kind = 'email' {where}
    UNION ALL
    SELECT i.domain, i.value, 'personal', 'inferred' FROM inferred_contacts i
    WHERE true {where_i}
    ORDER BY origin, site, address
"""

# Pages whose text may name people: about, contact, impressum, team pages and the home.
_NAME_PAGES = """
    SELECT domain, text FROM pages
    WHERE status = 200 AND text <> '' AND (
        regexp_matches(url, '/(about|contact|impressum|imprint|team|staff|people)', 'i')
        OR regexp_matches(url, '^https?://[^/]+/?$'))
    ORDER BY domain, url
"""


def _list_view(which: str) -> str:
    view = LIST_VIEWS[which]
    assert view in RANKED_LISTS  # formatted into SQL: a fixed name only
    return view


class Checks(Outreach):
    # -- verify -------------------------------------------------------------------------
    def addresses_to_verify(self, which: str) -> list[dict[str, Any]]:
        """(site, address, role, origin) of every stored address, found or inferred,
        of the sites in list `which` (jv, newsletters, communities) or of all sites."""
        if which == "all":
            sql = _ADDRESSES.format(where="", where_i="")
        else:
            view = _list_view(which)
            sql = _ADDRESSES.format(where=f"AND c.domain IN (SELECT domain FROM {view})",
                                    where_i=f"AND i.domain IN (SELECT domain FROM {view})")
        return self.rows(sql)

    def fresh_domains(self, domains: Sequence[str], at: datetime) -> dict[str, dict[str, Any]]:
        """The stored resolutions of `domains` that have not expired at `at`."""
        rows = self.rows("SELECT * FROM mail_domains WHERE domain IN (SELECT unnest(?))"
                         " AND expires_at > ?", [list(domains), at])
        return {str(r["domain"]): r for r in rows}

    def fresh_addresses(self, at: datetime) -> set[str]:
        rows = self.con.execute("SELECT address FROM contact_checks WHERE expires_at > ?",
                                [at]).fetchall()
        return {str(r[0]) for r in rows}

    def save_mail_domains(self, rows: Sequence[Sequence[Any]]) -> None:
        """Upsert (domain, deliverability, reason, mx, queries, checked_at, expires_at)."""
        self._upsert("mail_domains", _DOMAIN_COLUMNS, rows)

    def save_contact_checks(self, rows: Sequence[Sequence[Any]]) -> None:
        """Upsert rows of _CHECK_COLUMNS' order."""
        self._upsert("contact_checks", _CHECK_COLUMNS, rows)

    def _upsert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        self.con.execute("BEGIN TRANSACTION")
        key = columns[0]
        self.con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT unnest(?))",
                         [[r[0] for r in rows]])
        self._insert(table, columns, rows)
        self.con.execute("COMMIT")

    def deliverability_by_address(self) -> dict[str, str]:
        """What `verify` said of each checked address (none in a DB older than 010)."""
        if not self._has_table("contact_checks"):
            return {}
        rows = self.con.execute("SELECT address, deliverability FROM contact_checks").fetchall()
        return {str(a): str(d) for a, d in rows}

    def contact_checks(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM contact_checks ORDER BY address")

    # -- pattern inference ----------------------------------------------------------------
    def site_people(self) -> dict[str, list[tuple[str, str]]]:
        """Per site, the (name, where) of the people it names: the owner the crawl
        found, the authors of its posts and issues (issue 21's posts, when present)."""
        found: dict[str, list[tuple[str, str]]] = {}
        for domain, name in self.con.execute(
                "SELECT domain, owner_name FROM sites WHERE owner_name <> ''").fetchall():
            found.setdefault(str(domain), []).append((str(name), "owner"))
        if self._has_table("posts"):
            for domain, name in self.con.execute(
                    "SELECT DISTINCT domain, author FROM posts WHERE author <> ''"
                    " AND kind IN ('post', 'issue')"  # a forum's posters are members, not staff
                    " ORDER BY domain, author").fetchall():
                found.setdefault(str(domain), []).append((str(name), "feed author"))
        return found

    def name_page_texts(self) -> list[tuple[str, str]]:
        """(site, visible text) of the pages that usually name people."""
        rows = self.con.execute(_NAME_PAGES).fetchall()
        return [(str(d), str(t)) for d, t in rows]

    def found_emails(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for domain, value in self.con.execute(
                "SELECT domain, value FROM contacts WHERE kind = 'email'"
                " ORDER BY domain, value").fetchall():
            found.setdefault(str(domain), []).append(str(value))
        return found

    def replace_inferred(self, rows: Sequence[Sequence[Any]]) -> None:
        """The proposals of this inference replace the earlier ones:
        (domain, value, name, pattern, support, inferred_at)."""
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM inferred_contacts")
        self._insert("inferred_contacts",
                     ("domain", "value", "name", "pattern", "support", "inferred_at"), rows)
        self.con.execute("COMMIT")

    def inferred(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM inferred_addresses ORDER BY domain, value")

    # -- drafts ------------------------------------------------------------------------------
    def draft_prospects(self, which: str) -> list[dict[str, Any]]:
        """The prospects of list `which` in its order, with every address of each (found,
        with its deliverability) and the hooks: latest post title, deal signals, the
        newsletter's readers, the sites linking to it."""
        view = _list_view(which)
        return self.rows(
            f"SELECT l.rank, l.domain, l.url, l.title, l.kind, l.deal_signals, l.owner_name,"
            f" l.linked_from, l.in_cooldown, l.outreach_status, {self._readers()} AS readers,"
            f" {self._latest_post()} AS latest_post"
            f" FROM {view} l ORDER BY l.rank")

    def site_addresses(self) -> dict[str, list[dict[str, Any]]]:
        """Per site its email contacts, the surest first, with what verify said."""
        found: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows(
                "SELECT c.domain, c.value, c.role, c.confidence, k.deliverability"
                " FROM contacts c LEFT JOIN contact_checks k ON k.address = c.value"
                " WHERE c.kind = 'email'"
                " ORDER BY c.domain, CASE k.deliverability WHEN 'deliverable' THEN 0"
                " WHEN 'no_mail' THEN 2 ELSE 1 END, CASE c.role WHEN 'personal' THEN 0"
                " ELSE 1 END, c.confidence DESC, c.value"):
            found.setdefault(str(row["domain"]), []).append(row)
        return found

    def _latest_post(self) -> str:
        if not self._has_table("posts"):
            return "NULL"
        return ("(SELECT arg_max(p.title, coalesce(p.published, p.first_seen)) FROM posts p"
                " WHERE p.domain = l.domain AND p.title <> '')")

    def _readers(self) -> str:
        columns = {str(r[0]) for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'sites'"
        ).fetchall()}
        if "newsletter_subscribers" not in columns:
            return "NULL"
        return "(SELECT s.newsletter_subscribers FROM sites s WHERE s.domain = l.domain)"
