// Corrects the name of member $id to $name. Returns id (no row for an unknown member).
MATCH (m:Member {id: $id})
SET m.name = $name
RETURN m.id AS id
