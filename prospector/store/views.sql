-- Rankings shared by the report and ad-hoc SQL: the report reads exactly these.
CREATE OR REPLACE VIEW best_contacts AS
-- An address that accepts no mail (issue 22: `prospector verify`) ranks below every
-- other channel; a deliverable one above an unchecked one of the same kind.
SELECT domain, value, kind, role, source_url, deliverability, checked_at
FROM (
    SELECT c.*, k.deliverability, k.checked_at,
           (CASE c.kind WHEN 'email' THEN
                (CASE WHEN k.deliverability = 'no_mail' THEN 0
                      ELSE (CASE c.role WHEN 'personal' THEN 4 ELSE 3 END)
                           + (CASE WHEN k.deliverability = 'deliverable' THEN 2 ELSE 0 END) END)
                 WHEN 'form' THEN 2 WHEN 'social' THEN 1 ELSE 0 END) * 10 + c.confidence
               AS rank_key
    FROM contacts c
    LEFT JOIN contact_checks k ON c.kind = 'email' AND k.address = c.value
)
QUALIFY row_number() OVER (PARTITION BY domain ORDER BY rank_key DESC, value) = 1;

-- Outreach status (issue 22): each site's latest pipeline status (drafted, contacted,
-- replied, declined, partner) and note, when it was last contacted, and whether that is
-- within the cooldown (prefs.contact_cooldown_days, default 90).
CREATE OR REPLACE VIEW outreach AS
SELECT domain, max(changed_at) FILTER (WHERE status = 'contacted') AS contacted_at,
       arg_max(note, event_id) AS note, arg_max(status, event_id) AS status,
       max(changed_at) AS status_at,
       coalesce(max(changed_at) FILTER (WHERE status = 'contacted')
           >= now()::TIMESTAMP - to_days(CAST(coalesce(
           (SELECT value FROM prefs WHERE key = 'contact_cooldown_days'), '90') AS INTEGER)),
           false) AS in_cooldown
FROM outreach_events
GROUP BY domain;

-- Addresses proposed from a site's pattern, with what `verify` said of them: never
-- mixed into contacts or best_contacts.
CREATE OR REPLACE VIEW inferred_addresses AS
SELECT i.domain, i.value, i.name, i.method, i.pattern, i.support, i.inferred_at,
       k.deliverability, k.checked_at
FROM inferred_contacts i
LEFT JOIN contact_checks k ON k.address = i.value;

-- Issue 21: each site's posts as of the latest run: posts per 30 days over the last 90
-- (as score/activity.py: when the stored posts do not reach 90 days back, the days before
-- the oldest are filled at the pace of those shown), the latest post's date and title.
CREATE OR REPLACE VIEW post_stats AS
WITH t AS (SELECT coalesce(max(started_at), now()::TIMESTAMP) AS at FROM runs),
ages AS (
    SELECT p.domain, p.published, p.title,
           greatest(0, epoch(t.at) - epoch(p.published)) / 86400.0 AS age
    FROM posts p, t WHERE p.published IS NOT NULL
),
agg AS (
    SELECT domain, count(*) AS n, max(age) AS oldest, min(age) AS newest,
           count(*) FILTER (WHERE age < 90) AS n90,
           max(published) AS latest_post, arg_max(title, published) AS latest_post_title
    FROM ages GROUP BY domain
),
opening AS (
    SELECT a.domain, count(*) AS k FROM ages a JOIN agg g USING (domain)
    WHERE a.age = g.oldest GROUP BY a.domain
)
SELECT g.domain, g.latest_post, g.latest_post_title,
       round(CASE WHEN g.oldest >= 90 OR g.n < 2 OR g.oldest = g.newest THEN g.n90 / 3.0
                  ELSE (g.n + (g.n - o.k) / (g.oldest - g.newest) * (90 - g.oldest)) / 3.0
             END, 1) AS posts_30d
FROM agg g JOIN opening o USING (domain);

