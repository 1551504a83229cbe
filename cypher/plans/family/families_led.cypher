// The families member $id leads, by id. Returns id, name, leader_id.
MATCH (f:Family)-[:LED_BY]->(l:Member {id: $id})
RETURN f.id AS id, f.name AS name, l.id AS leader_id
ORDER BY f.id
