"""The niche's posts (issue 21): every SQL statement on `posts` and `feeds`.

A crawl's feed fetches are written in one transaction a flush: the feed's row (its
validators for the next run's conditional request, and why it was cut short), the
entries never stored before (keyed by guid, else canonical URL), and `last_run` for
those seen again. Entries stored already are not written again: a re-crawl of an
unchanged feed writes nothing but the feed's row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb

from prospector.extract.feeds import FeedEntry, FeedFetched
from prospector.extract.newsletter import NewsletterFacts
from prospector.store.connection import Connection, keys_in, now

_POST_COLUMNS = ("domain", "key", "url", "guid", "feed_url", "kind", "title", "author",
                 "published", "updated", "summary", "categories", "comments", "first_run",
                 "last_run", "first_seen")
_FEED_COLUMNS = ("url", "domain", "run_id", "status", "format", "title", "bytes", "items",
                 "new_items", "problem", "detail", "etag", "last_modified", "fetched_at")

_STORED_KEYS = """
    SELECT domain, key FROM posts WHERE domain IN (SELECT unnest(?::VARCHAR[]))
"""
_SEEN_AGAIN = """
    UPDATE posts SET last_run = ?
    FROM (SELECT unnest(?::VARCHAR[]) AS domain, unnest(?::VARCHAR[]) AS key) v
    WHERE posts.domain = v.domain AND posts.key = v.key
"""
# A feed answered 304 keeps its stored row but for when and by which run it was asked.
_FEED_UNCHANGED = """
    UPDATE feeds SET run_id = ?, status = 304, new_items = 0, fetched_at = ?
    WHERE url = ?
"""
_NEWSLETTERS = """
    UPDATE sites SET
        newsletter_signup = CASE WHEN sites.newsletter_signup = '' THEN v.signup
                                 ELSE sites.newsletter_signup END,
        newsletter_subscribers = greatest(sites.newsletter_subscribers, v.readers)
    FROM (SELECT unnest(?::VARCHAR[]) AS domain, unnest(?::VARCHAR[]) AS signup,
                 unnest(?::INTEGER[]) AS readers) v
    WHERE sites.domain = v.domain AND """  # + keys_in: by the key's index, not a scan
_LATEST_POSTS = """
    SELECT domain, arg_max(title, published) AS title, arg_max(url, published) AS url,
           max(published) AS published
    FROM posts WHERE published IS NOT NULL AND title <> ''
      AND domain IN (SELECT unnest(?::VARCHAR[]))
    GROUP BY domain
"""
# Posts of a period with what the digest ranks them by: the site's kind, score and
# authority, whether the latest run found the site, whether it was contacted lately.
# Suppressed sites are left out here, so no caller can forget to.
_POSTS_BETWEEN = """
    SELECT p.domain, p.url, p.title, p.author, p.published, p.summary, p.comments, p.kind,
           s.kind AS site_kind, s.title AS site_title, s.url AS site_url,
           coalesce(sc.jv_score, 0) AS jv_score,
           coalesce(sc.community_score, 0) AS community_score,
           coalesce(m.authority, 0) AS authority, coalesce(m.inlinks, 0) AS inlinks,
           -- found by the latest run, when an earlier run exists (as run_changes says)
           (s.first_run = (SELECT max(run_id) FROM runs)
            AND s.first_run > (SELECT min(run_id) FROM runs)) AS new_site
    FROM posts p
    JOIN sites s USING (domain)
    LEFT JOIN scores sc USING (domain)
    LEFT JOIN site_metrics m USING (domain)
    WHERE p.published >= ? AND p.published <= ? AND p.url <> ''
      AND p.domain NOT IN (SELECT value FROM suppressions WHERE kind = 'domain')
    ORDER BY p.published DESC, p.domain, p.key
