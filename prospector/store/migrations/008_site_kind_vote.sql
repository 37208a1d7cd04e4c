-- Issue 18: a site's kind is decided by its pages' vote (extract.kind.site_kind), written
-- with the site's merged facts; the home page's kind (finish_run) only fills in for a
-- site whose crawl never reached its end. This flag says which of the two `kind` holds.
ALTER TABLE sites ADD COLUMN kind_voted BOOLEAN NOT NULL DEFAULT false;
