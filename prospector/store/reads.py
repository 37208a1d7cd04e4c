"""Named read queries of the report, the exports, `prospector explain` and the CLI.

Data travels as parameters; a view name only from RANKED_LISTS (a fixed whitelist),
since a name cannot be a parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prospector.store.connection import Connection
from prospector.store.migrations import views_sql

# The ranked lists the views define (views.sql), each with a `rank` and a `domain`.
RANKED_LISTS = ("jv_partners", "communities", "newsletters")
# The views the report and the exports read: a file written by an older Prospector may
# lack some of them.
REPORT_VIEWS = ("site_authority", *RANKED_LISTS, "run_changes")

# Every prospect once, in overall rank order, with its authority.
_RANKED_PROSPECTS = """
    SELECT p.*, coalesce(a.inlinks, 0) AS inlinks, a.linked_from FROM prospects p
    LEFT JOIN site_authority a USING (domain) ORDER BY p.score DESC, p.domain
"""

# One row per stored contact of a prospect: the best channels first.
_PROSPECT_CONTACTS = """
    SELECT p.domain, p.url, p.title, p.score, p.kind, p.platform, p.why, p.first_seen,
           c.kind AS channel, c.value AS contact, c.role AS contact_role,
           k.deliverability AS contact_deliverability, k.checked_at AS contact_checked_at,
           p.outreach_status, p.inferred_contact
    FROM contacts c JOIN prospects p USING (domain)
    LEFT JOIN contact_checks k ON c.kind = 'email' AND k.address = c.value
    ORDER BY p.score DESC, p.domain,
             CASE c.kind WHEN 'email' THEN 0 WHEN 'form' THEN 1 WHEN 'social' THEN 2 ELSE 3 END,
             c.confidence DESC, c.value
"""

_LINK_PAIRS = """
    SELECT DISTINCT source_domain, target_domain FROM links
    WHERE source_domain <> target_domain
      AND source_domain IN (SELECT unnest($1)) AND target_domain IN (SELECT unnest($1))
"""

_SITE_SCORES = """
    SELECT s.domain, s.kind, s.status, sc.jv_score, sc.jv_breakdown,
           sc.community_score, sc.community_breakdown,
           coalesce(e.reason, '') AS unranked_reason, coalesce(e.detail, '') AS unranked_detail
    FROM sites s LEFT JOIN scores sc USING (domain) LEFT JOIN eligibility e USING (domain)
    WHERE s.domain = ?
"""

_LINKING_SITES = """
    SELECT source_domain, weight, sections FROM site_links
    WHERE target_domain = ? AND weight > 0
    ORDER BY weight DESC, source_domain LIMIT ?
"""


def _ranked_list(name: str) -> str:
    """`name` when it is one of the ranked lists' views: it is formatted into SQL."""
    if name not in RANKED_LISTS:
        raise ValueError(f"unknown list {name!r}: one of {', '.join(RANKED_LISTS)}")
    return name


class Reads(Connection):
    def ensure_views(self) -> None:
        """A DB last written by an older Prospector lacks the report's views, and a reader
        may not create them: define the current ones as this connection's temp views."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'"
        ).fetchall()
        present = {str(r[0]) for r in rows}
        if not all(v in present for v in REPORT_VIEWS):
            self.con.execute(views_sql(temporary=True))

    # -- the report --------------------------------------------------------------------
    def ranked_prospects(self) -> list[dict[str, Any]]:
        """Every prospect (all of the `prospects` view) in overall rank order, with its
        inlinks and the sites it is linked from."""
        return self.rows(_RANKED_PROSPECTS)

    def list_domains(self, name: str) -> list[str]:
        """The domains of ranked list `name` (one of RANKED_LISTS), in its order."""
        rows = self.con.execute(f"SELECT domain FROM {_ranked_list(name)}").fetchall()
        return [str(r[0]) for r in rows]

    def list_scores(self, name: str) -> list[tuple[str, float, Any]]:
        """(domain, score, breakdown) of ranked list `name`, in its order: the list's own
        score (JV for partners and newsletters, community for communities)."""
        rows = self.con.execute(
            f"SELECT domain, score, breakdown FROM {_ranked_list(name)}").fetchall()
        return [(str(d), float(s or 0), b) for d, s, b in rows]

    def contacts_in_order(self) -> list[tuple[str, str, str]]:
        """Every stored contact as (domain, kind, value), a site's surest first."""
        rows = self.con.execute("SELECT domain, kind, value FROM contacts"
                                " ORDER BY domain, kind, confidence DESC, value").fetchall()
        return [(str(d), str(k), str(v)) for d, k, v in rows]

    def run_changes(self) -> list[tuple[str, str]]:
        """(domain, change) of the sites the latest run found ('new') or lost ('lost')."""
        rows = self.con.execute("SELECT domain, change FROM run_changes").fetchall()
        return [(str(d), str(c)) for d, c in rows]

    def link_pairs(self, domains: Sequence[str]) -> list[tuple[str, str]]:
        """The (source, target) pairs of sites among `domains` that link to each other."""
        rows = self.con.execute(_LINK_PAIRS, [list(domains)]).fetchall()
        return [(str(a), str(b)) for a, b in rows]

    def top_prospect(self) -> dict[str, Any] | None:
        """The best prospect's domain, score and contact."""
        found = self.rows("SELECT domain, score, contact FROM prospects LIMIT 1")
        return found[0] if found else None

    # -- the exports ---------------------------------------------------------------------
    def list_rows(self, name: str) -> list[dict[str, Any]]:
        """Every column of ranked list `name` (one of RANKED_LISTS), in its order."""
        return self.rows(f"SELECT * FROM {_ranked_list(name)}")

    def prospect_contacts(self) -> list[dict[str, Any]]:
        """One row per stored contact of a prospect (its site's columns, channel, contact,
        contact_role): the best prospects first, a site's best channels first."""
        return self.rows(_PROSPECT_CONTACTS)

    # -- prospector explain --------------------------------------------------------------
    def site_scores(self, domain: str) -> dict[str, Any] | None:
        """A site's kind, status and both scores with their breakdowns."""
        found = self.rows(_SITE_SCORES, [domain])
        return found[0] if found else None

    def site_metrics(self, domain: str) -> dict[str, Any] | None:
        """A site's row of `site_metrics` (graph and relevance figures)."""
        found = self.rows("SELECT * FROM site_metrics WHERE domain = ?", [domain])
        return found[0] if found else None

    def linking_sites(self, domain: str, limit: int = 5) -> list[dict[str, Any]]:
        """The sites whose links count for `domain`, heaviest first."""
        return self.rows(_LINKING_SITES, [domain, limit])

    def list_rank(self, name: str, domain: str) -> tuple[int, int] | None:
        """`domain`'s rank in ranked list `name` and the list's length; None if absent."""
        view = _ranked_list(name)
        row = self.con.execute(f"SELECT rank, (SELECT count(*) FROM {view}) AS n FROM {view}"
                               " WHERE domain = ?", [domain]).fetchone()
        return (int(row[0]), int(row[1])) if row else None
