// The import's read of the graph when it brings orders and balances but no members
// (graph/importer.py): every member with its sponsor, placement parent and what the order
// counters follow from. Returns id, depth, sponsor_depth, sponsor_id, parent_id, packages,
// agent_referrals, quota, quota_used (cents), status, identity.
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[:PLACED_UNDER]->(p:Member)
RETURN m.id AS id, m.depth AS depth, m.sponsor_depth AS sponsor_depth, s.id AS sponsor_id, p.id AS parent_id,
       coalesce(m.packages, 0) AS packages, coalesce(m.agent_referrals, 0) AS agent_referrals,
       coalesce(m.quota, 0) AS quota, coalesce(m.quota_used, 0) AS quota_used, m.status AS status,
       m.identity AS identity
