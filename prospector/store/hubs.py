"""Issue 24's part of the store: which sites no ranked list takes and why (`eligibility`,
written by each scoring; `not_ranked`, the view a person reads), and the communities on
platforms the niche's pages link to (`hub_links`, written with their pages; `hubs`, the
ranked view)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from prospector.store.connection import Connection, now
from prospector.store.scoring import empty_table

_ELIGIBILITY_COLUMNS = ("domain", "reason", "detail", "relevance", "linked_by", "run_id")
_HUB_COLUMNS = ("source_url", "source_domain", "platform", "hub_id", "url", "anchor",
                "first_run", "last_run", "first_seen", "last_seen")

# Every site with what the gates read, and how many crawled sites link to it.
_GATE_SITES = """
    SELECT s.domain, s.url, s.status, coalesce(l.linked_by, 0) AS linked_by
    FROM sites s LEFT JOIN (
        SELECT target_domain AS domain, count(DISTINCT source_domain) AS linked_by
        FROM links WHERE source_domain <> target_domain GROUP BY target_domain) l
    USING (domain)
    ORDER BY s.domain
"""
# Domains the crawl only saw linked: one URL of each and how many sites link to it.
_LINKED_ONLY = """
    SELECT target_domain AS domain, min(target_url) AS url,
           count(DISTINCT source_domain) AS linked_by
    FROM links
    WHERE source_domain <> target_domain AND target_domain <> ''
      AND target_domain NOT IN (SELECT domain FROM sites)
    GROUP BY target_domain
    ORDER BY target_domain
"""
# Profile links in a site's content that recur on many of its pages (an author box under
# every post): (site, target URL, pages linking, the site's pages, one anchor).
_RECURRING_LINKS = """
    WITH site_pages AS (SELECT domain, count(*) AS n FROM pages WHERE status BETWEEN 200 AND 299
                        GROUP BY domain)
    SELECT l.source_domain AS domain, l.target_url, count(DISTINCT l.source_url) AS pages,
           sp.n AS site_pages, min(l.anchor) AS anchor
    FROM links l JOIN site_pages sp ON sp.domain = l.source_domain
    WHERE l.target_domain IN (SELECT unnest(?::VARCHAR[])) AND l.section = 'content'
    GROUP BY l.source_domain, l.target_url, sp.n
    HAVING count(DISTINCT l.source_url) >= ? AND count(DISTINCT l.source_url) >= sp.n * ?
    ORDER BY 1, 2
"""
# A page fetched again replaces its hub rows; first seen / first run stay.
_UPSERT_HUBS = """
    ON CONFLICT (source_url, url) DO UPDATE SET
        anchor = excluded.anchor, last_run = excluded.last_run,
        last_seen = excluded.last_seen
"""


def write_hub_links(store: Connection, run_id: int,
                    rows: Sequence[tuple[str, str, str, str, str, str]]) -> None:
    """(source_url, source_domain, platform, hub_id, url, anchor) of fetched pages, inside
    the caller's transaction (the crawl's batch); a page fetched again updates its rows."""
    if not rows:
        return
    stamp = now()
    unique = {(r[0], r[4]): r for r in rows}
    values = [(*r, run_id, run_id, stamp, stamp) for r in unique.values()]
    cols = [list(c) for c in zip(*values, strict=True)]
    select = ", ".join(f"unnest(${i + 1}) AS {name}" for i, name in enumerate(_HUB_COLUMNS))
    store.con.execute(f"INSERT INTO hub_links ({', '.join(_HUB_COLUMNS)}) SELECT {select}"
                      + _UPSERT_HUBS, cols)


class Hubs(Connection):
    def _has(self, name: str) -> bool:
        """Whether the file has table or view `name`: one last written before issue 24's
        migration, opened read-only, has neither `not_ranked` nor `hubs`."""
        row = self.con.execute("SELECT count(*) FROM information_schema.tables"
                               " WHERE table_name = ?", [name]).fetchone()
        return bool(row and row[0])

    # -- eligibility (score.eligibility writes it) ---------------------------------------
    def gate_sites(self) -> list[tuple[Any, ...]]:
        """(domain, url, status, linked_by) of every site, in domain order: tuples, not
        a dict per site (100,000 of them)."""
        return self.query(_GATE_SITES)[1]

    def linked_only(self) -> list[tuple[Any, ...]]:
        """(domain, url, linked_by) of the domains only seen as link targets."""
        return self.query(_LINKED_ONLY)[1]

    def write_eligibility(self, run_id: int | None, rows: Sequence[tuple[Any, ...]]) -> None:
        """Replace every site's gate at once: (domain, reason, detail, relevance, linked_by).
        The rows go in as registered NumPy columns (unnest of Python lists copied each
        value again: +270 MB at 100,000 sites), into a table emptied by empty_table."""
        columns = list(zip(*rows, strict=True)) if rows else [()] * 5
        data = {name: np.array(values, dtype=object) for name, values in
                zip(_ELIGIBILITY_COLUMNS, [*columns, (run_id,) * len(rows)], strict=True)}
        self.con.execute("SELECT 1").fetchall()  # no unfinished result: register() needs it
        self.con.execute("BEGIN TRANSACTION")
        try:
            empty_table(self.con, "eligibility")
            self.con.register("eligibility_rows", data)
            names = ", ".join(_ELIGIBILITY_COLUMNS)
            self.con.execute(f"INSERT INTO eligibility ({names})"
                             f" SELECT {names} FROM eligibility_rows")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.con.unregister("eligibility_rows")

    def not_ranked_counts(self) -> dict[str, dict[str, int]]:
        """list → reason → how many sites it leaves out for that reason."""
        out: dict[str, dict[str, int]] = {}
        if not self._has("not_ranked"):
            return out
        for lst, reason, n in self.con.execute(
                "SELECT list, reason, count(*) FROM not_ranked GROUP BY ALL ORDER BY ALL"
        ).fetchall():
            out.setdefault(str(lst), {})[str(reason)] = int(n)
        return out

    def not_ranked_rows(self) -> list[dict[str, Any]]:
        """Every row of `not_ranked`: list, domain, reason, detail, kind, url, status."""
        return self.rows("SELECT * FROM not_ranked") if self._has("not_ranked") else []

    # -- channels that recur across a site's pages (extract.channels) ---------------------
    def recurring_links(self, domains: Sequence[str], min_pages: int, share: float
                        ) -> list[dict[str, Any]]:
        """Links in page content to `domains` (the social networks) that one site makes
        on at least `min_pages` pages and `share` of its fetched pages."""
        return self.rows(_RECURRING_LINKS, [list(domains), min_pages, share])

    def add_channels(self, rows: Sequence[tuple[str, str, str, str, str]], run_id: int | None
                     ) -> None:
        """(domain, value, source_url, method, role) social channels; known ones stay."""
        self._insert("contacts", ("domain", "kind", "value", "source_url", "method",
                                  "confidence", "role", "first_run", "last_run"),
                     [(d, "social", v, src, m, 0.7, role, run_id, run_id)
                      for d, v, src, m, role in rows], "ON CONFLICT DO NOTHING")

    # -- hubs (written by write_hub_links, with their pages) ----------------------------
    def hub_rows(self) -> list[dict[str, Any]]:
        """Every hub in rank order (the `hubs` view)."""
        return self.rows("SELECT * FROM hubs") if self._has("hubs") else []
