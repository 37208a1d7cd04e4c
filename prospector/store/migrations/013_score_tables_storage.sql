-- Issue 23: how the scoring's tables are stored, for the time it takes to write them.
--
-- `scores`: the breakdowns as VARCHAR kept with ZSTD, not JSON, and `breakdown` dropped. The scoring writes each breakdown as the JSON text
-- json.dumps gives (score/table.py), and DuckDB parsed every one again to validate it as
-- JSON: at 100,000 sites the scores' INSERT took 1.1 CPU-s, 0.45 as VARCHAR.
-- `breakdown` repeated the better of the two others (a third of the 160 MB of breakdown
-- text whose commit cost 0.9 CPU-s; 0.4 without it): the views pick it from
-- `jv_breakdown` and `community_breakdown` as the scoring picked it (the JV one when
-- jv_score >= community_score). ZSTD instead of DuckDB's default dictionary/FSST for the
-- two: the checkpoint that writes 100,000 sites' breakdowns took 0.14 CPU-s against 0.43,
-- in 11 MB against 33 MB, and a full read 0.02 s against 0.01. Readers get the same text
-- (DuckDB hands JSON and VARCHAR to Python as str), and DuckDB's JSON functions (->,
-- ->>, json_extract) take VARCHAR as they are. DuckDB cannot change a column's
-- compression in place: the table is made again with its rows.
CREATE TABLE scores_013 (
    domain              VARCHAR PRIMARY KEY,
    run_id              INTEGER,
    score               DOUBLE NOT NULL,             -- 0..100, the better of the two
    jv_score            DOUBLE,
    jv_breakdown        VARCHAR USING COMPRESSION zstd,  -- JSON text: {factor: {...}}
    community_score     DOUBLE,
    community_breakdown VARCHAR USING COMPRESSION zstd
);
INSERT INTO scores_013
SELECT domain, run_id, score, jv_score, jv_breakdown::VARCHAR, community_score,
       community_breakdown::VARCHAR
FROM scores;
DROP TABLE scores;
ALTER TABLE scores_013 RENAME TO scores;

-- `site_links`: the two domain columns kept with ZSTD, not DuckDB's default (dictionary
-- and FSST): every scoring writes the table whole (1,500,000 rows at 100,000 sites), and
-- the INSERT took 0.86-0.89 CPU-s against 1.10-1.23. The price: 28 MB against 19 MB, and
-- one site's incoming edges (`prospector explain`) read in 0.07 s against 0.045.
CREATE TABLE site_links_013 (
    source_domain VARCHAR NOT NULL USING COMPRESSION zstd,
    target_domain VARCHAR NOT NULL USING COMPRESSION zstd,
    links         INTEGER NOT NULL,          -- page-level links behind the edge
    pages         INTEGER NOT NULL,          -- distinct source pages carrying them
    anchors       VARCHAR[] NOT NULL,        -- distinct anchor texts, sorted, at most 5
    sections      VARCHAR[] NOT NULL,        -- distinct sections: blogroll, signature, footer…
    weight        DOUBLE NOT NULL,           -- the edge's vote in PageRank / HITS
    same_owner    BOOLEAN NOT NULL           -- collapsed: same contact on both sites
);
INSERT INTO site_links_013 SELECT * FROM site_links;
DROP TABLE site_links;
ALTER TABLE site_links_013 RENAME TO site_links;
