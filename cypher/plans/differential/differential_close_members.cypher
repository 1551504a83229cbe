// The differential close's read of the sponsor tree (graph/plans/differential/close.py): every
// member's id, kind (PARTNER / CUSTOMER) and sponsor. Returns id, kind, sponsor_id (null: a root).
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN m.id AS id, m.kind AS kind, s.id AS sponsor_id
