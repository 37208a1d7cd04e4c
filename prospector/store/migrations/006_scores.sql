-- Issue 5: the domain-level link graph of the crawl, each site's authority inside the
-- niche, and two scores (JV partner, community) with their breakdowns.

-- One row per (source site, target site): how many links, their anchors, where they sit,
-- and the weight the authority computation gave the edge (0 when both sites have one owner).
CREATE TABLE site_links (
    source_domain VARCHAR NOT NULL,
    target_domain VARCHAR NOT NULL,
    links         INTEGER NOT NULL,          -- page-level links behind the edge
    pages         INTEGER NOT NULL,          -- distinct source pages carrying them
    anchors       VARCHAR[] NOT NULL,        -- distinct anchor texts, sorted, at most 5
    sections      VARCHAR[] NOT NULL,        -- distinct sections: blogroll, signature, footer…
    weight        DOUBLE NOT NULL,           -- the edge's vote in PageRank / HITS
    same_owner    BOOLEAN NOT NULL,          -- collapsed: same contact on both sites
    PRIMARY KEY (source_domain, target_domain)
);

-- Per site: its owner group (sites sharing a contact), PageRank and HITS over the
-- collapsed graph, and the relevance (BM25) of the run's keywords over its text.
CREATE TABLE site_metrics (
    domain       VARCHAR PRIMARY KEY,
    owner_group  VARCHAR NOT NULL,           -- the group's first domain
    pagerank     DOUBLE NOT NULL,            -- sums to 1 over the graph's groups
    hub          DOUBLE NOT NULL,            -- HITS hub, max 1
    authority    DOUBLE NOT NULL,            -- HITS authority, max 1
    inlinks      INTEGER NOT NULL,           -- distinct linking owner groups
    bm25         DOUBLE NOT NULL
);

ALTER TABLE scores ADD COLUMN jv_score DOUBLE;
ALTER TABLE scores ADD COLUMN jv_breakdown JSON;
ALTER TABLE scores ADD COLUMN community_score DOUBLE;
ALTER TABLE scores ADD COLUMN community_breakdown JSON;
