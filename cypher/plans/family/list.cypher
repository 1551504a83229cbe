// Every family's id and leader_id, by id.
MATCH (f:Family)-[:LED_BY]->(l:Member)
RETURN f.id AS id, l.id AS leader_id
ORDER BY f.id
