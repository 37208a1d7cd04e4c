-- Release the best queued sites (see release_sites.lua). Returns the payloads.
-- KEYS: frontier, candidates, released, outstanding, scheduled;
-- ARGV: parallel, max_sites, claimed-key prefix.
--@include release_sites
return out
