-- Issue 24: ranked lists a person can act on.

-- Why a site is no prospect, decided by each scoring (score.eligibility): '' for a site
-- that may be ranked, else unreachable (never fetched successfully), infrastructure
-- (a CDN, tracker, widget, messenger, platform, the biggest publishers:
-- extract.vocab.infrastructure) or off-topic (relevance under the config's
-- relevance_floor). Infrastructure the crawl only saw linked (never crawled) has a row
-- too. "No channel" is not stored: the views read the contacts as they are.
CREATE TABLE eligibility (
    domain     VARCHAR PRIMARY KEY,
    reason     VARCHAR NOT NULL DEFAULT '',   -- '' | unreachable | infrastructure | off-topic
    detail     VARCHAR NOT NULL DEFAULT '',   -- 'status error', 'tracker: cdn', 'relevance 0.00 < 0.20'
    relevance  DOUBLE,                        -- the relevance factor's value, 0..1
    linked_by  INTEGER NOT NULL DEFAULT 0,    -- distinct crawled sites linking to it
    run_id     INTEGER
);

-- Links to communities on platforms (subreddits, Discord invites, Facebook groups,
-- Telegram channels, Stack Exchange sites, Lemmy/kbin communities, Mastodon accounts and
-- hashtags, Matrix rooms, IRC channels, mailing lists, Slack invites), one row per page
-- and hub, read from crawled pages (extract.hubs); the platforms are never crawled.
CREATE TABLE hub_links (
    source_url    VARCHAR NOT NULL,
    source_domain VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,           -- reddit, discord, facebook, telegram, ...
    hub_id        VARCHAR NOT NULL,           -- r/emacs, #emacs@libera.chat, ...
    url           VARCHAR NOT NULL,           -- the hub's canonical URL
    anchor        VARCHAR NOT NULL DEFAULT '',
    first_run     INTEGER,
    last_run      INTEGER,
    first_seen    TIMESTAMP,
    last_seen     TIMESTAMP,
    PRIMARY KEY (source_url, url)
);
