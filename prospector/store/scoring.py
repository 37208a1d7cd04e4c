"""What the scoring reads (site facts, term counts, the link graph, shared addresses) and
writes (the domain graph, site metrics and scores, replaced at once)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from prospector.store.connection import Connection

_SCORE_INPUTS = """
    SELECT s.domain, s.kind, s.platform, s.status, s.pages, s.members, s.topics,
           s.posts, s.online, s.registration_open, s.comments, s.latest_date,
           s.newsletter_provider, s.deal_signals, b.kind AS channel, b.role AS role
    FROM sites s LEFT JOIN best_contacts b USING (domain)
    ORDER BY s.domain
"""

_TERM_COUNTS = """
    SELECT domain,
           sum(len(regexp_extract_all(lower(title), ?))) AS title_hits,
           sum(len(regexp_extract_all(lower(text), ?))) AS text_hits,
           -- words = spaces + 1 per string, counted without splitting: a
           -- string_split list of every word peaked at ≈400 MB on 5,000 pages
           sum(length(title) - length(replace(title, ' ', ''))
               + length(text) - length(replace(text, ' ', '')) + 2) AS words
    FROM pages
    WHERE status BETWEEN 200 AND 299 AND rowid >= ? AND rowid < ?
    GROUP BY domain
"""

# The links link_edges counts: between two stored sites.
_EDGES_WHERE = """
    FROM links l
    WHERE l.source_domain <> l.target_domain
      AND l.source_domain IN (SELECT domain FROM sites)
      AND l.target_domain IN (SELECT domain FROM sites)
"""
_EDGES_PER_SOURCE = ("SELECT l.source_domain, count(*)" + _EDGES_WHERE
                     + " GROUP BY l.source_domain ORDER BY l.source_domain")
_EDGES = """
    SELECT l.source_domain, l.target_domain, count(*) AS links,
           count(DISTINCT l.source_url) AS pages,
           list_sort(list_distinct(list(l.anchor) FILTER (WHERE l.anchor <> '')))
               [1:5] AS anchors,
           list_sort(list_distinct(list(l.section))) AS sections
""" + _EDGES_WHERE + """
      AND l.source_domain BETWEEN ? AND ?
    GROUP BY l.source_domain, l.target_domain
    ORDER BY l.source_domain, l.target_domain
"""

_SHARED_CONTACTS = """
    SELECT value, list_sort(list_distinct(list(domain))) AS domains
    FROM contacts WHERE kind = 'email'
    GROUP BY value HAVING count(DISTINCT domain) > 1
    ORDER BY value
"""

# What write_site_scores replaces, with the columns of its rows.
_SCORE_TABLES = (
    ("site_links", ("source_domain", "target_domain", "links", "pages", "anchors", "sections",
                    "weight", "same_owner")),
    ("site_metrics", ("domain", "owner_group", "pagerank", "hub", "authority", "inlinks",
                      "bm25")),
    ("scores", ("domain", "run_id", "score", "breakdown", "jv_score", "jv_breakdown",
                "community_score", "community_breakdown")),
)


class Scoring(Connection):
    # Pages per term_counts query. DuckDB runs a query a vector (2,048 rows) at a time
    # and each string step (lower, replace, the matches) holds a copy of the vector's
    # text: ≈70 MB more at 16 KB of text a page, ≈7 MB for 256 rows.
    TERM_BATCH = 256
    # Links per link_edges query: its GROUP BY keeps lists per edge that DuckDB cannot
    # spill; all 150,000 links of a 50,000-page crawl at once ran out of 64 MB.
    EDGE_SLICE = 20_000
    # Rows per INSERT of write_site_scores: DuckDB turns each parameter list into one
    # LIST value whose conversion costs several times the Python rows (+33 MB for 14,603
    # site links in one statement, +20 MB a statement of 500 or 2,000): bounded, not O(rows).
    SCORE_STEP = 1_000

    def score_inputs(self) -> list[dict[str, Any]]:
        """Per site, the facts the scores read: kind, status, community numbers,
        activity, newsletter, deal signals and the best channel."""
        return self.rows(_SCORE_INPUTS)

    def term_counts(self, pattern: str) -> list[dict[str, Any]]:
        """Per site: matches of `pattern` (a regex over lower-cased text) in its pages'
        titles and in their text, and its length in words.

        Summed over slices of TERM_BATCH rowids: the same integer sums (a NULL sum where
        every page's is NULL) as one query over the table, with a flat peak."""
        top = self.con.execute("SELECT max(rowid) FROM pages").fetchone()
        end = int(top[0]) + 1 if top and top[0] is not None else 0
        totals: dict[str, list[int | None]] = {}
        for low in range(0, end, self.TERM_BATCH):
            part = self.con.execute(
                _TERM_COUNTS, [pattern, pattern, low, low + self.TERM_BATCH]).fetchall()
            for domain, *sums in part:
                acc = totals.setdefault(str(domain), [None, None, None])
                for i, value in enumerate(sums):
                    if value is not None:
                        acc[i] = int(value) + (acc[i] or 0)
        return [{"domain": d, "title_hits": t, "text_hits": x, "words": w}
                for d, (t, x, w) in sorted(totals.items())]

    def link_edges(self) -> Iterable[tuple[Any, ...]]:
        """The crawl's links between stored sites, one row per (source, target) site:
        (source_domain, target_domain, links, pages, anchors (the first five, sorted),
        sections), in order. Tuples rather than a dict a row (there are tens of edges a
        site), made a slice of source sites at a time (each slice at most EDGE_SLICE
        links, or one site)."""
        bounds: list[tuple[str, str]] = []
        first = last = ""
        total = 0
        for source, links in self.con.execute(_EDGES_PER_SOURCE).fetchall():
            if total and total + links > self.EDGE_SLICE:
                bounds.append((first, last))
                total = 0
            if not total:
                first = source
            last, total = source, total + links
        if total:
            bounds.append((first, last))
        for low, high in bounds:
            yield from self.con.execute(_EDGES, [low, high]).fetchall()

    def shared_contacts(self) -> list[dict[str, Any]]:
        """Email addresses published on more than one site: one owner behind them."""
        return self.rows(_SHARED_CONTACTS)

    def run_date(self) -> datetime | None:
        """When the latest run started: activity is measured from it, not from now."""
        row = self.con.execute(
            "SELECT started_at FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        return row[0] if row and isinstance(row[0], datetime) else None

    def write_site_scores(self, run_id: int | None, graph: Iterable[tuple[Any, ...]],
                          metrics: Iterable[tuple[Any, ...]],
                          scores: Iterable[tuple[Any, ...]]) -> None:
        """Replace the link graph, the site metrics and the scores at once; each is read
        once, in slices (rows may be made as they are written).

        graph: (source, target, links, pages, anchors, sections, weight, same_owner);
        metrics: (domain, owner_group, pagerank, hub, authority, inlinks, bm25);
        scores: (domain, score, breakdown, jv_score, jv_breakdown, community_score,
        community_breakdown)."""
        tables = (graph, metrics, ((d, run_id, *rest) for d, *rest in scores))
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, _ in _SCORE_TABLES:
                self.con.execute(f"DELETE FROM {table}")
            for (table, columns), rows in zip(_SCORE_TABLES, tables, strict=True):
                self._insert_in_steps(table, columns, rows)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _insert_in_steps(self, table: str, columns: tuple[str, ...],
                         rows: Iterable[tuple[Any, ...]]) -> None:
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == self.SCORE_STEP:
                self._insert(table, columns, chunk)
                chunk = []
        self._insert(table, columns, chunk)
