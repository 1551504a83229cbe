// The member holding the unexpired token whose digest is $digest, with the families it leads.
// No row for an unknown, revoked or expired token.
MATCH (t:MemberToken {digest: $digest})
WHERE t.expires_at > $now
MATCH (m:Member {id: t.member_id})
OPTIONAL MATCH (f:Family)-[:LED_BY]->(m)
RETURN m.id AS member_id, m.name AS name, m.kind AS kind, collect(f.id) AS leads