CREATE OR REPLACE VIEW prospects AS
SELECT s.domain, s.url, s.kind, s.platform, s.title, s.source, s.why, s.status, s.pages,
       coalesce(sc.score, 0) AS score,
       -- the better score's breakdown, as the scoring picked it (migration 013)
       CASE WHEN sc.jv_score >= sc.community_score THEN sc.jv_breakdown
            ELSE sc.community_breakdown END AS breakdown,
       b.kind AS channel, b.value AS contact, b.role AS contact_role,
       b.deliverability AS contact_deliverability, b.checked_at AS contact_checked_at,
       (SELECT count(*) FROM contacts c WHERE c.domain = s.domain) AS contacts,
       s.first_run, s.last_run, s.first_seen, s.last_seen,
       o.contacted_at, o.note AS contacted_note, coalesce(o.in_cooldown, false) AS in_cooldown,
       o.status AS outreach_status, o.status_at AS outreach_at,
       coalesce(o.status IN ('declined', 'partner'), false) AS outreach_closed,
       (SELECT arg_max(i.value, i.support) FROM inferred_addresses i
        WHERE i.domain = s.domain AND coalesce(i.deliverability, '') <> 'no_mail')
           AS inferred_contact,
       s.members, s.topics, s.posts, s.online, s.registration_open, s.comments, s.latest_date,
       s.newsletter_provider, s.deal_signals, s.owner_name,
       s.newsletter_signup, s.newsletter_subscribers,  -- issue 21
       ps.posts_30d, ps.latest_post, ps.latest_post_title
FROM sites s
LEFT JOIN post_stats ps USING (domain)
LEFT JOIN scores sc USING (domain)
LEFT JOIN best_contacts b USING (domain)
LEFT JOIN outreach o USING (domain)
WHERE s.domain NOT IN (SELECT value FROM suppressions WHERE kind = 'domain')
ORDER BY score DESC, s.domain;

-- Authority inside the niche (issue 5): distinct linking sites, a few of them, and the
-- PageRank / HITS the last scoring computed over the collapsed domain graph.
CREATE OR REPLACE VIEW site_authority AS
SELECT l.domain, l.inlinks, l.linked_from,
       coalesce(m.pagerank, 0) AS pagerank, coalesce(m.hub, 0) AS hub,
       coalesce(m.authority, 0) AS authority, coalesce(m.inlinks, 0) AS owner_inlinks
FROM (
    SELECT target_domain AS domain,
           count(DISTINCT source_domain) AS inlinks,
           list_sort(list_distinct(list(source_domain)))[1:3] AS linked_from
    FROM links
    WHERE source_domain <> target_domain
    GROUP BY target_domain
) l
LEFT JOIN site_metrics m USING (domain);

-- The report's three lists, ranked here so ad-hoc SQL sees what the report shows.
-- Each exposes everything of `prospects` (domain, url, title, kind, platform, score,
-- breakdown, channel, contact, contact_role, why, source, first_seen, ...) plus inlinks,
-- linked_from, rank, and both scores (jv_score, jv_breakdown, community_score,
-- community_breakdown); `score` and `breakdown` are the list's own score.

-- Every prospect with both scores and its authority: the three lists below are this,
-- filtered and ranked by one of the scores.
CREATE OR REPLACE VIEW scored_prospects AS
SELECT p.*,
       coalesce(a.inlinks, 0) AS inlinks, a.linked_from,
       coalesce(sc.jv_score, 0) AS jv_score, sc.jv_breakdown,
       coalesce(sc.community_score, 0) AS community_score, sc.community_breakdown,
       coalesce(e.reason, '') AS unranked_reason  -- issue 24: why no list takes it ('' none)
FROM prospects p
LEFT JOIN scores sc USING (domain)
LEFT JOIN site_authority a USING (domain)
LEFT JOIN eligibility e USING (domain);

-- Partners for joint ventures: publishers, shops and sites with an owner to deal with,
-- ranked by the JV score. Forums are communities to join rather than partners.
CREATE OR REPLACE VIEW jv_partners AS
SELECT row_number() OVER (ORDER BY jv_score DESC, domain) AS rank,
       * REPLACE (jv_score AS score, jv_breakdown AS breakdown)
FROM scored_prospects
WHERE kind <> 'forum' AND NOT in_cooldown  -- contacted lately: not again yet
  AND NOT outreach_closed  -- declined, or a partner already
  AND unranked_reason = '' AND contacts > 0  -- a real prospect with a channel of its own
ORDER BY rank;

-- Communities to join: forums and blogs, ranked by the community score.
CREATE OR REPLACE VIEW communities AS
SELECT row_number() OVER (ORDER BY community_score DESC, domain) AS rank,
       * REPLACE (community_score AS score, community_breakdown AS breakdown)
FROM scored_prospects
WHERE kind IN ('forum', 'blog') AND unranked_reason = ''
ORDER BY rank;

-- Newsletters and e-zines: candidates for ad swaps and sponsorship. A site counts when
-- its kind is newsletter, it names a newsletter provider, or it offers a newsletter
-- contact; ranked by the JV score (a swap or a sponsorship is a deal).
CREATE OR REPLACE VIEW newsletters AS
SELECT row_number() OVER (ORDER BY jv_score DESC, domain) AS rank,
       * REPLACE (jv_score AS score, jv_breakdown AS breakdown)
