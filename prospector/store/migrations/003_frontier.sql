-- The focused crawl: how far each site is from a search result or seed, and which
-- site led to it.
ALTER TABLE sites ADD COLUMN distance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN via VARCHAR NOT NULL DEFAULT '';
ALTER TABLE discoveries ADD COLUMN distance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE discoveries ADD COLUMN via VARCHAR NOT NULL DEFAULT '';
