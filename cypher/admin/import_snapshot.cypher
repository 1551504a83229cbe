// The import's one read of the graph (graph/admin/importer.py): every member with its sponsor, its
// placement parent and slot, and the counters the placement rule and the order counters keep.
// Returns id, name, kind, created_at (a re-run compares them with the file), seq, depth, sponsor_depth, sponsor_id, parent_id, slot, referrals, size,
// free_id, free_depth, free_seq, r (derived from the rotation-run counter), landing_slug, state ({packages, agent_referrals, quota,
// quota_used (cents), status, identity}, null for a member that never bought, was never paid
// and has no agent referral).
MATCH (v:Meta {key: 'version'})
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
RETURN m.id AS id, m.name AS name, m.kind AS kind, m.created_at AS created_at, m.seq AS seq, m.depth AS depth, m.sponsor_depth AS sponsor_depth, s.id AS sponsor_id,
       p.id AS parent_id, l.slot AS slot, m.referrals AS referrals, m.size AS size,
       m.free_id AS free_id, m.free_depth AS free_depth, m.free_seq AS free_seq, coalesce(v.rotation_runs - m.full_at, 0) AS r,
       m.landing_slug AS landing_slug,
       CASE WHEN m.packages IS NULL AND m.agent_referrals IS NULL AND m.quota_used IS NULL AND m.identity IS NULL
            THEN NULL
            ELSE {packages: coalesce(m.packages, 0), agent_referrals: coalesce(m.agent_referrals, 0),
                  quota: coalesce(m.quota, 0), quota_used: coalesce(m.quota_used, 0), status: m.status,
                  identity: m.identity} END AS state
