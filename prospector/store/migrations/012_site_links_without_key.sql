-- Issue 23: `site_links` without its primary key. Every scoring writes the whole table
-- again from one GROUP BY over (source site, target site), which makes each pair unique
-- by itself; the key's index only cost time: at 100,000 sites its 1,500,000 entries took
-- ≈1.5 CPU-s to insert and ≈1.1 CPU-s to commit, of a 10 s budget. DuckDB cannot drop a
-- primary key in place: the table is made again with the same columns and its rows.
CREATE TABLE site_links_012 (
    source_domain VARCHAR NOT NULL,
    target_domain VARCHAR NOT NULL,
    links         INTEGER NOT NULL,          -- page-level links behind the edge
    pages         INTEGER NOT NULL,          -- distinct source pages carrying them
    anchors       VARCHAR[] NOT NULL,        -- distinct anchor texts, sorted, at most 5
    sections      VARCHAR[] NOT NULL,        -- distinct sections: blogroll, signature, footer…
    weight        DOUBLE NOT NULL,           -- the edge's vote in PageRank / HITS
    same_owner    BOOLEAN NOT NULL           -- collapsed: same contact on both sites
);
INSERT INTO site_links_012 SELECT * FROM site_links ORDER BY source_domain, target_domain;
DROP TABLE site_links;
ALTER TABLE site_links_012 RENAME TO site_links;
