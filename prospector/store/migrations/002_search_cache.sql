-- Search answers cached per (backend, query, page), so a re-run spends no quota, and a
-- log of every query a run asked, sent or served from the cache.
-- `backend` is the backend's cache id (service, instance, index), never its key.
CREATE TABLE search_cache (
    backend    VARCHAR NOT NULL,
    query      VARCHAR NOT NULL,
    page       INTEGER NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    results    JSON NOT NULL,             -- [{"url", "title", "content", "engine"}]
    PRIMARY KEY (backend, query, page)
);

CREATE TABLE search_queries (
    run_id   INTEGER,                     -- NULL outside a run
    backend  VARCHAR NOT NULL,
    query    VARCHAR NOT NULL,
    page     INTEGER NOT NULL,
    results  INTEGER NOT NULL,            -- how many results the page held
    cached   BOOLEAN NOT NULL,            -- served from search_cache, no request sent
    asked_at TIMESTAMP NOT NULL
);
