// Stores a member token's digest (never the token) for $member_id, valid until $expires_at (ms).
// Returns the member's id; no row when the member does not exist (nothing is written then).
MATCH (m:Member {id: $member_id})
CREATE (t:MemberToken {digest: $digest, member_id: m.id, created_at: $now, expires_at: $expires_at})
RETURN m.id AS member_id
