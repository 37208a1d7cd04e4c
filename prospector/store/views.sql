-- Rankings shared by the report and ad-hoc SQL: the report reads exactly these.
CREATE OR REPLACE VIEW best_contacts AS
SELECT domain,
       arg_max(value, rank_key) AS value,
       arg_max(kind, rank_key) AS kind,
       arg_max(role, rank_key) AS role,
       arg_max(source_url, rank_key) AS source_url
FROM (
    SELECT *,
           (CASE kind WHEN 'email' THEN (CASE role WHEN 'personal' THEN 4 ELSE 3 END)
                      WHEN 'form' THEN 2 WHEN 'social' THEN 1 ELSE 0 END) * 10 + confidence
               AS rank_key
    FROM contacts
)
GROUP BY domain;

CREATE OR REPLACE VIEW prospects AS
SELECT s.domain, s.url, s.kind, s.platform, s.title, s.source, s.why, s.status, s.pages,
       coalesce(sc.score, 0) AS score, sc.breakdown,
       b.kind AS channel, b.value AS contact, b.role AS contact_role,
       (SELECT count(*) FROM contacts c WHERE c.domain = s.domain) AS contacts,
       s.first_run, s.last_run, s.first_seen, s.last_seen
FROM sites s
LEFT JOIN scores sc USING (domain)
LEFT JOIN best_contacts b USING (domain)
ORDER BY score DESC, s.domain;
