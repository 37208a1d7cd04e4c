"""A run's life in the DB: started, resumed, closed with its counts; and what planning a
run reads (what a resumed run had found and crawled, what a re-crawl may skip, the
validators of conditional requests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prospector.models import Candidate
from prospector.store.connection import Connection, now

# The statuses of a run a job directory may resume: it did not end on its own.
RESUMABLE = ("running", "partial", "killed")

# Closing a run: each site's kind, platform and title come from its pages.
_DERIVE_SITES = """
    UPDATE sites SET
        platform = coalesce(agg.platform, sites.platform),
        kind = CASE WHEN sites.kind_voted THEN sites.kind ELSE coalesce(agg.kind, sites.kind) END,
        title = coalesce(agg.title, sites.title),
        pages = agg.pages,
        status = CASE WHEN agg.ok > 0 THEN 'ok' WHEN agg.pages > 0 THEN 'error'
                      ELSE sites.status END
    FROM (
        SELECT domain,
               -- The home page (shortest URL) speaks for the site: a shop's
               -- about page looks like any WordPress page, its home does not.
               arg_min(platform, length(url)) FILTER (WHERE platform <> '') AS platform,
               arg_min(kind, length(url)) FILTER (WHERE kind NOT IN ('', 'other')) AS kind,
               arg_min(title, length(url)) FILTER (WHERE title <> '') AS title,
               count(*) AS pages,
               count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS ok
        FROM pages GROUP BY domain
    ) AS agg
    WHERE sites.domain = agg.domain AND sites.last_run = ?
"""

_COUNT_RUN = """
    UPDATE runs SET finished_at = ?, status = ?,
        sites = (SELECT count(*) FROM sites WHERE last_run = ?),
        pages = (SELECT count(*) FROM pages WHERE run_id = ?),
        contacts = (SELECT count(*) FROM contacts WHERE last_run = ?)
    WHERE run_id = ?
"""

_LINKS_FROM = """
    SELECT l.source_domain, l.source_url, l.target_url, l.target_domain, l.anchor,
           l.section, s.distance
    FROM links l JOIN sites s ON s.domain = l.source_domain
    WHERE l.source_domain IN (SELECT unnest(?::VARCHAR[]))
      AND l.source_domain IN (
          SELECT domain FROM pages
          GROUP BY domain
          HAVING sum(len(regexp_extract_all(lower(title || ' ' || text), ?))) > 0)
    ORDER BY l.source_domain, l.source_url, l.target_url