"""


def _entry_kind(entry: FeedEntry, site_kind: str) -> str:
    """post, thread or reply (a forum's feed gives both), issue (a newsletter's)."""
    if site_kind == "forum":
        return "reply" if entry.title.lower().startswith(("re:", "re :")) else "thread"
    if site_kind == "newsletter":
        return "issue"
    return "post"


def _post_row(feed: FeedFetched, e: FeedEntry, run_id: int, stamp: datetime
              ) -> tuple[Any, ...]:
    return (feed.site, e.key, e.url, e.guid, feed.url, _entry_kind(e, feed.site_kind),
            e.title, e.author, e.published or None, e.updated or None, e.summary,
            list(e.categories), e.comments, run_id, run_id, stamp)


class Posts(Connection):
    def write_feeds(self, run_id: int, feeds: Sequence[FeedFetched]) -> int:
        """One flush's feed fetches in one transaction; returns the entries new to the DB."""
        if not feeds:
            return 0
        domains = sorted({f.site for f in feeds})
        stored = {(str(d), str(k)) for d, k in
                  self.con.execute(_STORED_KEYS, [domains]).fetchall()}
        stamp = now()
        new_rows: list[tuple[Any, ...]] = []
        again: list[tuple[str, str]] = []
        feed_rows: list[tuple[Any, ...]] = []
        unchanged: list[FeedFetched] = []
        for feed in feeds:
            if feed.status == 304:
                unchanged.append(feed)
                continue
            fresh = 0
            for entry in feed.read.entries:
                key = (feed.site, entry.key)
                if key in stored:
                    again.append(key)
                    continue
                stored.add(key)
                new_rows.append(_post_row(feed, entry, run_id, stamp))
                fresh += 1
            feed_rows.append(self._feed_row(run_id, feed, fresh))
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._insert("posts", _POST_COLUMNS, new_rows)
            if again:
                self.con.execute(_SEEN_AGAIN, [run_id, [d for d, _ in again],
                                               [k for _, k in again]])
            urls = [row[0] for row in feed_rows]
            if urls:
                where, keys = keys_in("url", urls)  # by the key's index, not a scan
                self.con.execute("DELETE FROM feeds WHERE " + where, keys)
                self._insert("feeds", _FEED_COLUMNS, list({r[0]: r for r in feed_rows}.values()))
            for feed in unchanged:
                self.con.execute(_FEED_UNCHANGED, [run_id, feed.fetched_at or stamp, feed.url])
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        return len(new_rows)

    @staticmethod
    def _feed_row(run_id: int, feed: FeedFetched, fresh: int) -> tuple[Any, ...]:
        read = feed.read
        problems = list(read.problems)
        if feed.error and "http_error" not in problems:
            problems.append("http_error")
        detail = "; ".join(x for x in (read.detail, feed.error) if x)[:500]
        return (feed.url, feed.site, run_id, feed.status, read.format, read.title, read.size,
                len(read.entries), fresh, ",".join(problems), detail, feed.etag,
                feed.last_modified, feed.fetched_at or now())

    def write_newsletters(self, letters: Sequence[NewsletterFacts]) -> None:
        """Sites' newsletter sign-up URL (the first seen) and stated readers (the most)."""
        best: dict[str, tuple[str, int | None]] = {}
        for letter in letters:
            signup, readers = best.get(letter.site, ("", None))
            counts = [n for n in (readers, letter.subscribers) if n is not None]
            best[letter.site] = (signup or letter.signup_url, max(counts) if counts else None)
        if not best:
            return
        sites = sorted(best)
        where, keys = keys_in("sites.domain", sites)
        self.con.execute(_NEWSLETTERS + where, [sites, [best[s][0] for s in sites],
                                                [best[s][1] for s in sites], *keys])

    # -- reads ---------------------------------------------------------------------------
    def latest_post(self, domain: str) -> dict[str, Any] | None:
        """The site's newest dated post: title, url, published; None when it has none.
        (Issue 22's outreach drafts open with it.)"""
        return self.latest_posts([domain]).get(domain)

    def latest_posts(self, domains: Sequence[str]) -> dict[str, dict[str, Any]]:
        """domain → its newest dated post (title, url, published)."""
        if not domains:
            return {}
        return {str(r["domain"]): r for r in self.rows(_LATEST_POSTS, [list(domains)])}

    def post_dates(self) -> dict[str, list[tuple[datetime, str]]]:
        """domain → (published, kind) of each dated post, oldest first: what the activity
        factors are measured from."""
        rows = self.con.execute(
            "SELECT domain, published, kind FROM posts WHERE published IS NOT NULL"
            " ORDER BY domain, published").fetchall()
        out: dict[str, list[tuple[datetime, str]]] = {}
        for domain, published, kind in rows:
            out.setdefault(str(domain), []).append((published, str(kind)))
        return out

    def posts_between(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Posts published in [start, end] of sites not suppressed, newest first, with
        their site's kind, scores, authority and whether the latest run found it."""
        return self.rows(_POSTS_BETWEEN, [start, end])

    def feed_validators(self, skip: set[str]) -> dict[str, tuple[str, str]]:
        """feed url → (ETag, Last-Modified) of the last fetch, for a conditional request:
        every stored feed but those of `skip` (one row a site: a site found through a
        link this run is asked conditionally too)."""
        rows = self.con.execute(
            "SELECT url, etag, last_modified FROM feeds WHERE status IN (200, 304)"
            " AND (etag <> '' OR last_modified <> '')"
            " AND domain NOT IN (SELECT unnest(?::VARCHAR[]))", [sorted(skip)]).fetchall()
        return {str(u): (str(e), str(m)) for u, e, m in rows}

    def feed_rows(self) -> list[dict[str, Any]]:
        """Every feed fetched, with its problem (why it was cut short) and counts."""
        return self.rows("SELECT * FROM feeds ORDER BY domain, url")

    def featured_partner(self) -> dict[str, Any] | None:
        """The best JV prospect never contacted (the digest features it): domain, url,
        title, score."""
        found = self.rows("SELECT domain, url, title, score FROM jv_partners"
                          " WHERE contacted_at IS NULL ORDER BY rank LIMIT 1")
        return found[0] if found else None

    def post_count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM posts").fetchone()
        return int(row[0]) if row else 0
