-- Issue 23: the score breakdowns as VARCHAR, not JSON, and `scores.breakdown` dropped.
-- The scoring writes each breakdown as the JSON text json.dumps gives (score/table.py),
-- and DuckDB parsed every one again to validate it as JSON: at 100,000 sites the scores'
-- INSERT took 1.1 CPU-s, 0.45 as VARCHAR. `breakdown` repeated the better of the two
-- others (a third of the 160 MB of breakdown text whose commit cost 0.9 CPU-s; 0.4
-- without it): the views pick it from `jv_breakdown` and `community_breakdown` as the
-- scoring picked it (the JV one when jv_score >= community_score). Readers get the same
-- text (DuckDB hands JSON and VARCHAR to Python as str), and DuckDB's JSON functions
-- (->, ->>, json_extract) take VARCHAR as they are.
ALTER TABLE scores DROP COLUMN breakdown;
ALTER TABLE scores ALTER jv_breakdown TYPE VARCHAR;
ALTER TABLE scores ALTER community_breakdown TYPE VARCHAR;
