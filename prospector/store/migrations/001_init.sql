-- The public schema: documented in the README. Columns may be added later, never renamed.
CREATE SEQUENCE run_id_seq START 1;

CREATE TABLE runs (
    run_id      INTEGER PRIMARY KEY DEFAULT nextval('run_id_seq'),
    keyword     VARCHAR NOT NULL,
    config      JSON,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,          -- running | done | partial | failed
    sites       INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    contacts    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sites (
    domain      VARCHAR PRIMARY KEY,       -- registered domain
    url         VARCHAR NOT NULL,          -- home page crawled
    kind        VARCHAR NOT NULL DEFAULT 'other',  -- forum | blog | newsletter | shop | other
    platform    VARCHAR NOT NULL DEFAULT '',       -- phpbb, wordpress, ...
    title       VARCHAR NOT NULL DEFAULT '',
    source      VARCHAR NOT NULL DEFAULT '',       -- search | seed | link
    why         VARCHAR NOT NULL DEFAULT '',       -- the query or seed that found it
    status      VARCHAR NOT NULL DEFAULT 'queued', -- queued | ok | empty | error
    pages       INTEGER NOT NULL DEFAULT 0,
    first_run   INTEGER,
    last_run    INTEGER,
    first_seen  TIMESTAMP,
    last_seen   TIMESTAMP
);

CREATE TABLE pages (
    url          VARCHAR PRIMARY KEY,
    domain       VARCHAR NOT NULL,
    run_id       INTEGER,
    status       INTEGER NOT NULL,         -- HTTP status; 0 when no response
    content_type VARCHAR NOT NULL DEFAULT '',
    bytes        INTEGER NOT NULL DEFAULT 0,
    title        VARCHAR NOT NULL DEFAULT '',
    platform     VARCHAR NOT NULL DEFAULT '',
    kind         VARCHAR NOT NULL DEFAULT '',
    generator    VARCHAR NOT NULL DEFAULT '',
    text         VARCHAR NOT NULL DEFAULT '',
    fetched_at   TIMESTAMP,
    error        VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE contacts (
    domain      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,          -- email | form | social | phone
    value       VARCHAR NOT NULL,
    source_url  VARCHAR NOT NULL,
    method      VARCHAR NOT NULL DEFAULT '',
    confidence  DOUBLE NOT NULL DEFAULT 1.0,
    role        VARCHAR NOT NULL DEFAULT '',
    first_run   INTEGER,
    last_run    INTEGER,
    PRIMARY KEY (domain, kind, value)
);

CREATE TABLE links (
    source_url    VARCHAR NOT NULL,
    target_url    VARCHAR NOT NULL,
    source_domain VARCHAR NOT NULL,
    target_domain VARCHAR NOT NULL,
    anchor        VARCHAR NOT NULL DEFAULT '',
    section       VARCHAR NOT NULL DEFAULT '',
    run_id        INTEGER,
    PRIMARY KEY (source_url, target_url)
);

CREATE TABLE discoveries (
    run_id  INTEGER NOT NULL,
    domain  VARCHAR NOT NULL,
    url     VARCHAR NOT NULL,
    source  VARCHAR NOT NULL,              -- search | seed | link
    why     VARCHAR NOT NULL,
    rank    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, domain)
);

CREATE TABLE scores (
    domain    VARCHAR PRIMARY KEY,
    run_id    INTEGER,
    score     DOUBLE NOT NULL,             -- 0..100
    breakdown JSON NOT NULL                -- {factor: {"raw": x, "weight": w, "points": p}}
);
