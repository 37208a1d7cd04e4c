-- Running every week: when each site was last crawled to the end (incremental re-crawl,
-- resume), validators for conditional requests, suppression and outreach status.
ALTER TABLE sites ADD COLUMN crawled_at TIMESTAMP;
ALTER TABLE sites ADD COLUMN crawl_run INTEGER;
ALTER TABLE pages ADD COLUMN etag VARCHAR NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN last_modified VARCHAR NOT NULL DEFAULT '';

CREATE TABLE suppressions (
    value    VARCHAR PRIMARY KEY,          -- an email address, or a registered domain
    kind     VARCHAR NOT NULL,             -- email | domain
    added_at TIMESTAMP NOT NULL,
    note     VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE contacted (
    target       VARCHAR PRIMARY KEY,      -- a registered domain, or an email address
    kind         VARCHAR NOT NULL,         -- domain | email
    domain       VARCHAR NOT NULL,         -- the site it belongs to
    contacted_at TIMESTAMP NOT NULL,
    note         VARCHAR NOT NULL DEFAULT ''
);

-- Preferences a user sets once per DB (the views read them).
CREATE TABLE prefs (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
INSERT INTO prefs VALUES ('contact_cooldown_days', '90');
