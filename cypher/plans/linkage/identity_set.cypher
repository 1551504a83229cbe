// Sets member $id's identity (rules §6: PARTNER, COFOUNDER, DIRECTOR; null revokes).
// Returns id; no row for an unknown member.
MATCH (m:Member {id: $id})
SET m.identity = $identity
RETURN m.id AS id