"""


class Runs(Connection):
    def start_run(self, keyword: str, config_json: str) -> int:
        row = self.con.execute(
            "INSERT INTO runs (keyword, config, started_at, status) VALUES (?, ?, ?, 'running')"
            " RETURNING run_id",
            [keyword, config_json, now()],
        ).fetchone()
        assert row is not None
        return int(row[0])

    def resume_run(self, run_id: int) -> bool:
        """Mark run `run_id` running again when it may be resumed (it did not end on its
        own); False when there is no such run or it ended."""
        row = self.con.execute(
            "UPDATE runs SET status = 'running' WHERE run_id = ? AND status IN (?, ?, ?)"
            " RETURNING run_id", [run_id, *RESUMABLE]).fetchone()
        return row is not None

    def finish_run(self, run_id: int, status: str) -> None:
        """Close a run: derive each site's kind, platform, title and page count from
        its pages, and record the run's counts."""
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute(_DERIVE_SITES, [run_id])
        self.con.execute(_COUNT_RUN, [now(), status, run_id, run_id, run_id, run_id])
        self.con.execute("COMMIT")

    def run_summary(self, run_id: int) -> dict[str, Any]:
        """The run's status, sites, pages and contacts (as finish_run recorded them)."""
        found = self.rows("SELECT status, sites, pages, contacts FROM runs WHERE run_id = ?",
                          [run_id])
        if not found:
            raise KeyError(f"no run {run_id}")
        return found[0]

    def abandon_dead_runs_except(self, keep: int | None) -> int:
        """Runs left 'running' by a process that died: called while holding the run lock,
        so none of them is alive."""
        rows = self.con.execute(
            "UPDATE runs SET status = 'killed' WHERE status = 'running' AND run_id <> ?"
            " RETURNING run_id", [keep or 0]).fetchall()
        return len(rows)

    def last_run_id(self) -> int | None:
        row = self.con.execute("SELECT max(run_id) FROM runs").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def latest_run(self) -> dict[str, Any] | None:
        """The latest run's row (keyword, config, status, counts…), None before any."""
        found = self.rows("SELECT * FROM runs ORDER BY run_id DESC LIMIT 1")
        return found[0] if found else None

    def run_progress(self, run_id: int) -> dict[str, int]:
        """How far a run has got: sites crawled to the end in it (`done`) of the sites it
        has met so far (`sites`), and the run whose scores the ranked views show
        (`scored_run`, 0 before any scoring): a report made during a crawl says so."""
        row = self.con.execute(
            "SELECT (SELECT count(*) FROM sites WHERE crawl_run = $1),"
            " (SELECT count(*) FROM sites WHERE last_run = $1),"
            " (SELECT coalesce(max(run_id), 0) FROM scores)", [run_id]).fetchone()
        assert row is not None
        return {"done": int(row[0]), "sites": int(row[1]), "scored_run": int(row[2])}

    def search_failures(self, run_id: int) -> list[dict[str, Any]]:
        """The run's search queries that failed, with their reason (the report's list)."""
        return self.rows("SELECT backend, query, page, kind, reason FROM search_failures"
                         " WHERE run_id = ? ORDER BY failed_at, backend, query, page", [run_id])

    def run_count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM runs").fetchone()
        return int(row[0]) if row else 0

    def runs_table(self) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Every run, oldest first, as `prospector runs` lists them."""
        return self.query("SELECT run_id, keyword, status, started_at, finished_at, sites,"
                          " pages, contacts FROM runs ORDER BY run_id")

    # -- incremental crawls and resume ---------------------------------------------------
    def crawled_sites(self, *, run_id: int | None = None,
                      max_age_days: float | None = None) -> set[str]:
        """Sites crawled to the end in run `run_id`, or within `max_age_days` with success."""
        if run_id is not None:
            rows = self.con.execute(
                "SELECT domain FROM sites WHERE crawl_run = ?", [run_id]).fetchall()
        else:
            cutoff = now() - timedelta(days=max_age_days or 0.0)
            rows = self.con.execute(
                "SELECT domain FROM sites WHERE status = 'ok' AND crawled_at >= ?",
                [cutoff]).fetchall()
        return {str(r[0]) for r in rows}

    def run_candidates(self, run_id: int) -> list[Candidate]:
        """The candidates a run had recorded, to resume it without asking again."""
        rows = self.rows(
            "SELECT d.url, d.domain, d.why, d.source, d.rank, d.distance, d.via"
            " FROM discoveries d WHERE d.run_id = ? ORDER BY d.source = 'link', d.rank",
            [run_id])
        return [Candidate(url=r["url"], domain=r["domain"], why=r["why"], source=r["source"],
                          rank=r["rank"], distance=r["distance"], via=r["via"]) for r in rows]

    def links_from(self, domains: set[str], keyword_regex: str) -> list[dict[str, Any]]:
        """Stored outbound links of on-topic sites among `domains`: a skipped site still
        leads the focused crawl to the sites it links to."""
        if not domains:
            return []
        return self.rows(_LINKS_FROM, [sorted(domains), keyword_regex])

    def validators(self, domains: set[str]) -> dict[str, tuple[str, str]]:
        """url → (ETag, Last-Modified) of stored pages of `domains`."""
        if not domains:
            return {}
        rows = self.con.execute(
            "SELECT url, etag, last_modified FROM pages WHERE status = 200"
            " AND (etag <> '' OR last_modified <> '')"
            " AND domain IN (SELECT unnest(?::VARCHAR[]))", [sorted(domains)]).fetchall()
        return {str(u): (str(e), str(m)) for u, e, m in rows}
