-- Issue 23: the score breakdowns as VARCHAR kept with ZSTD, not JSON, and
-- `scores.breakdown` dropped. The scoring writes each breakdown as the JSON text
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
