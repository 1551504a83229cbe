// The import's read of the graph when it brings orders and balances but no members
// (graph/network/importer.py): every member with its sponsor and placement parent, and what
// the order counters follow from — null for a member that never bought, was never paid and
// has no agent referral (most of a freshly imported network; the importer derives depths).
// Returns id, sponsor_id, parent_id, state ({packages, agent_referrals, quota, quota_used
// (cents), status, identity} or null).
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[:PLACED_UNDER]->(p:Member)
RETURN m.id AS id, s.id AS sponsor_id, p.id AS parent_id,
       CASE WHEN m.packages IS NULL AND m.agent_referrals IS NULL AND m.quota_used IS NULL AND m.identity IS NULL
            THEN NULL
            ELSE {packages: coalesce(m.packages, 0), agent_referrals: coalesce(m.agent_referrals, 0),
                  quota: coalesce(m.quota, 0), quota_used: coalesce(m.quota_used, 0), status: m.status,
                  identity: m.identity} END AS state
