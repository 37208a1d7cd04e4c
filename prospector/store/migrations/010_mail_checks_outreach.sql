-- Issue 22: from prospect to first message.

-- What DNS said about each mail domain (the part after the @): one resolution per
-- domain per run, kept until expires_at so a re-run within the TTL asks nothing.
CREATE TABLE mail_domains (
    domain         VARCHAR PRIMARY KEY,     -- the address's domain, lower case
    deliverability VARCHAR NOT NULL,        -- deliverable | no_mail | unknown
    reason         VARCHAR NOT NULL,        -- "MX mail.example.com", "null MX (RFC 7505)", "timeout"…
    mx             VARCHAR[] NOT NULL,      -- exchanges, best preference first
    queries        INTEGER NOT NULL,        -- DNS queries this resolution sent
    checked_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);

-- One row per checked address (found or inferred): syntax, disposable, role, and the
-- deliverability its domain gave it.
CREATE TABLE contact_checks (
    address        VARCHAR PRIMARY KEY,     -- as stored in contacts / inferred_contacts
    normalized     VARCHAR NOT NULL,        -- email-validator's normal form ('' if invalid)
    domain         VARCHAR NOT NULL,        -- mail domain
    syntax_ok      BOOLEAN NOT NULL,
    disposable     BOOLEAN NOT NULL,
    role           VARCHAR NOT NULL,        -- role | personal
    deliverability VARCHAR NOT NULL,        -- deliverable | no_mail | unknown
    reason         VARCHAR NOT NULL,
    checked_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);

-- Addresses proposed from a site's address pattern for a named person with none:
-- never mixed with found ones (contacts); method is always 'inferred'.
CREATE TABLE inferred_contacts (
    domain      VARCHAR NOT NULL,           -- the site
    value       VARCHAR NOT NULL,           -- the proposed address
    name        VARCHAR NOT NULL,           -- the person it is for
    method      VARCHAR NOT NULL DEFAULT 'inferred',
    pattern     VARCHAR NOT NULL,           -- first.last, flast, first…
    support     INTEGER NOT NULL,           -- (name, address) pairs on the site that fit it
    inferred_at TIMESTAMP NOT NULL,
    PRIMARY KEY (domain, value)
);

-- The outreach pipeline: every status change of a site, kept (crawls never touch it).
CREATE SEQUENCE outreach_event_seq START 1;
CREATE TABLE outreach_events (
    event_id INTEGER PRIMARY KEY DEFAULT nextval('outreach_event_seq'),
    domain   VARCHAR NOT NULL,              -- the site
    target   VARCHAR NOT NULL,              -- the domain or the address written to
    status   VARCHAR NOT NULL,              -- drafted | contacted | replied | declined | partner
    note     VARCHAR NOT NULL DEFAULT '',
    changed_at TIMESTAMP NOT NULL
);
-- What `mark-contacted` recorded before the pipeline existed is its first history.
INSERT INTO outreach_events (domain, target, status, note, changed_at)
SELECT domain, target, 'contacted', note, contacted_at FROM contacted ORDER BY contacted_at;
