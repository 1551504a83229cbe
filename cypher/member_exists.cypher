// Whether a member id is taken. Returns one row per existing id.
MATCH (m:Member {id: $id})
RETURN m.id AS id