FROM scored_prospects s
WHERE (kind = 'newsletter' OR newsletter_provider <> ''
   OR EXISTS (SELECT 1 FROM contacts c
              WHERE c.domain = s.domain AND (c.kind = 'newsletter' OR c.role = 'newsletter')))
  AND NOT in_cooldown AND NOT outreach_closed
  AND unranked_reason = '' AND contacts > 0
ORDER BY rank;

-- What changed since the previous run: sites first found by the latest run ('new', only
-- when an earlier run exists) and sites earlier runs found that the latest did not ('lost').
CREATE OR REPLACE VIEW run_changes AS
WITH latest AS (SELECT max(run_id) AS run_id, min(run_id) AS first_id FROM runs)
SELECT s.domain, s.url, s.kind, s.title,
       CASE WHEN s.first_run = latest.run_id THEN 'new' ELSE 'lost' END AS change,
       s.first_run, s.last_run, s.first_seen, s.last_seen
FROM sites s, latest
WHERE (s.first_run = latest.run_id AND latest.run_id > latest.first_id)
   OR s.last_run < latest.run_id
ORDER BY change DESC, s.domain;

-- Issue 24. The sites no ranked list takes, by reason, under each list: unreachable,
-- infrastructure and off-topic sites are prospects of no list and are counted under every
-- list; a site without a channel of its own (no email, form, profile or phone) under the
-- lists that need one, JV partners and newsletters, when the list's kind filter takes it.
CREATE OR REPLACE VIEW not_ranked AS
WITH gated AS (
    SELECT e.domain, e.reason, e.detail, coalesce(s.kind, '') AS kind,
           coalesce(s.url, '') AS url, coalesce(s.status, '') AS status, e.linked_by
    FROM eligibility e LEFT JOIN sites s USING (domain)
    WHERE e.reason <> ''
      AND e.domain NOT IN (SELECT value FROM suppressions WHERE kind = 'domain')
)
SELECT l.list, g.domain, g.reason, g.detail, g.kind, g.url, g.status, g.linked_by
FROM (SELECT unnest(['jv_partners', 'communities', 'newsletters']) AS list) l, gated g
UNION ALL
SELECT l.list, p.domain, 'no channel', 'no email, form, profile or phone of its own',
       p.kind, p.url, p.status, p.inlinks
FROM scored_prospects p, (SELECT unnest(['jv_partners', 'newsletters']) AS list) l
WHERE p.unranked_reason = '' AND p.contacts = 0
  AND ((l.list = 'jv_partners' AND p.kind <> 'forum')
       OR (l.list = 'newsletters' AND (p.kind = 'newsletter' OR p.newsletter_provider <> '')))
ORDER BY list, reason, domain;

-- Communities on platforms (issue 24): one row per hub the niche's pages link to, with
-- the distinct crawled sites linking to it (`linking_sites`), those of them that are
-- prospects (`niche_sites`: not off-topic, not infrastructure), its anchor texts, and how
-- well its name matches the last run's keyword (1: the id holds it, 0.5: an anchor does).
-- Ranked by niche sites, then name match.
CREATE OR REPLACE VIEW hubs AS
WITH kw AS (SELECT lower(coalesce((SELECT keyword FROM runs ORDER BY run_id DESC LIMIT 1),
                                  '')) AS keyword),
agg AS (
    SELECT h.platform, h.hub_id AS id, h.url,
           list_sort(list_distinct(list(h.anchor) FILTER (WHERE h.anchor <> '')))[1:5] AS anchors,
           count(DISTINCT h.source_domain) AS linking_sites,
           count(DISTINCT h.source_domain) FILTER (WHERE coalesce(e.reason, '') = '')
               AS niche_sites,
           list_sort(list_distinct(list(h.source_domain))) AS linked_from,
           min(h.first_seen) AS first_seen, max(h.last_seen) AS last_seen
    FROM hub_links h LEFT JOIN eligibility e ON e.domain = h.source_domain
    GROUP BY h.platform, h.hub_id, h.url
)
SELECT row_number() OVER (ORDER BY niche_sites DESC, name_relevance DESC, url) AS rank, *
FROM (
    SELECT agg.*,
           CASE WHEN kw.keyword <> '' AND contains(lower(agg.id), kw.keyword) THEN 1.0
                WHEN kw.keyword <> '' AND contains(lower(array_to_string(agg.anchors, ' ')),
                                                   kw.keyword) THEN 0.5
                ELSE 0.0 END::DOUBLE AS name_relevance
    FROM agg, kw
)
ORDER BY rank;
