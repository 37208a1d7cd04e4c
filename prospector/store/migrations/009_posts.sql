-- Issue 21: the niche's posts, read from each site's main feed (RSS, Atom, JSON Feed).
-- One row per entry, deduplicated across runs by its key: the entry's guid (id), else its
-- canonical URL. A re-crawl writes only entries it has not stored; those seen again get
-- last_run. `kind`: post (a blog's or site's), thread or reply (a forum's), issue (a
-- newsletter's).
CREATE TABLE posts (
    domain      VARCHAR NOT NULL,
    key         VARCHAR NOT NULL,          -- guid, else the canonical URL
    url         VARCHAR NOT NULL DEFAULT '',
    guid        VARCHAR NOT NULL DEFAULT '',
    feed_url    VARCHAR NOT NULL DEFAULT '',
    kind        VARCHAR NOT NULL DEFAULT 'post',
    title       VARCHAR NOT NULL DEFAULT '',
    author      VARCHAR NOT NULL DEFAULT '',
    published   TIMESTAMP,
    updated     TIMESTAMP,
    summary     VARCHAR NOT NULL DEFAULT '',   -- plain text, capped (never the full text)
    categories  VARCHAR[],
    comments    INTEGER,                   -- slash:comments / thr:total where the feed says
    first_run   INTEGER,
    last_run    INTEGER,
    first_seen  TIMESTAMP,
    PRIMARY KEY (domain, key)
);

-- Each feed fetched, the latest fetch of it: validators for the next run's conditional
-- request, and why a feed was cut short or refused (`problem`: too_large, too_many_items,
-- timeout, malformed, entities, not_a_feed, http_error; '' when it read cleanly).
CREATE TABLE feeds (
    url           VARCHAR PRIMARY KEY,
    domain        VARCHAR NOT NULL,
    run_id        INTEGER,
    status        INTEGER NOT NULL DEFAULT 0,
    format        VARCHAR NOT NULL DEFAULT '',  -- rss20, atom10, json1, rss10…
    title         VARCHAR NOT NULL DEFAULT '',
    bytes         INTEGER NOT NULL DEFAULT 0,
    items         INTEGER NOT NULL DEFAULT 0,   -- entries read (after the cap)
    new_items     INTEGER NOT NULL DEFAULT 0,   -- entries this fetch stored for the first time
    problem       VARCHAR NOT NULL DEFAULT '',
    detail        VARCHAR NOT NULL DEFAULT '',
    etag          VARCHAR NOT NULL DEFAULT '',
    last_modified VARCHAR NOT NULL DEFAULT '',
    fetched_at    TIMESTAMP
);

-- Newsletters as a list of their own: where to sign up and how many readers the page
-- says it has ("join 12,000 readers"); the provider is newsletter_provider (005).
ALTER TABLE sites ADD COLUMN newsletter_signup VARCHAR NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN newsletter_subscribers INTEGER;
