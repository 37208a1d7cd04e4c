-- Discovery that survives the real search services (issue 17).
-- A query that could not be answered (a rate limit, a daily limit, failing upstream
-- engines, a refusal) is recorded with its reason, so the run can say which queries
-- failed and the next run asks them again (failures are never cached).
CREATE TABLE search_failures (
    run_id    INTEGER,                    -- NULL until the run that discovered claims it
    backend   VARCHAR NOT NULL,           -- the backend's cache id, never its key
    query     VARCHAR NOT NULL,
    page      INTEGER NOT NULL,
    kind      VARCHAR NOT NULL,           -- rate | daily | limiter | key | engines | refused | ...
    reason    VARCHAR NOT NULL,           -- the one-line message the user saw
    failed_at TIMESTAMP NOT NULL
);

-- Which backend and query found each result: with several backends in one run a site
-- found by more than one keeps every provenance, not only the first.
CREATE TABLE search_hits (
    run_id  INTEGER,                      -- NULL until claimed, as search_queries
    backend VARCHAR NOT NULL,             -- backend name (searxng, marginalia, brave…)
    query   VARCHAR NOT NULL,
    rank    INTEGER NOT NULL,             -- order received for this backend and query, from 0
    domain  VARCHAR NOT NULL,             -- registered domain
    url     VARCHAR NOT NULL
);
