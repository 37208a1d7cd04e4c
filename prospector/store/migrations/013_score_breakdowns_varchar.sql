-- Issue 23: the score breakdowns as VARCHAR, not JSON. The scoring writes each one as the
-- JSON text json.dumps gives (score/table.py), and DuckDB parsed every one again to
-- validate it as JSON: at 100,000 sites (≈480 MB of breakdown text over the three columns)
-- the scores' INSERT took 1.1 CPU-s and their commit 0.25 CPU-s more than as VARCHAR,
-- of a 10 s budget. Readers get the same text (DuckDB hands JSON and VARCHAR to Python
-- as str), and DuckDB's JSON functions (->, ->>, json_extract) take VARCHAR as they are.
ALTER TABLE scores ALTER breakdown TYPE VARCHAR;
ALTER TABLE scores ALTER jv_breakdown TYPE VARCHAR;
ALTER TABLE scores ALTER community_breakdown TYPE VARCHAR;
