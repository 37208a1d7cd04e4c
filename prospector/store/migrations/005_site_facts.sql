-- Site facts merged over each site's pages (extract.merge_site): community numbers,
-- activity, newsletter, openness to deals, the owner's name.
ALTER TABLE sites ADD COLUMN members INTEGER;
ALTER TABLE sites ADD COLUMN topics INTEGER;
ALTER TABLE sites ADD COLUMN posts INTEGER;
ALTER TABLE sites ADD COLUMN online INTEGER;
ALTER TABLE sites ADD COLUMN registration_open BOOLEAN;
ALTER TABLE sites ADD COLUMN comments INTEGER;          -- most comments seen on one post
ALTER TABLE sites ADD COLUMN latest_date VARCHAR NOT NULL DEFAULT '';  -- ISO date of the latest activity
ALTER TABLE sites ADD COLUMN newsletter_provider VARCHAR NOT NULL DEFAULT '';  -- mailchimp, substack… or form
ALTER TABLE sites ADD COLUMN deal_signals VARCHAR NOT NULL DEFAULT '';  -- comma list: advertise, write_for_us…
ALTER TABLE sites ADD COLUMN owner_name VARCHAR NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN feeds VARCHAR[];
